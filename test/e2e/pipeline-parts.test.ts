/** The pipeline's pure parts and the local storage driver: cost, CSV, fingerprints, signed links, ranges, probing. */
import express from 'express';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { creditsFor, estimateSeconds, movieCost, UNKNOWN_SCENE_SECONDS } from '../../bridge/src/movies/cost';
import { parseCsv } from '../../bridge/src/movies/csv';
import { bodyFingerprint, renderFingerprint } from '../../bridge/src/movies/fingerprint';
import { newProjectId } from '../../bridge/src/movies/project-id';
import { LocalStorage } from '../../bridge/src/storage/local';
import { fileRouter, parseRange, signFileUrl, verifyFileToken } from '../../bridge/src/storage/signed-urls';
import { probeMedia } from '../../bridge/src/uploads/probe';

/** Path and query of a link (signed links carry their JWT in `?sig=`). */
const pathOf = (link: string) => {
  const u = new URL(link);
  return u.pathname + u.search;
};

const SECRET = 'x'.repeat(40);

describe('cost', () => {
  test('seconds × resolution factor, at least 1', () => {
    expect(movieCost({ scenes: [{ duration: 5 }] })).toBe(5); // 640×360 default
    expect(movieCost({ resolution: 'full-hd', scenes: [{ duration: 2.5 }, { duration: 1 }] })).toBe(8);
    expect(movieCost({ resolution: 'custom', width: 3840, height: 2160, scenes: [{ duration: 1 }] })).toBe(4);
    expect(movieCost({ resolution: 'instagram-story', scenes: [{ duration: 1 }] })).toBe(2);
    expect(creditsFor(0.2, { width: 160, height: 90 })).toBe(1);
  });
  test('a scene without duration counts its timed elements, else the documented estimate', () => {
    expect(estimateSeconds({ scenes: [{ elements: [{ type: 'text', start: 1, duration: 2 }] }] })).toBe(3);
    expect(estimateSeconds({ scenes: [{ duration: -1, elements: [{ type: 'video', duration: -1 }] }] })).toBe(UNKNOWN_SCENE_SECONDS);
  });
});

describe('csv', () => {
  test('quoted fields, doubled quotes, CRLF, header names', () => {
    const r = parseCsv('name,quote\r\n"Smith, J","say ""hi"""\r\nAnn,plain\n');
    expect(r).toEqual({ rows: [{ name: 'Smith, J', quote: 'say "hi"' }, { name: 'Ann', quote: 'plain' }] });
  });
  test('ragged rows and empty bodies are errors naming the row', () => {
    expect(parseCsv('a,b\n1\n')).toEqual({ error: expect.stringContaining('row 1') });
    expect(parseCsv('')).toEqual({ error: expect.stringContaining('empty') });
  });
});

describe('fingerprints and ids', () => {
  test('key order does not matter; client-data does not change the render fingerprint', () => {
    expect(bodyFingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(bodyFingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(renderFingerprint({ scenes: [], 'client-data': { x: 1 } })).toBe(renderFingerprint({ scenes: [] }));
    expect(renderFingerprint({ scenes: [], fps: 30 })).not.toBe(renderFingerprint({ scenes: [] }));
  });
  test('project ids are 16 base62 characters', () => {
    expect(newProjectId()).toMatch(/^[A-Za-z0-9]{16}$/);
  });
});

describe('local storage and signed links', () => {
  let dir: string;
  let storage: LocalStorage;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-storage-'));
    storage = new LocalStorage(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('put, stat, copy, list, delete; unsafe keys refused', async () => {
    await storage.put('renders/a/p1/movie.mp4', Buffer.from('0123456789'));
    await storage.copy('renders/a/p1/movie.mp4', 'renders/a/p2/movie.mp4');
    expect((await storage.stat('renders/a/p2/movie.mp4'))?.size).toBe(10);
    expect((await storage.list('renders/a')).map((o) => o.key).sort()).toEqual(['renders/a/p1/movie.mp4', 'renders/a/p2/movie.mp4']);
    await storage.deletePrefix('renders/a/p1');
    expect(await storage.stat('renders/a/p1/movie.mp4')).toBeNull();
    expect(() => storage.localPath('../etc/passwd')).toThrow(/unsafe/);
    expect(() => storage.localPath('renders/../../x')).toThrow(/unsafe/);
  });

  test('ranges', () => {
    expect(parseRange('bytes=0-3', 10)).toEqual({ start: 0, end: 3 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-1,3-4', 10)).toBeNull();
  });

  test('a signed link serves the file with ranges; forged, expired and missing files are refused', async () => {
    await storage.put('renders/a/p3/movie.mp4', Buffer.from('0123456789'));
    const app = express().use(fileRouter({ storage, secret: () => SECRET }));
    const url = await signFileUrl({ publicUrl: 'http://127.0.0.1:1', secret: SECRET, storageKey: 'renders/a/p3/movie.mp4' });
    const p = pathOf(url);
    expect(p).toMatch(/^\/files\/movie\.mp4\?sig=[\w-]+\.[\w-]+\.[\w-]+$/);
    const whole = await request(app).get(p).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect((whole.body as Buffer).toString()).toBe('0123456789');
    const part = await request(app).get(p).set('Range', 'bytes=2-4');
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 2-4/10');
    expect(part.headers['content-length']).toBe('3');
    expect((await request(app).get(p).set('Range', 'bytes=50-')).status).toBe(416);
    expect((await request(app).head(p)).headers['content-length']).toBe('10');

    const other = await signFileUrl({ publicUrl: 'http://x', secret: 'y'.repeat(40), storageKey: 'renders/a/p3/movie.mp4' });
    expect((await request(app).get(pathOf(other))).body.code).toBe('invalid_file_link');
    const expired = await signFileUrl({ publicUrl: 'http://x', secret: SECRET, storageKey: 'renders/a/p3/movie.mp4', lifetimeSeconds: -10 });
    expect((await request(app).get(pathOf(expired))).status).toBe(401);
    await storage.delete('renders/a/p3/movie.mp4');
    expect((await request(app).get(p)).status).toBe(404);
    expect(await verifyFileToken('nonsense', SECRET)).toBeNull();
  });
});

describe('probing uploads', () => {
  test('media type comes from the bytes, not the name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-probe-test-'));
    try {
      const png = path.join(dir, 'a.png');
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=red:s=32x16', '-frames:v', '1', png]);
      const wav = path.join(dir, 'a.wav');
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=d=0.5', wav]);
      expect(await probeMedia(readFileSync(png))).toMatchObject({ kind: 'image', mediaType: 'image/png', width: 32, height: 16 });
      expect(await probeMedia(readFileSync(wav))).toMatchObject({ kind: 'audio', mediaType: 'audio/wav' });
      expect(await probeMedia(Buffer.from('#!/bin/sh\necho pwned\n'))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
