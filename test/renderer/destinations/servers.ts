/**
 * Real FTP, SFTP and SMTP servers on loopback, in-process, for destination tests. Each stores what it
 * receives (files under a temp root, messages parsed by mailparser) so tests check the bytes that arrived.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FtpSrv } from 'ftp-srv';
import { simpleParser, ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { Server as SshServer, utils as sshUtils } from 'ssh2';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `reelay-${prefix}-`));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface Credentials {
  username: string;
  password: string;
}

// ---------------------------------------------------------------- FTP

export async function startFtpServer(creds: Credentials): Promise<{ port: number; root: string; logins: number; close(): Promise<void> }> {
  const root = tempDir('ftp');
  const port = await freePort();
  const pasvMin = 30000 + Math.floor(Math.random() * 20000);
  const server = new FtpSrv({
    url: `ftp://127.0.0.1:${port}`,
    pasv_url: '127.0.0.1',
    pasv_min: pasvMin,
    pasv_max: pasvMin + 50,
    anonymous: false,
    greeting: ['reelay test ftp'],
    log: silentLogger() as never,
  });
  const state = { port, root, logins: 0, close: async () => {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  } };
  server.on('login', ({ username, password }, resolve, reject) => {
    state.logins += 1;
    if (username === creds.username && password === creds.password) resolve({ root });
    else reject(new Error('bad credentials'));
  });
  await server.listen();
  return state;
}

function silentLogger(): unknown {
  const noop = () => undefined;
  const logger: Record<string, unknown> = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop };
  logger.child = () => logger;
  return logger;
}

// ---------------------------------------------------------------- SFTP

const STATUS = { OK: 0, EOF: 1, NO_SUCH_FILE: 2, FAILURE: 4 };

/**
 * An ed25519 host key and its parsed public half. ssh2's generator strips a public key's leading zero
 * bytes, so about one key in 256 does not parse back ("Malformed OpenSSH public key", mscdex/ssh2#1513;
 * it failed CI once): such a key is drawn again.
 */
function ed25519HostKey() {
  for (let attempt = 0; ; attempt++) {
    const { private: hostKey, public: hostPublic } = sshUtils.generateKeyPairSync('ed25519');
    const parsed = sshUtils.parseKey(hostPublic);
    const pub = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!(pub instanceof Error)) return { hostKey, pub };
    if (attempt === 20) throw pub;
  }
}

export async function startSftpServer(creds: Credentials): Promise<{ port: number; root: string; hostKeyFingerprint: string; close(): Promise<void> }> {
  const root = tempDir('sftp');
  const { hostKey, pub } = ed25519HostKey();
  const hostKeyFingerprint = createHash('sha256').update(pub.getPublicSSH()).digest('base64').replace(/=+$/, '');
  const local = (p: string) => path.join(root, path.posix.normalize('/' + p));

  const server = new SshServer({ hostKeys: [hostKey] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === creds.username && ctx.password === creds.password) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          const handles = new Map<number, number>();
          let nextHandle = 1;
          const handleOf = (buf: Buffer) => handles.get(buf.readUInt32BE(0));
          const statsOf = (st: fs.Stats) => ({ mode: st.mode, uid: 0, gid: 0, size: st.size, atime: st.atimeMs / 1000, mtime: st.mtimeMs / 1000 });
          sftp.on('REALPATH', (id, p) => {
            const abs = path.posix.normalize('/' + p);
            sftp.name(id, [{ filename: abs, longname: abs, attrs: {} as never }]);
          });
          const stat = (id: number, p: string) => {
            try {
              sftp.attrs(id, statsOf(fs.statSync(local(p))));
            } catch {
              sftp.status(id, STATUS.NO_SUCH_FILE);
            }
          };
          sftp.on('STAT', stat);
          sftp.on('LSTAT', stat);
          sftp.on('MKDIR', (id, p) => {
            try {
              fs.mkdirSync(local(p));
              sftp.status(id, STATUS.OK);
            } catch {
              sftp.status(id, STATUS.FAILURE);
            }
          });
          sftp.on('OPEN', (id, filename) => {
            try {
              const fd = fs.openSync(local(filename), 'w');
              const h = nextHandle++;
              handles.set(h, fd);
              const buf = Buffer.alloc(4);
              buf.writeUInt32BE(h, 0);
              sftp.handle(id, buf);
            } catch {
              sftp.status(id, STATUS.NO_SUCH_FILE);
            }
          });
          sftp.on('WRITE', (id, handle, offset, data) => {
            const fd = handleOf(handle);
            if (fd === undefined) return sftp.status(id, STATUS.FAILURE);
            fs.writeSync(fd, data, 0, data.length, offset);
            sftp.status(id, STATUS.OK);
          });
          sftp.on('FSTAT', (id, handle) => {
            const fd = handleOf(handle);
            if (fd === undefined) return sftp.status(id, STATUS.FAILURE);
            sftp.attrs(id, statsOf(fs.fstatSync(fd)));
          });
          sftp.on('FSETSTAT', (id) => sftp.status(id, STATUS.OK));
          sftp.on('SETSTAT', (id) => sftp.status(id, STATUS.OK));
          sftp.on('CLOSE', (id, handle) => {
            const h = handle.readUInt32BE(0);
            const fd = handles.get(h);
            if (fd !== undefined) fs.closeSync(fd);
            handles.delete(h);
            sftp.status(id, STATUS.OK);
          });
        });
      });
    });
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  return {
    port, root, hostKeyFingerprint,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => fs.rmSync(root, { recursive: true, force: true })),
  };
}

// ---------------------------------------------------------------- SMTP

export async function startSmtpServer(creds: Credentials): Promise<{ port: number; messages: ParsedMail[]; rawSizes: number[]; close(): Promise<void> }> {
  const messages: ParsedMail[] = [];
  const rawSizes: number[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: false,
    allowInsecureAuth: true, // loopback test server without TLS
    size: 50 * 1024 * 1024,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === creds.username && auth.password === creds.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        rawSizes.push(raw.length);
        simpleParser(raw).then((mail) => {
          messages.push(mail);
          callback();
        }, callback);
      });
    },
  });
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as net.AddressInfo).port)));
  return { port, messages, rawSizes, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
