import { randomBytes } from 'node:crypto';
import { openJobConnections } from '../../../renderer/src/connections/job-payload';
import { generateKeyEntry, parseKeyRing } from '../../../renderer/src/vault';
import { resolveMovieConnections } from '../../../bridge/src/connections/resolve';
import { remergeJobConnections } from '../../../bridge/src/connections/resolve';
import { loadConnections } from '../../../bridge/src/connections/repository';
import { rotateVault } from '../../../bridge/src/connections/rotate';
import { createServices } from '../../../bridge/src/services';
import { startBridge, type TestBridge } from '../../helpers/bridge';

const k1 = generateKeyEntry('v1');
const k2 = generateKeyEntry('v2');
const elevenKey = `sk_${randomBytes(20).toString('hex')}`;
const ftpPassword = `ftp-${randomBytes(12).toString('hex')}`;

describe.each(['sqlite', 'postgres'] as const)('connections API on %s', (db) => {
  let bridge: TestBridge;
  let manager: string;
  let render: string;
  beforeAll(async () => {
    bridge = await startBridge({ db, env: { REELAY_ENCRYPTION_KEY: k1, REELAY_EMAIL_DAILY_CAP: '3' } });
    manager = (await bridge.keyWithRole('manager')).key;
    render = (await bridge.keyWithRole('render')).key;
  });
  afterAll(() => bridge.stop());

  const create = (key: string, body: unknown) => bridge.request('POST', '/v2/connections', { key, body });

  it('describes every type with its sensitive and where fields', async () => {
    const res = await bridge.request('GET', '/v2/connection-types', { key: render });
    expect(res.status).toBe(200);
    const byType = Object.fromEntries(res.body.types.map((t: { type: string }) => [t.type, t]));
    expect(Object.keys(byType).sort()).toEqual(['azure-tts', 'bfl', 'elevenlabs', 'email', 'fal', 'ftp', 'replicate', 'sftp', 'webhook']);
    expect(byType.elevenlabs.sensitive).toEqual(['apiKey']);
    expect(byType.sftp.sensitive).toEqual(['password', 'privateKey', 'passphrase']);
    expect(byType.ftp.where).toEqual(expect.arrayContaining(['host', 'port']));
    expect(byType.ftp.renderOverridable).toEqual(['remote-path', 'file']);
    expect(byType.webhook.sensitive).toEqual(['headers']);
    expect(byType.ftp.schema.properties.host).toBeDefined();
  });

  it('creates a connection, encrypts its secret at rest and masks it on every read', async () => {
    const res = await create(manager, { id: 'my-elevenlabs', type: 'elevenlabs', name: 'Prod', apiKey: elevenKey, voice: 'Adam' });
    expect(res.status).toBe(201);
    expect(res.body.connection).toMatchObject({ id: 'my-elevenlabs', type: 'elevenlabs', name: 'Prod', voice: 'Adam', apiKey: '••••••••', masked: ['apiKey'] });
    expect(res.text).not.toContain(elevenKey);

    const row = await bridge.services.db.selectFrom('connections').selectAll().where('id', '=', 'my-elevenlabs').executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(elevenKey);
    expect(JSON.parse(row.secrets).apiKey).toMatch(/^enc:v1:v1:/);
    expect(row.key_versions).toBe('v1');

    for (const path of ['/v2/connections', '/v2/connections/my-elevenlabs']) {
      const read = await bridge.request('GET', path, { key: manager });
      expect(read.status).toBe(200);
      expect(read.text).not.toContain(elevenKey);
      expect(read.text).toContain('••••••••');
    }
  });

  it('validates ids, types and fields, with paths', async () => {
    expect((await create(manager, { id: 'Bad Id', type: 'elevenlabs', apiKey: 'x' })).body).toMatchObject({ code: 'validation_error', details: [expect.objectContaining({ path: 'id' })] });
    expect((await create(manager, { id: 'ok-id', type: 'dropbox' })).status).toBe(400);
    const missing = await create(manager, { id: 'ftp-x', type: 'ftp', host: 'ftp.example.com', username: 'u' });
    expect(missing.body).toMatchObject({ code: 'validation_error', details: [expect.objectContaining({ path: 'password' })] });
    const unknownField = await create(manager, { id: 'ftp-y', type: 'ftp', host: 'ftp.example.com', username: 'u', password: 'p', colour: 'red' });
    expect(unknownField.status).toBe(400);
    const sftp = await create(manager, { id: 'sftp-x', type: 'sftp', host: 'sftp.example.com', username: 'u' });
    expect(sftp.body.details).toEqual([expect.objectContaining({ path: 'password', message: expect.stringMatching(/password or a privateKey/) })]);
    expect((await create(manager, { id: 'my-elevenlabs', type: 'elevenlabs', apiKey: 'other' })).status).toBe(409);
  });

  it('PATCH rotates a sensitive field by re-entering it, keeps the others, and refuses a type change', async () => {
    const before = await bridge.services.db.selectFrom('connections').select('secrets').where('id', '=', 'my-elevenlabs').executeTakeFirstOrThrow();
    const newKey = `sk_${randomBytes(20).toString('hex')}`;
    const res = await bridge.request('PATCH', '/v2/connections/my-elevenlabs', { key: manager, body: { apiKey: newKey, voice: null } });
    expect(res.status).toBe(200);
    expect(res.body.connection.voice).toBeUndefined();
    expect(res.text).not.toContain(newKey);
    const after = await bridge.services.db.selectFrom('connections').select('secrets').where('id', '=', 'my-elevenlabs').executeTakeFirstOrThrow();
    expect(after.secrets).not.toBe(before.secrets);
    const loaded = await loadConnections(bridge.services.db, bridge.services.vault!.ring, bridge.account.id, ['my-elevenlabs']);
    expect(loaded.get('my-elevenlabs')?.config.apiKey).toBe(newKey);

    const rename = await bridge.request('PATCH', '/v2/connections/my-elevenlabs', { key: manager, body: { name: 'Renamed' } });
    expect(rename.body.connection.name).toBe('Renamed');
    const still = await loadConnections(bridge.services.db, bridge.services.vault!.ring, bridge.account.id, ['my-elevenlabs']);
    expect(still.get('my-elevenlabs')?.config.apiKey).toBe(newKey);

    const typeChange = await bridge.request('PATCH', '/v2/connections/my-elevenlabs', { key: manager, body: { type: 'fal' } });
    expect(typeChange.body).toMatchObject({ code: 'validation_error', details: [expect.objectContaining({ path: 'type' })] });

    const audit = await bridge.services.db.selectFrom('audit_log').selectAll().where('event', 'like', 'connection.%').execute();
    expect(audit.map((a) => a.event)).toEqual(expect.arrayContaining(['connection.created', 'connection.updated']));
    expect(JSON.stringify(audit)).not.toContain(newKey);
    expect(audit.find((a) => JSON.parse(a.details).rotated?.includes('apiKey'))).toBeDefined();
  });

  it('scopes: a Render key neither reads nor writes; another account sees 404', async () => {
    expect((await bridge.request('GET', '/v2/connections', { key: render })).status).toBe(403);
    expect((await create(render, { id: 'r', type: 'fal', apiKey: 'x' })).body.code).toBe('insufficient_scope');
    const other = await bridge.createAccount();
    expect((await bridge.request('GET', '/v2/connections/my-elevenlabs', { key: other.primaryKey })).status).toBe(404);
    expect((await bridge.request('PATCH', '/v2/connections/my-elevenlabs', { key: other.primaryKey, body: { name: 'x' } })).status).toBe(404);
    expect((await bridge.request('DELETE', '/v2/connections/my-elevenlabs', { key: other.primaryKey })).status).toBe(404);
    expect((await bridge.request('GET', '/v2/connections', { key: other.primaryKey })).body.connections).toEqual([]);
  });

  describe('resolving a movie', () => {
    beforeAll(async () => {
      const res = await create(manager, { id: 'my-ftp', type: 'ftp', host: 'ftp.example.com', port: 21, username: 'acme', password: ftpPassword, 'remote-path': '/renders' });
      expect(res.status).toBe(201);
      expect((await create(manager, { id: 'my-smtp', type: 'email', host: 'smtp.example.com', from: 'r@example.com', to: 'a@example.com', password: 'smtp-pass' })).status).toBe(201);
    });
    const manage = new Set(['connections:write', 'connections:read', 'movies:create']);
    const renderScopes = new Set(['movies:create']);
    const movie = (dest: Record<string, unknown>, elements: unknown[] = []) => ({
      resolution: 'sd',
      scenes: [{ elements }],
      exports: [{ destinations: [dest] }],
    });

    it('merges the saved connection with allowed inline fields and seals it', async () => {
      const m = movie({ id: 'my-ftp', 'remote-path': '/customer/acme/__yyyy__/', file: 'x.mp4' }, [{ type: 'voice', model: 'elevenlabs', connection: 'my-elevenlabs', text: 'hi' }]);
      const { sealed } = await resolveMovieConnections(bridge.services, bridge.account.id, m, renderScopes);
      expect(sealed).toMatch(/^enc:v1:v1:/);
      expect(sealed).not.toContain(ftpPassword);
      const payload = openJobConnections(sealed!, bridge.services.vault!.ring);
      expect(payload.configs['exports[0].destinations[0]']).toEqual({ type: 'ftp', host: 'ftp.example.com', port: 21, username: 'acme', password: ftpPassword, 'remote-path': '/customer/acme/__yyyy__/', file: 'x.mp4' });
      expect(payload.configs['scenes[0].elements[0]']).toMatchObject({ type: 'elevenlabs', apiKey: expect.stringMatching(/^sk_/) });
    });

    it('unknown ids fail with 400 naming the JSON path', async () => {
      const err = await resolveMovieConnections(bridge.services, bridge.account.id, movie({ id: 'nope' }, [{ type: 'voice', model: 'elevenlabs', connection: 'gone', text: 'x' }]), manage).catch((e) => e);
      expect(err).toMatchObject({ status: 400, code: 'connection_not_found' });
      expect(err.details.map((d: { path: string }) => d.path).sort()).toEqual(['exports[0].destinations[0].id', 'scenes[0].elements[0].connection']);
    });

    it('a type override is a 400, whatever the key', async () => {
      const err = await resolveMovieConnections(bridge.services, bridge.account.id, movie({ id: 'my-ftp', type: 'sftp' }), manage).catch((e) => e);
      expect(err).toMatchObject({ status: 400, code: 'validation_error', details: [expect.objectContaining({ path: 'exports[0].destinations[0].type' })] });
      const model = await resolveMovieConnections(bridge.services, bridge.account.id, movie({ id: 'my-ftp' }, [{ type: 'image', model: 'fal', prompt: 'x', connection: 'my-elevenlabs' }]), manage).catch((e) => e);
      expect(model).toMatchObject({ status: 400, details: [expect.objectContaining({ path: 'scenes[0].elements[0].connection' })] });
    });

    it('redirecting a saved secret (host, port) needs connections:write', async () => {
      const err = await resolveMovieConnections(bridge.services, bridge.account.id, movie({ id: 'my-ftp', host: 'evil.example.net' }), renderScopes).catch((e) => e);
      expect(err).toMatchObject({ status: 403, code: 'connection_override_forbidden' });
      expect(err.message).toMatch(/exports\[0\]\.destinations\[0\]\.host/);
      const other = await resolveMovieConnections(bridge.services, bridge.account.id, movie({ id: 'my-smtp', from: 'ceo@example.com' }), renderScopes).catch((e) => e);
      expect(other.status).toBe(403);
      const ok = await resolveMovieConnections(bridge.services, bridge.account.id, movie({ id: 'my-ftp', host: 'ftp2.example.com' }), manage);
      expect(openJobConnections(ok.sealed!, bridge.services.vault!.ring).configs['exports[0].destinations[0]'].host).toBe('ftp2.example.com');
    });

    it('inline secrets leave the movie and travel only sealed', async () => {
      const m = movie({ type: 'sftp', host: 'sftp.example.com', username: 'u', password: 'inline-secret-pw' });
      const { sealed } = await resolveMovieConnections(bridge.services, bridge.account.id, m, renderScopes);
      expect(JSON.stringify(m)).not.toContain('inline-secret-pw');
      expect(openJobConnections(sealed!, bridge.services.vault!.ring).configs['exports[0].destinations[0]'].password).toBe('inline-secret-pw');
    });

    it('a provider model without a connection fails at submission', async () => {
      const err = await resolveMovieConnections(bridge.services, bridge.account.id, { scenes: [{ elements: [{ type: 'voice', model: 'azure', text: 'x' }] }] }, manage).catch((e) => e);
      expect(err).toMatchObject({ status: 400, details: [expect.objectContaining({ path: 'scenes[0].elements[0].connection' })] });
      expect(await resolveMovieConnections(bridge.services, bridge.account.id, { scenes: [{ elements: [{ type: 'voice', text: 'local' }] }] }, manage)).toEqual({ sealed: null, emails: 0 });
    });

    it('caps emails per account per day, whatever the key', async () => {
      const two = { resolution: 'sd', scenes: [], exports: [{ destinations: [{ id: 'my-smtp' }, { id: 'my-smtp', to: 'b@example.com' }] }] };
      const first = await resolveMovieConnections(bridge.services, bridge.account.id, structuredClone(two), renderScopes);
      expect(first.emails).toBe(2);
      const err = await resolveMovieConnections(bridge.services, bridge.account.id, structuredClone(two), manage).catch((e) => e);
      expect(err).toMatchObject({ status: 429, code: 'email_cap_reached', details: { cap: 3, remaining: 1, requested: 2 } });
      const one = await resolveMovieConnections(bridge.services, bridge.account.id, { scenes: [], exports: [{ destinations: [{ id: 'my-smtp' }] }] }, renderScopes);
      expect(one.emails).toBe(1);
    });

    it('re-merging after an edit uses the new saved form; a deleted connection drops its config', async () => {
      const { sealed } = await resolveMovieConnections(bridge.services, bridge.account.id, movie({ id: 'my-ftp', file: 'a.mp4' }), renderScopes);
      const payload = openJobConnections(sealed!, bridge.services.vault!.ring);
      expect((await bridge.request('PATCH', '/v2/connections/my-ftp', { key: manager, body: { host: 'ftp-new.example.com', password: 'rotated-pw' } })).status).toBe(200);
      const saved = await loadConnections(bridge.services.db, bridge.services.vault!.ring, bridge.account.id, ['my-ftp']);
      const remerged = remergeJobConnections(payload, saved);
      expect(remerged.configs['exports[0].destinations[0]']).toMatchObject({ host: 'ftp-new.example.com', password: 'rotated-pw', file: 'a.mp4' });
      expect(remergeJobConnections(payload, new Map()).configs).toEqual({});
    });
  });
});

describe('key rotation', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startBridge({ env: { REELAY_ENCRYPTION_KEY: k1 } });
  });
  afterAll(() => bridge.stop());

  it('start-up fails clearly when a key version in use is missing; vault rotate moves everything to the new version without downtime', async () => {
    const key = bridge.primaryKey;
    for (const id of ['a-one', 'a-two']) {
      expect((await bridge.request('POST', '/v2/connections', { key, body: { id, type: 'fal', apiKey: `fal-${id}-secret` } })).status).toBe(201);
    }
    const sealedBefore = (await resolveMovieConnections(bridge.services, bridge.account.id, { scenes: [{ elements: [{ type: 'image', model: 'fal', prompt: 'x', connection: 'a-one' }] }] }, new Set())).sealed!;

    // A process with only the new key refuses to start, naming the missing version.
    await expect(createServices({ ...bridge.config, encryptionKey: k2 })).rejects.toThrow(/v1 is still in use but missing from REELAY_ENCRYPTION_KEY/);

    // Step 1: new key first, old one kept: this process serves alongside the old one.
    const both = await createServices({ ...bridge.config, encryptionKey: `${k2},${k1}` });
    try {
      expect(both.vault!.ring.currentKid).toBe('v2');
      const report = await rotateVault(both);
      expect(report).toMatchObject({ currentKeyVersion: 'v2', connectionsRotated: 2, skipped: 0, keyVersionsInUse: ['v2'] });
      const rows = await both.db.selectFrom('connections').selectAll().execute();
      expect(rows.every((r) => r.key_versions === 'v2' && JSON.parse(r.secrets).apiKey.startsWith('enc:v1:v2:'))).toBe(true);
      // The old bridge (v1 only) could still read v1 data during the run; sealed job payloads stay openable.
      expect(openJobConnections(sealedBefore, both.vault!.ring).configs['scenes[0].elements[0]']).toMatchObject({ apiKey: 'fal-a-one-secret' });
      expect(await rotateVault(both)).toMatchObject({ connectionsRotated: 0 });
    } finally {
      await both.close();
    }

    // Step 3: the old version can go.
    const onlyNew = await createServices({ ...bridge.config, encryptionKey: k2 });
    try {
      const loaded = await loadConnections(onlyNew.db, onlyNew.vault!.ring, bridge.account.id, ['a-one', 'a-two']);
      expect(loaded.get('a-two')?.config.apiKey).toBe('fal-a-two-secret');
    } finally {
      await onlyNew.close();
    }
    expect(parseKeyRing(k2).currentKid).toBe('v2');
  });
});

describe('a connection edited before the render starts is used in its new form', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    // No renderer worker: the job stays waiting in the real Bull queue.
    bridge = await startBridge({ env: { REELAY_ENCRYPTION_KEY: k1 } });
  });
  afterAll(() => bridge.stop());

  it('PATCH re-seals waiting jobs (queue and renders row); DELETE drops the saved config', async () => {
    const key = bridge.primaryKey;
    const ring = bridge.services.vault!.ring;
    expect((await bridge.request('POST', '/v2/connections', { key, body: { id: 'drop', type: 'ftp', host: 'ftp-old.example.com', username: 'u', password: 'old-pw' } })).status).toBe(201);
    const res = await bridge.request('POST', '/v2/movies', {
      key,
      body: { resolution: 'custom', width: 160, height: 90, scenes: [{ duration: 1, elements: [] }], exports: [{ destinations: [{ id: 'drop', file: 'x.mp4' }] }] },
    });
    expect(res.status).toBe(200);
    const project: string = res.body.project;
    const sealedOf = async () => {
      const job = await bridge.services.pipeline.queue.getJob(project);
      const row = await bridge.services.db.selectFrom('renders').select('sealed_connections').where('project', '=', project).executeTakeFirstOrThrow();
      expect(job?.data.sealedConnections).toBe(row.sealed_connections);
      return openJobConnections(row.sealed_connections!, ring).configs['exports[0].destinations[0]'];
    };
    expect(await sealedOf()).toMatchObject({ host: 'ftp-old.example.com', password: 'old-pw', file: 'x.mp4' });

    expect((await bridge.request('PATCH', '/v2/connections/drop', { key, body: { host: 'ftp-new.example.com', password: 'new-pw' } })).status).toBe(200);
    expect(await sealedOf()).toMatchObject({ host: 'ftp-new.example.com', password: 'new-pw', file: 'x.mp4' });

    expect((await bridge.request('DELETE', '/v2/connections/drop', { key })).status).toBe(200);
    expect(await sealedOf()).toBeUndefined();
  });
});
