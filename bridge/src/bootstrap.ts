/**
 * First start on an empty store: create the default account and print its primary key once
 * (REELAY_BOOTSTRAP_KEY supplies the key instead, for automation).
 */
import { createAccount } from './accounts';
import type { Config } from './config';
import { ConfigError } from './config';
import { checkKeyFormat } from './keys/format';
import type { Services } from './services';

export async function bootstrapDefaultAccount(services: Services, config: Config, print: (line: string) => void): Promise<void> {
  const any = await services.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst();
  if (any) return;
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
