import { stat } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import { Deliver, DeliveryError, expandMacros, remoteFileName } from './delivery';
import { resolvePublicHost } from './egress';

/** Files up to this size are attached; larger ones are sent as a link. Most providers cap mail at 20–25 MB. */
export const DEFAULT_ATTACH_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Emails the render through the connection's SMTP server: attached when small, else a link.
 * The per-account daily cap is enforced by the bridge when the movie is accepted (it knows accounts).
 */
export const deliverEmail: Deliver = async (ctx) => {
  const c = ctx.config as {
    host: string;
    port?: number;
    secure?: boolean;
    username?: string;
    password?: string;
    from: string;
    to?: string | string[];
    subject?: string;
    message?: string;
    attachMaxBytes?: number;
  };
  const to = Array.isArray(c.to) ? c.to : c.to ? [c.to] : [];
  if (to.length === 0) throw new DeliveryError('email destination has no recipient ("to")', false);
  const address = await resolvePublicHost(c.host, ctx.allowPrivateHosts ?? false);
  const size = (await stat(ctx.file)).size;
  const attach = size <= (c.attachMaxBytes ?? DEFAULT_ATTACH_MAX_BYTES);
  if (!attach && !ctx.url) throw new DeliveryError(`the movie (${size} bytes) is too large to attach and has no public link`, false);
  const subject = expandMacros(c.subject ?? 'Your video __project__ is ready', ctx);
  const intro = expandMacros(c.message ?? 'Your video __project__ is ready.', ctx);
  const text = attach ? `${intro}\n` : `${intro}\n\nDownload: ${ctx.url}\n`;

  const transport = nodemailer.createTransport({
    host: address,
    port: c.port ?? (c.secure ? 465 : 587),
    secure: c.secure ?? false,
    auth: c.username ? { user: c.username, pass: c.password ?? '' } : undefined,
    // Certificates are checked against the configured name, not the pinned address.
    tls: { servername: c.host },
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  try {
    await transport
      .sendMail({
        from: c.from,
        to,
        subject,
        text,
        attachments: attach ? [{ filename: remoteFileName(ctx), path: ctx.file, contentType: 'video/mp4' }] : [],
      })
      .catch((e: { responseCode?: number; code?: string; message?: string }) => {
        // 5xx is a permanent SMTP answer (bad login, rejected recipient): no point retrying.
        if (e?.code === 'EAUTH' || (e?.responseCode !== undefined && e.responseCode >= 500)) {
          throw new DeliveryError(`SMTP server ${c.host} refused: ${e.responseCode ?? e.code} ${firstLine(e.message)}`, false);
        }
        throw e;
      });
  } finally {
    transport.close();
  }
  return { target: `email:${to.join(',')} (${attach ? 'attached' : 'link'})` };
};

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0].slice(0, 200);
}
