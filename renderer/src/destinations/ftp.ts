import { Client } from 'basic-ftp';
import { Deliver, DeliveryError, remoteDirectory, remoteFileName } from './delivery';
import { resolvePublicHost } from './egress';

const TIMEOUT_MS = 30_000;

/** Uploads the render to an FTP server (explicit FTPS when `secure`), creating the remote path. */
export const deliverFtp: Deliver = async (ctx) => {
  const c = ctx.config as { host: string; port?: number; username: string; password: string; secure?: boolean };
  const port = c.port ?? 21;
  const address = await resolvePublicHost(c.host, ctx.allowPrivateHosts ?? false);
  const dir = remoteDirectory(ctx);
  const name = remoteFileName(ctx);
  const client = new Client(TIMEOUT_MS);
  const abort = () => client.close();
  ctx.signal?.addEventListener('abort', abort, { once: true });
  try {
    await client
      .access({ host: address, port, user: c.username, password: c.password, secure: c.secure ?? false, secureOptions: c.secure ? { servername: c.host } : undefined })
      .catch((e: { code?: number; message?: string }) => {
        // 530 = not logged in: the credentials are wrong, retrying will not help.
        if (e?.code === 530) throw new DeliveryError(`FTP login to ${c.host} refused (530)`, false);
        throw e;
      });
    if (dir) await client.ensureDir(dir);
    await client.uploadFrom(ctx.file, name);
    return { target: `ftp://${c.host}:${port}${dir ? '/' + dir.replace(/^\/+|\/+$/g, '') : ''}/${name}` };
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
    client.close();
  }
};
