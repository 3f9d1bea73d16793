/**
 * First start on an empty store: create the default account and print its primary key once
 * (REELAY_BOOTSTRAP_KEY supplies the key instead, for automation).
 */
import { createAccount } from './accounts';
import type { Config } from './config';
import { ConfigError } from './config';
import { checkKeyFormat } from './keys/format';
import type { Services } from './services';

/**
 * Bridges of one installation started together on a new store would each create a default account
 * (or, with REELAY_BOOTSTRAP_KEY, all but one fail on the key's unique hash): one at a time, under a
 * Redis lock of the installation's prefix.
 */
/** Returns whether this call created the account: the store was new (a first start). */
export async function bootstrapDefaultAccount(services: Services, config: Config, print: (line: string) => void): Promise<boolean> {
  const hasAccount = async () => Boolean(await services.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst());
  if (await hasAccount()) return false;
  const lock = services.redisKey('bootstrap-lock');
  const deadline = Date.now() + 30_000;
  let held = false;
  // a holder that died leaves a lock that expires after the same 30 s
  while (!(held = (await services.redis.set(lock, '1', 'PX', 30_000, 'NX')) === 'OK') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    if (await hasAccount()) return false;
    await createDefaultAccount(services, config, print);
    return true;
  } finally {
    if (held) await services.redis.del(lock);
  }
}

async function createDefaultAccount(services: Services, config: Config, print: (line: string) => void): Promise<void> {
  if (config.bootstrapKey && !checkKeyFormat(config.bootstrapKey).ok) {
    throw new ConfigError('REELAY_BOOTSTRAP_KEY is not a valid Reelay key (rly_ + 30 base62 + 6-character checksum); generate one with `reelay keys generate`');
  }
  const { account, primaryKey } = await createAccount(services.db, { name: 'default', primaryKey: config.bootstrapKey });
  await services.audit.record({ event: 'account.created', accountId: account.id, details: { name: 'default', bootstrap: true } });
  if (config.bootstrapKey) {
    print(`reelay: created the default account ${account.id} with the primary key from REELAY_BOOTSTRAP_KEY`);
  } else {
    print(`reelay: created the default account ${account.id}. Its primary key (shown once, store it now):`);
    print(primaryKey);
  }
}
