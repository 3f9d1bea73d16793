/**
 * The one way this package talks to a Reelay bridge. Every call authenticates through the credential
 * (`x-api-key`), reads the status itself (so 4xx bodies reach the error mapper intact), waits out
 * 429s within a bounded budget, and turns failures into NodeApiErrors a user can act on.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { reelayError } from '../helpers/errors';

export type ReelayContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export const CREDENTIAL_NAME = 'reelayApi';

/** A 429 is retried this many times; the request was not processed, so even a POST is safe to resend. */
export const MAX_RATE_LIMIT_RETRIES = 3;
/** Never wait longer than this for one Retry-After, whatever the server asks. */
const MAX_RETRY_AFTER_MS = 60_000;

export interface ReelayRequest {
	method: IHttpRequestMethods;
	/** Path under the base URL, e.g. `/v2/movies`. */
	endpoint: string;
	body?: IDataObject | Buffer;
	qs?: IDataObject;
	headers?: IDataObject;
	itemIndex?: number;
}

export async function getBaseUrl(this: ReelayContext): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
}

/** Seconds (or an HTTP date) from Retry-After, as milliseconds within [0, MAX_RETRY_AFTER_MS]. */
export function retryAfterMs(header: unknown, now = Date.now()): number {
	const value = Array.isArray(header) ? header[0] : header;
	if (value === undefined || value === null || value === '') return 1000;
	const seconds = Number(value);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(String(value)) - now;
	if (!Number.isFinite(ms)) return 1000;
	return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

function parseBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return { error: body };
	}
}

export async function reelayApiRequest(this: ReelayContext, request: ReelayRequest): Promise<IDataObject> {
	const baseURL = await getBaseUrl.call(this);
	const isRawBody = Buffer.isBuffer(request.body);
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL,
		url: request.endpoint,
		qs: request.qs,
		headers: request.headers,
		body: request.body,
		json: !isRawBody,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	for (let attempt = 0; ; attempt++) {
		let response: IN8nHttpFullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_NAME,
				options,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			// Only transport failures land here (status errors are ignored above).
			throw new NodeOperationError(this.getNode(), `Could not reach Reelay at ${baseURL}`, {
				description: `Check the Base URL in the Reelay API credential and that the bridge is running. (${(error as Error).message})`,
				itemIndex: request.itemIndex,
			});
		}
		const body = parseBody(response.body);
		if (response.statusCode === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
			await sleep(retryAfterMs(response.headers['retry-after']));
			continue;
		}
		if (response.statusCode >= 400) {
			throw reelayError(this.getNode(), response.statusCode, body, request.itemIndex);
		}
		return (body ?? {}) as IDataObject;
	}
}

/**
 * Follows the list's continuation token until the list ends or `limit` items are collected. `key` names the array in
 * each page (`movies`, `templates`, …).
 */
export async function reelayApiRequestAllItems(
	this: ReelayContext,
	request: ReelayRequest,
	key: string,
	limit = Infinity,
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	const qs: IDataObject = { ...(request.qs ?? {}) };
	do {
		if (Number.isFinite(limit)) qs.limit = Math.min(100, limit - items.length);
		const page = await reelayApiRequest.call(this, { ...request, qs });
		const pageItems = Array.isArray(page[key]) ? (page[key] as IDataObject[]) : [];
		items.push(...pageItems);
		// Movies page with JSON2Video's `next_token`; other lists with `nextCursor` → `cursor`.
		if (page.next_token) qs.next_token = page.next_token;
		else if (page.nextCursor) qs.cursor = page.nextCursor;
		else break;
		if (pageItems.length === 0) break;
	} while (items.length < limit);
	return Number.isFinite(limit) ? items.slice(0, limit) : items;
}

/**
 * Fetches a finished movie. Its URL is a signed, expiring link, so no key is needed; the key is sent
 * only when the link points back at the bridge itself (never to another host).
 */
export async function downloadFile(
	this: IExecuteFunctions | IWebhookFunctions,
	url: string,
	baseUrl: string,
	itemIndex?: number,
): Promise<Buffer> {
	const absolute = new URL(url, `${baseUrl}/`);
	const sameOrigin = absolute.origin === new URL(`${baseUrl}/`).origin;
	const options: IHttpRequestOptions = {
		method: 'GET',
		url: absolute.toString(),
		encoding: 'arraybuffer',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	let response: IN8nHttpFullResponse;
	try {
		response = (
			sameOrigin
				? await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, options)
				: await this.helpers.httpRequest(options)
		) as IN8nHttpFullResponse;
	} catch (error) {
		throw new NodeOperationError(this.getNode(), 'Could not download the rendered movie', {
			description: `${absolute.origin}: ${(error as Error).message}`,
			itemIndex,
		});
	}
	if (response.statusCode >= 400) {
		throw reelayError(this.getNode(), response.statusCode, parseBody(response.body), itemIndex);
	}
	return Buffer.from(response.body as ArrayBuffer);
}
