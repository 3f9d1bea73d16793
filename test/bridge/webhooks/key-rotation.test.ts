/**
 * Webhook signing secrets follow the vault's key rotation: start-up refuses a ring that lacks their key
 * version, `reelay vault rotate` re-encrypts them, and deliveries keep verifying with the same secret.
 */
import { randomBytes } from 'node:crypto';
import { rotateVault } from '../../../bridge/src/connections/rotate';
import { createServices } from '../../../bridge/src/services';
import { startBridge, type TestBridge } from '../../helpers/bridge';
import { Receiver, verifies } from './receiver';

const k1 = `v1:${randomBytes(32).toString('base64')}`;
const k2 = `v2:${randomBytes(32).toString('base64')}`;

let bridge: TestBridge;
let receiver: Receiver;
beforeAll(async () => {
  bridge = await startBridge({ env: { REELAY_ENCRYPTION_KEY: k1 } });
  receiver = await new Receiver().start();
});
afterAll(async () => {
  await receiver.stop();
  await bridge.stop();
});

test('vault rotate moves webhook secrets to the new key version; the same secret still verifies afterwards', async () => {
  const created = await bridge.request('POST', '/v2/webhooks', { key: bridge.primaryKey, body: { url: receiver.url() } });
  const rotatedOnce = await bridge.request('POST', `/v2/webhooks/${created.body.id}/rotate-secret`, { key: bridge.primaryKey });
  const { secret } = rotatedOnce.body;

  await expect(createServices({ ...bridge.config, encryptionKey: k2 })).rejects.toThrow(/v1 is still in use/);

  const both = await createServices({ ...bridge.config, encryptionKey: `${k2},${k1}` });
  try {
    expect(await rotateVault(both)).toMatchObject({ webhookSecretsRotated: 1, skipped: 0, keyVersionsInUse: ['v2'] });
    const row = await both.db.selectFrom('webhook_subscriptions').selectAll().executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^enc:v1:v2:/);
    expect(row.previous_secret).toMatch(/^enc:v1:v2:/);
    expect(await rotateVault(both)).toMatchObject({ webhookSecretsRotated: 0 });
  } finally {
    await both.close();
  }

  // Step 3 of the procedure: the processes holding only v1 are gone (rolling restart with v2 only).
  await bridge.services.webhooks!.deliveries.close();
  const onlyNew = await createServices({ ...bridge.config, encryptionKey: k2 });
  try {
    const row = await onlyNew.db.selectFrom('webhook_subscriptions').selectAll().executeTakeFirstOrThrow();
    const { sendPing } = await import('../../../bridge/src/webhooks/events');
    await sendPing(onlyNew.webhooks!, row);
    await receiver.waitFor((r) => r.length === 1);
    expect(verifies(secret, receiver.requests[0])).toBe(true);
    expect(verifies(created.body.secret, receiver.requests[0])).toBe(true); // still inside the 24 h overlap
  } finally {
    await onlyNew.close();
  }
});
