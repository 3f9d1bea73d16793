/** `reelay n8n migrate WORKFLOW.json [-o OUT.json] [--base-url URL] [--credential NAME]`: file in, file (or stdout) out, report on stderr. */
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { CliError } from '../movies/cli-render';
import { checkWorkflowShape, formatReport, migrateWorkflow, WorkflowShapeError } from './migrate';

interface MigrateFlags {
  output?: string;
  baseUrl: string;
  credential: string;
  credentialId?: string;
}

export function runMigrate(file: string, flags: MigrateFlags): { json: string; report: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`cannot read ${file} as JSON (${(err as Error).message})`);
  }
  try {
    new URL(flags.baseUrl);
  } catch {
    throw new CliError(`--base-url must be an absolute URL, got '${flags.baseUrl}'`);
  }
  const options = { baseUrl: flags.baseUrl, credentialName: flags.credential, credentialId: flags.credentialId ?? null };
  try {
    // `n8n export:workflow --all` writes an array; each workflow is migrated on its own.
    const workflows = Array.isArray(parsed) ? parsed.map((w, i) => checkWorkflowShape(w, `$[${i}]`)) : [checkWorkflowShape(parsed)];
    const results = workflows.map((w) => migrateWorkflow(w, options));
    const out = Array.isArray(parsed) ? results.map((r) => r.workflow) : results[0].workflow;
    const report = results.map((r, i) => (results.length > 1 ? `workflow ${i + 1} (${String(r.workflow.name ?? 'unnamed')}):\n` : '') + formatReport(r)).join('\n');
    return { json: JSON.stringify(out, null, 2) + '\n', report };
  } catch (err) {
    if (err instanceof WorkflowShapeError) throw new CliError(`${file}: ${err.message} (${err.code})`);
    throw err;
  }
}

export function addN8nCommands(program: Command, out: (line: string) => void, fail: (err: unknown) => never): void {
  const n8n = program.command('n8n').description('n8n workflows');
  n8n
    .command('migrate <workflow>')
    .description('rewrite an n8n workflow that uses JSON2Video (HTTP Request nodes or its own node) to use Reelay; prints what it did per node')
    .option('-o, --output <file>', 'write the migrated workflow here (default: stdout)')
    .option('--base-url <url>', 'where the Reelay bridge listens, for HTTP Request nodes that stay', 'http://localhost:8080')
    .option('--credential <name>', 'name of the Reelay API credential in n8n', 'Reelay account')
    .option('--credential-id <id>', 'its id in n8n (optional; n8n matches by name otherwise)')
    .action((file: string, flags: MigrateFlags) => {
      try {
        const { json, report } = runMigrate(file, flags);
        if (flags.output) writeFileSync(flags.output, json);
        else process.stdout.write(json);
        // The report goes to stderr so stdout stays a clean workflow when piped.
        process.stderr.write(report + '\n');
        if (flags.output) out(`reelay: migrated workflow written to ${flags.output}`);
      } catch (err) {
        fail(err);
      }
    });
}
