/**
 * Turns a Reelay error body (`{success:false, error, code, details, requestId}`) into a NodeApiError
 * whose message says what happened and whose description says what to do about it.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

interface ReelayErrorBody {
	error?: string;
	code?: string;
	details?: unknown;
	requestId?: string;
}

interface ValidationProblem {
	path?: string;
	message?: string;
}

function asErrorBody(body: unknown): ReelayErrorBody {
	return body !== null && typeof body === 'object' ? (body as ReelayErrorBody) : { error: String(body ?? '') };
}

function detailsObject(details: unknown): Record<string, unknown> {
	return details !== null && typeof details === 'object' && !Array.isArray(details)
		? (details as Record<string, unknown>)
		: {};
}

/** Validation details are a list of `{path, message}`, either bare or under `details.issues`/`errors`. */
export function validationProblems(details: unknown): ValidationProblem[] {
	const list = Array.isArray(details)
		? details
		: (detailsObject(details).issues ?? detailsObject(details).errors ?? detailsObject(details).problems);
	return Array.isArray(list) ? (list as ValidationProblem[]) : [];
}

function missingScope(details: unknown): string | undefined {
	const d = detailsObject(details);
	const scope = d.missingScope ?? d.requiredScope ?? d.scope ?? d.required ?? d.missing;
	if (Array.isArray(scope)) return scope.join(', ');
	return typeof scope === 'string' ? scope : undefined;
}

function explain(status: number, body: ReelayErrorBody): { message: string; description: string } {
	const said = body.error || `HTTP ${status}`;
	const code = body.code ? ` (${body.code})` : '';
	const details = detailsObject(body.details);
	switch (true) {
		case status === 401:
			return {
				message: `Reelay rejected the API key${code}`,
				description: `${said}. The key in the "Reelay API" credential is missing, mistyped, expired or revoked: paste the full rly_… key again or create a new one.`,
			};
		case status === 403: {
			const scope = missingScope(body.details);
			return {
				message: scope
					? `The API key lacks the scope "${scope}"`
					: `The API key may not do this${code}`,
				description: `${said}. ${
					scope ? `Give the key the scope ${scope}` : 'Give the key the needed scope'
				} (or a role that includes it: render < editor < manager; API keys need the primary key), or use another credential.`,
			};
		}
		case status === 402: {
			const needed = details.creditsNeeded;
			const available = details.creditsAvailable;
			return {
				message:
					needed !== undefined
						? `Not enough Reelay credits: this needs ${needed}, ${available ?? 0} available`
						: `Not enough Reelay credits${code}`,
				description: `${said}. Add credits to the account (reelay accounts credits …) or render something shorter.`,
			};
		}
		case status === 400 || status === 422: {
			const problems = validationProblems(body.details);
			const lines = problems.map((p) => `${p.path || '(root)'}: ${p.message ?? 'invalid'}`);
			return {
				message: lines.length
					? `Reelay refused the request: ${lines[0]}${lines.length > 1 ? ` (+${lines.length - 1} more)` : ''}`
					: `Reelay refused the request: ${said}`,
				description: lines.length ? `${said}\n${lines.join('\n')}` : said,
			};
		}
		case status === 404:
			return {
				message: `Not found in Reelay: ${said}`,
				description: 'Check the ID; objects of another account are reported as not found too.',
			};
		case status === 409:
			return {
				message: `Conflict: ${said}`,
				description:
					body.code?.startsWith('idempotency')
						? 'The same Idempotency-Key was used with a different request, or the first one is still running.'
						: said,
			};
		case status === 429:
			return {
				message: 'Reelay kept rate-limiting the request',
				description: `${said}. Retried after each Retry-After and gave up; slow the workflow down (e.g. with a Wait node) or raise the key's limit.`,
			};
		default:
			return { message: `Reelay error ${status}: ${said}`, description: said };
	}
}

export function reelayError(node: INode, status: number, rawBody: unknown, itemIndex?: number): NodeApiError {
	const body = asErrorBody(rawBody);
	const { message, description } = explain(status, body);
	const withRequest = body.requestId ? `${description}\nRequest ID: ${body.requestId}` : description;
	const error = new NodeApiError(node, { ...(body as JsonObject) }, {
		message,
		description: withRequest,
		httpCode: String(status),
		itemIndex,
	});
	// Kept for "Continue On Fail" output and for expressions on the error item.
	if (body.code) error.context.reelayCode = body.code;
	if (body.details !== undefined) error.context.details = body.details as JsonObject;
	if (body.requestId) error.context.requestId = body.requestId;
	return error;
}
