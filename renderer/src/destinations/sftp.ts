import { createHash, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { Deliver, DeliveryError, remoteDirectory, remoteFileName } from './delivery';
import { resolvePublicHost } from './egress';

const TIMEOUT_MS = 30_000;

/** Uploads the render over SFTP (password or private key), creating the remote path. */
export const deliverSftp: Deliver = async (ctx) => {
  const c = ctx.config as { host: string; port?: number; username: string; password?: string; privateKey?: string; passphrase?: string; hostFingerprint?: string };
  const port = c.port ?? 22;
  const address = await resolvePublicHost(c.host, ctx.allowPrivateHosts ?? false);
  const dir = remoteDirectory(ctx);
  const name = remoteFileName(ctx);
  const remote = dir ? path.posix.join(dir, name) : name;
  const client = new SftpClient('reelay');
  const abort = () => void client.end().catch(() => undefined);
  ctx.signal?.addEventListener('abort', abort, { once: true });
  try {
    await client
      .connect({
        host: address,
        port,
        username: c.username,
        password: c.password,
        privateKey: c.privateKey,
        passphrase: c.passphrase,
        readyTimeout: TIMEOUT_MS,
        retries: 0, // runDelivery owns retries, with its own backoff and outcome record
        // Pin the server key when a fingerprint is saved: a man in the middle would otherwise get the password.
        hostVerifier: c.hostFingerprint ? (key: Buffer) => fingerprintMatches(key, c.hostFingerprint as string) : undefined,
      })
      .catch((e: { level?: string; message?: string }) => {
        if (e?.level === 'client-authentication' || /authentication/i.test(e?.message ?? '')) {
          throw new DeliveryError(`SFTP login to ${c.host} refused (authentication failed)`, false);
        }
        throw e;
      });
    if (dir && !(await client.exists(dir))) await client.mkdir(dir, true);
    await client.fastPut(ctx.file, remote);
    return { target: `sftp://${c.host}:${port}/${remote.replace(/^\/+/, '')}` };
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
    await client.end().catch(() => undefined);
  }
};

function fingerprintMatches(key: Buffer, expected: string): boolean {
  const actual = createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
  const wanted = expected.replace(/^SHA256:/, '').replace(/=+$/, '');
  return actual.length === wanted.length && timingSafeEqual(Buffer.from(actual), Buffer.from(wanted));
}
