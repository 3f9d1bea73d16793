/**
 * Test helper: a real S3-protocol server (s3rver) on a free loopback port, with a bucket in a temp
 * directory: multipart uploads, ranges, presigned expiry. s3rver checks only the access key of a
 * SigV4 request (its code: "Signature version 4 calculation is unimplemented"), so a front on its own
 * port recomputes every signature (header or presigned) with the secret and answers 403
 * SignatureDoesNotMatch to a wrong one, as S3 and MinIO do, before passing the request on.
 *
 *   const s3 = await startS3();            // s3.settings: S3Settings; s3.env: REELAY_S3_* for a bridge
 *   afterAll(() => s3.stop());             // closes the server, removes the directory
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships CommonJS without types
const S3rver = require('s3rver') as new (opts: Record<string, unknown>) => { run(): Promise<AddressInfo>; close(): Promise<void> };
import type { S3Settings } from '../../bridge/src/storage/s3';

/** s3rver's fixed credentials: it verifies signatures made with them. */
export const S3_ACCESS_KEY = 'S3RVER';
export const S3_SECRET_KEY = 'S3RVER';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  dir: string;
  settings: S3Settings;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3(bucket = 'reelay-test'): Promise<TestS3> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const addr = await server.run();
  const front = await verifyingFront(addr.port);
  const endpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  return {
    endpoint,
    bucket,
    dir,
    settings: { bucket, region: 'us-east-1', endpoint, accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY, forcePathStyle: true, downloads: 'stream' },
    env: {
      REELAY_STORAGE: 's3',
      REELAY_S3_ENDPOINT: endpoint,
      REELAY_S3_BUCKET: bucket,
      REELAY_S3_ACCESS_KEY_ID: S3_ACCESS_KEY,
      REELAY_S3_SECRET_ACCESS_KEY: S3_SECRET_KEY,
      REELAY_S3_FORCE_PATH_STYLE: 'true',
    },
    async stop() {
      front.closeAllConnections();
      await new Promise((r) => front.close(r));
      await server.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const signer = new SignatureV4({
  credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY },
  region: 'us-east-1',
  service: 's3',
  sha256: Hash.bind(null, 'sha256'),
  uriEscapePath: false,
  applyChecksum: false,
});

const AUTH_PARAMS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'];
const amzDate = (s: string) => new Date(s.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));

/** The signature S3 would compute for this request with the secret: null when it is not SigV4-signed. */
async function expectedSignature(req: http.IncomingMessage): Promise<{ given: string; expected: string } | null> {
  const url = new URL(req.url ?? '/', 'http://x');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const headerOf = (name: string) => String(req.headers[name] ?? '');
  const auth = /^AWS4-HMAC-SHA256 Credential=[^,]+,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(headerOf('authorization'));
  if (auth) {
    const signed = auth[1].split(';');
    const headers = Object.fromEntries(signed.map((h) => [h, headerOf(h)]));
    const request = new HttpRequest({ method: req.method, protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query, headers });
    const out = await signer.sign(request, { signingDate: amzDate(headerOf('x-amz-date')), signableHeaders: new Set(signed) });
    return { given: auth[2], expected: /Signature=([0-9a-f]+)/.exec(String(out.headers.authorization))![1] };
  }
  if (query['X-Amz-Signature']) {
    const signed = query['X-Amz-SignedHeaders'].split(';');
    const given = query['X-Amz-Signature'];
    const payload = query['X-Amz-Content-Sha256'];
    const rest = Object.fromEntries(Object.entries(query).filter(([k]) => !AUTH_PARAMS.includes(k)));
    const headers: Record<string, string> = Object.fromEntries(signed.map((h) => [h, headerOf(h)]));
    // The payload hash the URL names (UNSIGNED-PAYLOAD) goes into the signature, not into a header.
    if (payload) headers['x-amz-content-sha256'] = payload;
    const request = new HttpRequest({ method: req.method, protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query: rest, headers });
    const keep = new Set(['x-amz-content-sha256']);
    const out = await signer.presign(request, {
      signingDate: amzDate(query['X-Amz-Date']), expiresIn: Number(query['X-Amz-Expires']), signableHeaders: new Set(signed), unhoistableHeaders: keep, unsignableHeaders: keep,
    });
    return { given, expected: String(out.query?.['X-Amz-Signature']) };
  }
  return null;
}

function verifyingFront(backendPort: number): Promise<http.Server> {
  const front = http.createServer((req, res) => {
    void expectedSignature(req).then((check) => {
      if (check && check.given !== check.expected) {
        req.resume();
        res.writeHead(403, { 'Content-Type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided.</Message></Error>');
        return;
      }
      const upstream = http.request({ agent: false, host: '127.0.0.1', port: backendPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
  });
  return new Promise((resolve) => front.listen(0, '127.0.0.1', () => resolve(front)));
}
