/**
 * Standard Webhooks verification (https://www.standardwebhooks.com): the sender signs
 * "{webhook-id}.{webhook-timestamp}.{raw body}" with HMAC-SHA256 under the base64 key after `whsec_`
 * and sends one or more space-separated `v1,<base64>` signatures (several while a secret rotates).
 * A delivery is accepted when any v1 signature matches in constant time and the timestamp is within
 * the tolerance, so a captured request cannot be replayed later.
 */
import { createHmac, timingSafeEqual } from 'crypto';

export const DEFAULT_TOLERANCE_SECONDS = 300;

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export interface WebhookHeaders {
	id?: string;
	timestamp?: string;
	signature?: string;
}

function secretBytes(secret: string): Buffer {
	return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

export function sign(secret: string, id: string, timestamp: string, body: string | Buffer): string {
	const hmac = createHmac('sha256', secretBytes(secret));
	hmac.update(`${id}.${timestamp}.`);
	hmac.update(body);
	return `v1,${hmac.digest('base64')}`;
}

export function verifySignature(
	secret: string,
	headers: WebhookHeaders,
	rawBody: string | Buffer,
	nowSeconds: number,
	toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): VerifyResult {
	const { id, timestamp, signature } = headers;
	if (!id || !timestamp || !signature) return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature' };
	if (!/^\d+$/.test(timestamp)) return { ok: false, reason: 'webhook-timestamp is not a number of seconds' };
	if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
		return { ok: false, reason: 'webhook-timestamp is outside the tolerance (stale or replayed delivery)' };
	}
	const expected = Buffer.from(sign(secret, id, timestamp, rawBody).slice(3), 'base64');
	for (const candidate of signature.split(' ')) {
		const [version, value] = candidate.split(',', 2);
		if (version !== 'v1' || !value) continue;
		const given = Buffer.from(value, 'base64');
		if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
	}
	return { ok: false, reason: 'no matching v1 signature' };
}
