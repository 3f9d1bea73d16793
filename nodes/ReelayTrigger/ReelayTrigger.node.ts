import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';

import { downloadFile, getBaseUrl, reelayApiRequest } from '../Reelay/transport';
import { DEFAULT_TOLERANCE_SECONDS, verifySignature } from './signature';

/** What the trigger keeps in the workflow's static data between activation and deactivation. */
interface SubscriptionState extends IDataObject {
	webhookId?: string;
	secret?: string;
	/** The subscription's secret version when the secret was stored (absent from older Reelay servers). */
	secretVersion?: number;
	url?: string;
	events?: string[];
	/** When a refused delivery last made the trigger look for a secret rotated elsewhere (ms). */
	secretCheckedAt?: number;
}

function forgetSubscription(state: SubscriptionState): void {
	for (const field of ['webhookId', 'secret', 'secretVersion', 'url', 'events', 'secretCheckedAt'] as const) delete state[field];
}

/** A refused delivery asks Reelay about the secret at most this often (forged requests cost little). */
const SECRET_CHECK_INTERVAL_MS = 60_000;

/**
 * After a delivery failed verification: when the subscription's secret was rotated elsewhere (API,
 * another tool) and the old one no longer signs, n8n would otherwise refuse every delivery until
 * the workflow is re-activated. The trigger rotates the secret again to learn a new one (shown
 * only to the rotator), and n8n saves static data after each webhook call. Returns true when the
 * stored secret was renewed.
 */
async function renewSecretRotatedElsewhere(this: IWebhookFunctions, state: SubscriptionState): Promise<boolean> {
	const now = Date.now();
	if (!state.webhookId || typeof state.secretVersion !== 'number') return false;
	if (state.secretCheckedAt && now - state.secretCheckedAt < SECRET_CHECK_INTERVAL_MS) return false;
	state.secretCheckedAt = now;
	const endpoint = `/v2/webhooks/${encodeURIComponent(state.webhookId)}`;
	const response = await reelayApiRequest.call(this, { method: 'GET', endpoint });
	const subscription = (response.webhook ?? response) as IDataObject;
	if (typeof subscription.secret_version !== 'number' || subscription.secret_version === state.secretVersion) return false;
	const rotated = await reelayApiRequest.call(this, { method: 'POST', endpoint: `${endpoint}/rotate-secret` });
	const renewed = (rotated.webhook ?? rotated) as IDataObject;
	if (typeof rotated.secret !== 'string' || typeof renewed.secret_version !== 'number') return false;
	state.secret = rotated.secret;
	state.secretVersion = renewed.secret_version;
	this.logger.info('Reelay Trigger renewed a webhook secret that was rotated elsewhere', { webhookId: state.webhookId });
	return true;
}

function headerValue(headers: IDataObject, name: string): string | undefined {
	const value = headers[name];
	return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

function sameEvents(a: unknown, b: string[]): boolean {
	return Array.isArray(a) && a.length === b.length && b.every((event) => a.includes(event));
}

/**
 * Starts a workflow when a Reelay render finishes or fails. Activation subscribes this node's webhook
 * URL with `POST /v2/webhooks` and keeps the subscription's id and signing secret in static data;
 * every delivery must carry a valid, fresh Standard Webhooks signature, or it is refused with 401.
 */
export class ReelayTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Reelay Trigger',
		name: 'reelayTrigger',
		icon: { light: 'file:../../icons/reelay.svg', dark: 'file:../../icons/reelay.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts the workflow when a Reelay render is done or has failed',
		defaults: { name: 'Reelay Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'reelayApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: [
					{ name: 'Movie Done', value: 'movie.done', description: 'A render finished; the item has its URL' },
					{ name: 'Movie Error', value: 'movie.error', description: 'A render failed; the item has the reason' },
				],
				default: ['movie.done'],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Download Video',
						name: 'download',
						type: 'boolean',
						default: false,
						description: 'Whether to download the finished MP4 into binary data (movie.done only)',
					},
					{
						displayName: 'Put Output File in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'The binary field to put the video in',
					},
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: DEFAULT_TOLERANCE_SECONDS,
						description: 'Deliveries signed longer ago than this are refused as replays',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as SubscriptionState;
				if (!state.webhookId) return false;
				const url = this.getNodeWebhookUrl('default') as string;
				const events = this.getNodeParameter('events') as string[];
				let subscription: IDataObject;
				try {
					const response = await reelayApiRequest.call(this, {
						method: 'GET',
						endpoint: `/v2/webhooks/${encodeURIComponent(state.webhookId)}`,
					});
					subscription = (response.webhook ?? response) as IDataObject;
				} catch (error) {
					if ((error as NodeApiError).httpCode === '404') {
						// Deleted on the server (or by a 410): subscribe again.
						this.logger.info('Reelay webhook subscription is gone; it will be created again', {
							webhookId: state.webhookId,
						});
						forgetSubscription(state);
						return false;
					}
					throw new NodeApiError(this.getNode(), error as JsonObject);
				}
				const current = (subscription.url ?? subscription.target_url) as string | undefined;
				// A secret rotated elsewhere (API, another tool) would fail every signature check once the
				// overlap ends: the stored one is only trusted while the versions agree.
				const rotatedElsewhere =
					typeof subscription.secret_version === 'number' &&
					typeof state.secretVersion === 'number' &&
					subscription.secret_version !== state.secretVersion;
				if (current === url && sameEvents(subscription.events, events) && state.secret && subscription.disabled !== true && !rotatedElsewhere) {
					return true;
				}
				// URL or events changed since it was made, its secret was rotated, or Reelay disabled it after
				// failed deliveries: replace it rather than leave a stale one behind.
				await reelayApiRequest.call(this, {
					method: 'DELETE',
					endpoint: `/v2/webhooks/${encodeURIComponent(state.webhookId)}`,
				});
				forgetSubscription(state);
				return false;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl('default') as string;
				const events = this.getNodeParameter('events') as string[];
				const response = await reelayApiRequest.call(this, {
					method: 'POST',
					endpoint: '/v2/webhooks',
					body: { url, events },
				});
				const subscription = (response.webhook ?? response) as IDataObject;
				const secret = (response.secret ?? subscription.secret) as string | undefined;
				if (!subscription.id || !secret) {
					throw new NodeApiError(this.getNode(), response as JsonObject, {
						message: 'Reelay did not return a webhook id and signing secret',
					});
				}
				const state = this.getWorkflowStaticData('node') as SubscriptionState;
				state.webhookId = String(subscription.id);
				state.secret = secret;
				if (typeof subscription.secret_version === 'number') state.secretVersion = subscription.secret_version;
				state.url = url;
				state.events = events;
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as SubscriptionState;
				if (state.webhookId) {
					try {
						await reelayApiRequest.call(this, {
							method: 'DELETE',
							endpoint: `/v2/webhooks/${encodeURIComponent(state.webhookId)}`,
						});
					} catch (error) {
						if ((error as NodeApiError).httpCode !== '404') {
							throw new NodeApiError(this.getNode(), error as JsonObject);
						}
						this.logger.info('Reelay webhook subscription was already gone', { webhookId: state.webhookId });
					}
				}
				forgetSubscription(state);
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const state = this.getWorkflowStaticData('node') as SubscriptionState;
		const request = this.getRequestObject();
		const headers = this.getHeaderData() as IDataObject;
		const options = this.getNodeParameter('options', {}) as IDataObject;

		if (!request.rawBody && typeof request.readRawBody === 'function') await request.readRawBody();
		const verdict = state.secret
			? verifySignature(
					state.secret,
					{
						id: headerValue(headers, 'webhook-id'),
						timestamp: headerValue(headers, 'webhook-timestamp'),
						signature: headerValue(headers, 'webhook-signature'),
					},
					request.rawBody ?? Buffer.alloc(0),
					Math.floor(Date.now() / 1000),
					Number(options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS),
				)
			: { ok: false as const, reason: 'this trigger has no active subscription' };
		if (!verdict.ok) {
			let renewed = false;
			try {
				renewed = await renewSecretRotatedElsewhere.call(this, state);
			} catch (error) {
				this.logger.warn(`Reelay Trigger could not check its webhook secret: ${(error as Error).message}`);
			}
			if (renewed) {
				// Reelay retries after Retry-After, signed with the secret this trigger now holds.
				this.getResponseObject().status(503).set('Retry-After', '1').json({ success: false, error: 'Signing secret renewed; send again' });
				return { noWebhookResponse: true };
			}
			this.logger.warn(`Reelay Trigger refused a delivery: ${verdict.reason}`);
			this.getResponseObject().status(401).json({ success: false, error: 'Invalid webhook signature' });
			return { noWebhookResponse: true };
		}

		const body = this.getBodyData();
		const type = String(body.type ?? '');
		const events = this.getNodeParameter('events') as string[];
		if (!events.includes(type)) {
			// e.g. the "ping" that Reelay's test-send uses: acknowledged, but no workflow run.
			return { webhookResponse: { success: true, ignored: type } };
		}
		const data = (body.data ?? {}) as IDataObject;
		const item: INodeExecutionData = {
			json: { event: type, timestamp: body.timestamp, deliveryId: headerValue(headers, 'webhook-id'), ...data },
		};
		if (options.download === true && type === 'movie.done' && typeof data.url === 'string') {
			const baseUrl = await getBaseUrl.call(this);
			const video = await downloadFile.call(this, data.url, baseUrl);
			const binary = await this.helpers.prepareBinaryData(video, `${String(data.project)}.mp4`, 'video/mp4');
			item.binary = { [String(options.binaryPropertyName ?? 'data') || 'data']: binary };
		}
		return { workflowData: [[item]] };
	}
}
