/** `reelay vault rotate`: re-encrypts every stored secret under the current key version (see rotate.ts). */
import type { Command } from 'commander';
import { loadConfig } from '../config';
import { createServices } from '../services';
import { rotateVault } from './rotate';

export function addVaultCommands(program: Command, out: (line: string) => void, fail: (err: unknown) => never): void {
  const vault = program.command('vault').description('the connections vault (encrypted third-party credentials)');
  vault
    .command('rotate')
    .description('re-encrypt every stored secret under the first (current) REELAY_ENCRYPTION_KEY version; safe while serving')
    .action(async () => {
      try {
        // createServices refuses to start when a key version still in use is missing from the ring.
        const services = await createServices(loadConfig());
        try {
          const r = await rotateVault(services);
          out(`reelay: vault rotated to key ${r.currentKeyVersion}: ${r.connectionsRotated} connection(s), ${r.rendersRotated} render payload(s), ${r.webhookSecretsRotated} webhook secret(s) re-encrypted`);
          if (r.skipped > 0) out(`reelay: ${r.skipped} row(s) changed during the run; run "reelay vault rotate" again`);
          const old = r.keyVersionsInUse.filter((k) => k !== r.currentKeyVersion);
          out(old.length === 0 ? `reelay: only key ${r.currentKeyVersion} is in use; older versions can be removed from REELAY_ENCRYPTION_KEY` : `reelay: still in use: ${old.join(', ')}`);
        } finally {
          await services.close();
        }
      } catch (err) {
        fail(err);
      }
    });
}
