import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DeliveryContext, deliverTo, expandMacros, resolvePublicHost } from '../../../renderer/src/destinations';
import { startFtpServer, startSftpServer, startSmtpServer, tempDir } from './servers';

const creds = { username: 'reelay', password: `pw-${randomBytes(6).toString('hex')}` };
const now = new Date(Date.UTC(2026, 2, 7, 9, 5, 0));
let video: string;
let videoBytes: Buffer;
let dir: string;

beforeAll(() => {
  // Bytes stand in for an MP4: destinations move files, they never parse them.
  dir = tempDir('dest-src');
  video = path.join(dir, 'render.mp4');
  videoBytes = randomBytes(256 * 1024);
  fs.writeFileSync(video, videoBytes);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ctx(config: Record<string, unknown>, extra: Partial<DeliveryContext> = {}): DeliveryContext {
  return { file: video, project: 'prj_abc123', config, path: 'exports[0].destinations[0]', now, retryDelaysMs: [20, 40], allowPrivateHosts: true, ...extra };
}

describe('file-name macros', () => {
  it('expands date, project, id and random macros in UTC', () => {
    const out = expandMacros('r-__yyyy__-__mm__-__dd__-__hh__-__project__-__id__-__random__-__unknown__', { project: 'p1', movieId: 'm9', now });
    expect(out).toMatch(/^r-2026-03-07-09-p1-m9-[0-9a-f]{12}-__unknown__$/);
  });
});

describe('ftp', () => {
  it('uploads to the remote path with the macro file name; the bytes arrive intact', async () => {
    const server = await startFtpServer(creds);
    try {
      const outcome = await deliverTo('ftp', ctx({ host: '127.0.0.1', port: server.port, username: creds.username, password: creds.password, 'remote-path': '/out/__yyyy__/__mm__', file: 'movie-__dd__-__project__.mp4' }));
      expect(outcome).toMatchObject({ status: 'done', attempts: 1, target: `ftp://127.0.0.1:${server.port}/out/2026/03/movie-07-prj_abc123.mp4` });
      const arrived = fs.readFileSync(path.join(server.root, 'out/2026/03/movie-07-prj_abc123.mp4'));
      expect(arrived.equals(videoBytes)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('does not retry a refused login, records the reason without the password, and keeps the file', async () => {
    const server = await startFtpServer(creds);
    try {
      const outcome = await deliverTo('ftp', ctx({ host: '127.0.0.1', port: server.port, username: creds.username, password: 'wrong-password-xyz' }));
      expect(outcome.status).toBe('error');
      expect(outcome.attempts).toBe(1);
      expect(outcome.error).toMatch(/530|refused|credentials/i);
      expect(outcome.error).not.toContain('wrong-password-xyz');
      expect(fs.readFileSync(video).equals(videoBytes)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('retries with backoff when the server is unreachable, then records the failure', async () => {
    const server = await startFtpServer(creds);
    const port = server.port;
    await server.close();
    const outcome = await deliverTo('ftp', ctx({ host: '127.0.0.1', port, username: 'u', password: 'p' }));
    expect(outcome).toMatchObject({ status: 'error', attempts: 3 });
    expect(outcome.error).toMatch(/ECONNREFUSED/);
    expect(fs.existsSync(video)).toBe(true);
  });

  it('refuses loopback hosts unless private addresses are allowed', async () => {
    const outcome = await deliverTo('ftp', ctx({ host: '127.0.0.1', port: 21, username: 'u', password: 'p' }, { allowPrivateHosts: false }));
    expect(outcome).toMatchObject({ status: 'error', attempts: 1 });
    expect(outcome.error).toMatch(/non-public address/);
  });
});

describe('sftp', () => {
  it('uploads over SFTP, creating directories, pinned to the host key; the bytes arrive intact', async () => {
    const server = await startSftpServer(creds);
    try {
      const outcome = await deliverTo(
        'sftp',
        ctx({ host: '127.0.0.1', port: server.port, username: creds.username, password: creds.password, hostFingerprint: `SHA256:${server.hostKeyFingerprint}`, 'remote-path': '/customer/acme/__yyyy__', file: '__project__' }),
      );
      expect(outcome).toMatchObject({ status: 'done', target: `sftp://127.0.0.1:${server.port}/customer/acme/2026/prj_abc123.mp4` });
      expect(fs.readFileSync(path.join(server.root, 'customer/acme/2026/prj_abc123.mp4')).equals(videoBytes)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('refuses a server whose host key does not match the saved fingerprint', async () => {
    const server = await startSftpServer(creds);
    try {
      const outcome = await deliverTo('sftp', ctx({ host: '127.0.0.1', port: server.port, username: creds.username, password: creds.password, hostFingerprint: 'SHA256:' + 'A'.repeat(43) }));
      expect(outcome.status).toBe('error');
      expect(fs.readdirSync(server.root)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('fails fast on bad credentials without leaking them', async () => {
    const server = await startSftpServer(creds);
    try {
      const outcome = await deliverTo('sftp', ctx({ host: '127.0.0.1', port: server.port, username: creds.username, password: 'nope-secret-123' }));
      expect(outcome).toMatchObject({ status: 'error', attempts: 1 });
      expect(outcome.error).toMatch(/authentication/i);
      expect(outcome.error).not.toContain('nope-secret-123');
    } finally {
      await server.close();
    }
  });
});

describe('email', () => {
  it('attaches a small file; the attachment bytes arrive intact', async () => {
    const server = await startSmtpServer(creds);
    try {
      const outcome = await deliverTo('email', ctx({ host: '127.0.0.1', port: server.port, username: creds.username, password: creds.password, from: 'reelay@example.com', to: 'client@example.com', subject: 'Render __project__ of __yyyy__-__mm__-__dd__', file: 'clip-__dd__.mp4' }));
      expect(outcome).toMatchObject({ status: 'done', target: 'email:client@example.com (attached)' });
      expect(server.messages).toHaveLength(1);
      const mail = server.messages[0];
      expect(mail.subject).toBe('Render prj_abc123 of 2026-03-07');
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0].filename).toBe('clip-07.mp4');
      expect(mail.attachments[0].contentType).toBe('video/mp4');
      expect(Buffer.compare(mail.attachments[0].content, videoBytes)).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('sends the link instead when the file is larger than the attachment limit', async () => {
    const server = await startSmtpServer(creds);
    try {
      const url = 'https://reelay.example.com/v2/files/prj_abc123.mp4?token=signed';
      const outcome = await deliverTo('email', ctx({ host: '127.0.0.1', port: server.port, username: creds.username, password: creds.password, from: 'reelay@example.com', to: ['a@example.com', 'b@example.com'], attachMaxBytes: 1024 }, { url }));
      expect(outcome).toMatchObject({ status: 'done', target: 'email:a@example.com,b@example.com (link)' });
      const mail = server.messages[0];
      expect(mail.attachments).toHaveLength(0);
      expect(mail.text).toContain(url);
      expect(server.rawSizes[0]).toBeLessThan(10_000);
    } finally {
      await server.close();
    }
  });

  it('does not retry a refused SMTP login and never shows the password', async () => {
    const server = await startSmtpServer(creds);
    try {
      const outcome = await deliverTo('email', ctx({ host: '127.0.0.1', port: server.port, username: creds.username, password: 'smtp-bad-pass-77', from: 'reelay@example.com', to: 'c@example.com' }));
      expect(outcome).toMatchObject({ status: 'error', attempts: 1 });
      expect(outcome.error).not.toContain('smtp-bad-pass-77');
      expect(server.messages).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});

// The address table itself is tested with the asset policy (test/renderer/assets.test.ts), which
// destinations share; here: that destinations apply it to the resolved address.
describe('egress checks', () => {
  it.each([['127.0.0.1'], ['10.1.2.3'], ['169.254.169.254'], ['::ffff:127.0.0.1'], ['fe80::1']])('%s is refused with the switch off', async (host) => {
    await expect(resolvePublicHost(host, false)).rejects.toThrow(/non-public/);
  });

  it('resolves "localhost" and refuses it', async () => {
    await expect(resolvePublicHost('localhost', false)).rejects.toThrow(/non-public/);
  });

  it('the switch lets loopback through but never link-local (cloud metadata)', async () => {
    await expect(resolvePublicHost('127.0.0.1', true)).resolves.toBe('127.0.0.1');
    await expect(resolvePublicHost('169.254.169.254', true)).rejects.toThrow(/non-public/);
  });
});
