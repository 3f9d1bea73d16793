/**
 * Real `reelay` processes on loopback:
 * - export outcomes on the render (`exports` in the status body): one FTP destination that succeeds,
 *   one to a closed loopback port that fails, and an email over its attachment limit that carries
 *   the movie's signed link (the bridge names and signs the file before enqueueing);
 * - a separate `reelay bridge` + `reelay renderer` with REELAY_ALLOW_PRIVATE_URLS=false render an
 *   upload (read from shared storage through the job's assets map, never fetched from the bridge),
 *   and serve /openapi.json and /docs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInstall, freePort, tinyMovie, type Install } from './harness';
import { startFtpServer, startSmtpServer } from '../renderer/destinations/servers';
import { AssetCache } from '../../renderer/src/assets/cache';
import { fetchAsset } from '../../renderer/src/assets/fetch';
import { runInJobContext } from '../../renderer/src/jobs/job-context';

jest.setTimeout(120_000);

describe('export outcomes and the email link', () => {
  let install: Install;
  let ftp: Awaited<ReturnType<typeof startFtpServer>>;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  beforeAll(async () => {
    ftp = await startFtpServer({ username: 'ftpuser', password: 'ftp-pass-1' });
    smtp = await startSmtpServer({ username: 'mailer', password: 'smtp-pass-1' });
    install = await createInstall({ REELAY_DESTINATION_RETRY_SCHEDULE: '0' });
    await install.spawn('start');
  });
  afterAll(async () => {
    await install?.stop();
    await ftp?.close();
    await smtp?.close();
  });

  it('records each destination outcome and emails the signed link of a large movie', async () => {
    const closedPort = await freePort();
    const movie = tinyMovie('exports', 1, {
      exports: [
        {
          destinations: [
            { type: 'ftp', host: '127.0.0.1', port: ftp.port, username: 'ftpuser', password: 'ftp-pass-1', file: 'ok.mp4' },
            { type: 'ftp', host: '127.0.0.1', port: closedPort, username: 'ftpuser', password: 'ftp-pass-1' },
            { type: 'email', host: '127.0.0.1', port: smtp.port, username: 'mailer', password: 'smtp-pass-1', from: 'reelay@example.com', to: 'client@example.com', attachMaxBytes: 1 },
          ],
        },
      ],
    });
    const created = await install.api('POST', '/v2/movies', { body: movie });
    expect(created.status).toBe(200);
    const done = await install.waitFor(created.body.project, ['done', 'error'], 90_000);
    expect(done.status).toBe('done');
    expect(done.exports).toEqual([
      { type: 'ftp', status: 'done', message: expect.stringContaining('ok.mp4') },
      { type: 'ftp', status: 'error', message: expect.stringContaining('exports[0].destinations[1]') },
      { type: 'email', status: 'done', message: expect.stringContaining('(link)') },
    ]);
    expect(done.message).toContain('export to ftp failed');
    expect(JSON.stringify(done.exports)).not.toMatch(/ftp-pass-1|smtp-pass-1/);
    // The FTP server received the movie's bytes.
    const rendered = Buffer.from(await (await fetch(done.url)).arrayBuffer());
    expect(readFileSync(path.join(ftp.root, 'ok.mp4')).equals(rendered)).toBe(true);
    // The email carries a link, signed before the render, that downloads the same movie.
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].attachments).toHaveLength(0);
    const link = /Download: (\S+)/.exec(smtp.messages[0].text ?? '')?.[1];
    expect(link).toContain(`/files/${created.body.project}.mp4?sig=`);
    const viaLink = await fetch(link!);
    expect(viaLink.status).toBe(200);
    expect(Buffer.from(await viaLink.arrayBuffer()).equals(rendered)).toBe(true);
    // The list carries the outcomes too.
    const list = await install.api('GET', '/v2/movies?limit=5');
    expect(list.body.movies.find((m: { project: string }) => m.project === created.body.project).exports).toHaveLength(3);
  });
});

describe('separate bridge and renderer without the private-URL switch', () => {
  let install: Install;

  beforeAll(async () => {
    install = await createInstall({ REELAY_ALLOW_PRIVATE_URLS: 'false' });
    await install.spawn('bridge');
    await install.spawn('renderer');
  });
  afterAll(async () => {
    await install?.stop();
  });

  it('serves /openapi.json and /docs', async () => {
    const doc = await install.api('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.body.paths)).toContain('/v2/movies');
    const docs = await fetch(`${install.url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/v2/movies');
  });

  it('renders an upload read from shared storage', async () => {
    const png = path.join(os.tmpdir(), `reelay-upload-${process.pid}.png`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=32x32', '-frames:v', '1', png]);
    const up = await fetch(`${install.url}/v2/uploads?name=red.png`, {
      method: 'POST',
      headers: { 'x-api-key': install.key, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(readFileSync(png)),
    });
    rmSync(png);
    expect(up.status).toBe(201);
    const upload = ((await up.json()) as { upload: { url: string } }).upload;
    const movie = tinyMovie('upload', 1);
    movie.scenes[0].elements.push({ type: 'image', src: upload.url } as never);
    const created = await install.api('POST', '/v2/movies', { body: movie });
    expect(created.status).toBe(200);
    const done = await install.waitFor(created.body.project, ['done', 'error'], 90_000);
    expect(done).toMatchObject({ status: 'done', message: '' });
    // An upload of another account is unknown at POST, and a made-up ref never reaches a renderer.
    const other = await install.api('POST', '/v2/movies', { body: { ...tinyMovie('x'), scenes: [{ duration: 1, elements: [{ type: 'image', src: 'reelay://uploads/upl_nope' }] }] } });
    expect(other.status).toBe(400);
  });
});

describe('the renderer reads local files only through the job assets map', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-assets-'));
  const file = path.join(dir, 'upload.png');
  writeFileSync(file, 'png bytes');
  const opts = { cache: new AssetCache(path.join(dir, 'cache')), allowPrivateUrls: false, useCache: true, where: 'scenes[0].elements[0]' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('maps a ref given by the job, refuses any other', async () => {
    const assets = { 'reelay://uploads/upl_a': file };
    await expect(runInJobContext({ assets }, () => fetchAsset('reelay://uploads/upl_a', opts))).resolves.toEqual({ file });
    await expect(runInJobContext({ assets }, () => fetchAsset('reelay://uploads/upl_b', opts))).rejects.toMatchObject({ code: 'asset_failed' });
    // Outside a job (or another job) the same ref means nothing; paths in the movie are never read.
    await expect(fetchAsset('reelay://uploads/upl_a', opts)).rejects.toMatchObject({ code: 'asset_failed' });
    await expect(runInJobContext({ assets }, () => fetchAsset(`file://${file}`, opts))).rejects.toMatchObject({ code: 'asset_forbidden' });
    await expect(runInJobContext({ assets: { 'reelay://uploads/upl_r': 'relative.png' } }, () => fetchAsset('reelay://uploads/upl_r', opts))).rejects.toMatchObject({ code: 'asset_failed' });
  });
});
