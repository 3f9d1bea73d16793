/**
 * The `reelay` command line (bin: bridge/bin/reelay.js). Thin: each command parses its options and
 * dispatches. Expected failures (bad config, Redis or the database unreachable, no ffmpeg) print one
 * line and exit 1, never a stack trace.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createAccount } from './accounts';
import { createAuditLog } from './audit/log';
import { createCreditsService } from './credits';
import { bootstrapDefaultAccount } from './bootstrap';
import { ConfigError, loadConfig } from './config';
import { runRenderCli } from '@reelay/renderer/src/cli/render-local';
import { MediaToolsMissingError, requireMediaTools } from '@reelay/renderer/src/run/ffmpeg';
import { startInProcessRenderer } from './inprocess-renderer';
import { CliError, renderThroughBridge } from './movies/cli-render';
import { renderDemo } from './movies/demo';
import { startPipelineLoops } from './renders/loops';
import { startRenderWorker } from './renders/worker';
import { createLogger, syncStdout, type LogFormat, type Logger } from './logger';
import { Generations } from './generations';
import { KeyCache } from './keys/cache';
import { generateKey } from './keys/format';
import { replacePrimaryKey } from './keys/primary';
import { addVaultCommands } from './connections/cli';
import { addN8nCommands } from './n8n-migrate/cli';
import { listen } from './server';
import { listenMetrics } from './metrics/server';
import { RedisUnavailableError, connectRedis, createServices, type Services } from './services';
import type Redis from 'ioredis';
import type { Server } from 'node:http';
import { migrateToLatest, openDb } from './store/db';
import {
  InstallationConflictError,
  claimKey,
  conflictMessage,
  lookUpStoreInstallationId,
  rendererInstallation,
  watchClaim,
} from './system/installation';

/** `reelay start|bridge|renderer` switch their console lines to JSON with REELAY_LOG_FORMAT=json, so the console has one format. */
let consoleFormat: LogFormat = 'plain';
const out = (line: string): void =>
  void process.stdout.write((consoleFormat === 'json' ? JSON.stringify({ level: 30, time: Date.now(), service: 'reelay-bridge', msg: line }) : line) + '\n');

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

function failOneLine(err: unknown): never {
  if (
    err instanceof ConfigError ||
    err instanceof RedisUnavailableError ||
    err instanceof CliError ||
    err instanceof MediaToolsMissingError ||
    err instanceof InstallationConflictError
  ) {
    process.stderr.write(`reelay: ${err.message}\n`);
  } else {
    const e = err as { code?: string; message?: string };
    const hint = e.code === 'ECONNREFUSED' ? ' (is PostgreSQL running? check DATABASE_URL)' : '';
    process.stderr.write(`reelay: ${e.message ?? String(err)}${hint}\n`);
    if (process.env.REELAY_DEBUG) console.error(err);
  }
  process.exit(1);
}

/** Runs a command that only needs the store (no Redis). */
async function withDb<T>(fn: (db: ReturnType<typeof openDb>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = openDb(config.database);
  try {
    await migrateToLatest(db, config.database);
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** Running bridges cache key rows and balances: a change made here reaches them through Redis. */
async function withGenerations<T>(fn: (generations: Generations) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const redis = await connectRedis(config.redisUrl);
  try {
    return await fn(new Generations(redis, config.queuePrefix));
  } finally {
    redis.disconnect();
  }
}

function onShutdown(services: Services, extra?: () => Promise<void>): (code: number) => Promise<void> {
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    services.logger.info('shutting down');
    await extra?.();
    await services.close();
    process.exit(code);
  };
  process.on('SIGINT', () => stop());
  process.on('SIGTERM', () => stop());
  return stop;
}

/**
 * Keeps this process's claim on the prefix: claimed again after a flush; and when another installation
 * took it while this process ran (Redis flushed and it started first, or the claim was released), stops
 * at once with the refusal line rather than touch its jobs. Returns the function that stops watching.
 */
function keepClaim(redis: Redis, prefix: string, id: string, logger: Logger, stop: (code: number) => Promise<void>): () => void {
  return watchClaim(redis, prefix, id, {
    onLost: (holder) => {
      process.stderr.write(`reelay: stopping: ${conflictMessage(prefix, id, holder)}\n`);
      setTimeout(() => process.exit(1), 10_000).unref();
      void stop(1).catch(() => process.exit(1));
    },
    onReclaimed: () => logger.warn({ prefix }, 'installation claim of the Redis prefix was gone (Redis flushed?): claimed it again'),
    onError: (err) => logger.warn({ err }, 'installation claim check failed; trying again later'),
  });
}

/** The address a server is bound to, as a URL (`http://0.0.0.0:8080`, `http://[::1]:8080`). */
function boundUrl(server: Server): string {
  const addr = server.address();
  if (!addr || typeof addr === 'string') return String(addr);
  return `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
}

async function startBridge(withRenderer: boolean, opts: { demo?: boolean } = {}): Promise<void> {
  const config = loadConfig();
  consoleFormat = config.logFormat;
  // The bridge probes uploads with ffprobe; its in-process renderer needs ffmpeg too.
  await requireMediaTools(withRenderer ? ['ffmpeg', 'ffprobe'] : ['ffprobe']);
  const services = await createServices(config);
  const firstStart = await bootstrapDefaultAccount(services, config, out);
  const server = await listen(services);
  await listenMetrics(services);
  startPipelineLoops(services);
  const bound = boundUrl(server);
  out(`reelay: bridge listening on ${bound}${bound === config.publicUrl ? '' : ` (public URL ${config.publicUrl})`} (store: ${config.database.kind}${withRenderer ? ', with an in-process renderer' : ''})`);
  const stopRenderer = withRenderer ? await startInProcessRenderer(services) : undefined;
  const stop = onShutdown(services, stopRenderer);
  services.onClose(keepClaim(services.redis, config.queuePrefix, services.installationId, services.logger, stop));
  // The demo proves a fresh install; later starts (and the other bridges of a new stack) skip it.
  if (opts.demo && firstStart) await renderDemo(services, out).catch((err: Error) => out(`reelay: the demo movie failed: ${err.message}`));
}

/** `reelay renderer`: a render worker only (needs Redis and the shared storage, not the store). */
async function startRenderer(): Promise<void> {
  const config = loadConfig();
  consoleFormat = config.logFormat;
  await requireMediaTools(['ffmpeg', 'ffprobe']);
  const logger = createLogger(config.logLevel, syncStdout(), config.logFormat);
  // The installation this renderer works for: it never consumes a prefix claimed by another one.
  const redis = await connectRedis(config.redisUrl);
  let installation: Awaited<ReturnType<typeof rendererInstallation>>;
  try {
    installation = await rendererInstallation(redis, config, out);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const worker = await startRenderWorker(config, logger);
  out(`reelay: renderer of installation ${installation.id} (${installation.source === 'store' ? 'from the store' : `from the claim on the prefix: ${installation.why}`})`);
  out(`reelay: renderer consuming queue "${config.queuePrefix}:render" (concurrency ${config.pipeline.renderConcurrency})`);
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    unwatch();
    await worker.close();
    redis.disconnect();
    process.exit(code);
  };
  const unwatch = keepClaim(redis, config.queuePrefix, installation.id, logger, stop);
  process.once('SIGINT', () => stop());
  process.once('SIGTERM', () => stop());
}

/** `reelay installation show|release`: which installation holds this Redis prefix; hand it over. */
function addInstallationCommands(program: Command): void {
  const installation = program
    .command('installation')
    .description('the installation id (kept in the store) and its claim on the Redis prefix (REELAY_QUEUE_PREFIX)');
  installation
    .command('show')
    .description('print this installation id and which installation holds the Redis prefix')
    .action(() =>
      (async () => {
        const config = loadConfig();
        const found = await lookUpStoreInstallationId(config.database);
        const redis = await connectRedis(config.redisUrl);
        try {
          const holder = await redis.get(claimKey(config.queuePrefix));
          out(`installation: ${found.id ?? `unknown (${found.why})`}`);
          const whose = !holder ? 'nobody (the next bridge or renderer of an installation claims it)' : holder === found.id ? `${holder} (this installation)` : `${holder} (another installation)`;
          out(`Redis prefix "${config.queuePrefix}" claimed by: ${whose}`);
        } finally {
          redis.disconnect();
        }
      })().catch(failOneLine),
    );
  installation
    .command('release')
    .description('delete the claim on the Redis prefix so another installation can take it (stop the holder first: a running one claims it again)')
    .action(() =>
      (async () => {
        const config = loadConfig();
        const redis = await connectRedis(config.redisUrl);
        try {
          // GET + DEL in one step (GETDEL needs Redis 6.2)
          const holder = (await redis.eval("local v = redis.call('GET', KEYS[1]); redis.call('DEL', KEYS[1]); return v", 1, claimKey(config.queuePrefix))) as string | null;
          out(holder ? `reelay: released Redis prefix "${config.queuePrefix}" (was claimed by ${holder})` : `reelay: Redis prefix "${config.queuePrefix}" was not claimed`);
        } finally {
          redis.disconnect();
        }
      })().catch(failOneLine),
    );
}

export function buildCli(): Command {
  const program = new Command('reelay').description('Reelay: self-hosted JSON-to-video rendering').showHelpAfterError();

  program
    .command('start')
    .description('bridge + an in-process renderer worker (SQLite and local disk by default)')
    .option('--demo', 'on the first start (new store), render a small demo movie and print its URL')
    .action((opts: { demo?: boolean }) => startBridge(true, opts).catch(failOneLine));

  program
    .command('renderer')
    .description('a renderer worker only: consumes the render queue (run any number, sharing Redis and the storage directory)')
    .action(() => startRenderer().catch(failOneLine));

  program
    .command('bridge')
    .description('the bridge (HTTP API) only; renderers run elsewhere against the same Redis')
    .option('--demo', 'on the first start (new store), render a small demo movie (needs a running renderer) and print its URL')
    .action((opts: { demo?: boolean }) => startBridge(false, opts).catch(failOneLine));

  program
    .command('migrate')
    .description('apply pending store migrations')
    .action(() =>
      withDb(async () => undefined)
        .then(() => out('reelay: store is up to date'))
        .catch(failOneLine),
    );

  const accounts = program.command('accounts').description('manage accounts');
  accounts
    .command('create')
    .description('create an account; prints its id and primary key (once)')
    .requiredOption('--name <name>', 'account name')
    .option('--credits <n>', 'credit balance (default: unlimited)', int)
    .action((opts: { name: string; credits?: number }) =>
      withDb(async (db) => {
        const { account, primaryKey } = await createAccount(db, { name: opts.name, credits: opts.credits ?? null });
        out(`account: ${account.id}`);
        out(`primary key (shown once, store it now): ${primaryKey}`);
      }).catch(failOneLine),
    );
  accounts
    .command('credits <id>')
    .description('set or add to an account credit balance')
    // commander turns a parser's null into '', so "unlimited" stays a word until used
    .option('--set <n>', 'set the balance to n, or "unlimited"', (v: string) => (v === 'unlimited' ? v : int(v)))
    .option('--add <n>', 'add n (negative to take)', int)
    .action((id: string, opts: { set?: number | 'unlimited'; add?: number }) =>
      withDb(async (db) => {
        if ((opts.set === undefined) === (opts.add === undefined)) throw new ConfigError('give exactly one of --set N or --add N');
        await withGenerations(async (generations) => {
          const credits = createCreditsService(db, generations);
          const before = await credits.balance(id);
          if (opts.set !== undefined) await credits.set(id, opts.set === 'unlimited' ? null : opts.set);
          else await credits.add(id, opts.add!);
          const after = await credits.balance(id);
          await createAuditLog(db).record({ event: 'account.credits_changed', accountId: id, details: { before, after, via: 'cli' } });
          out(`account ${id}: credits ${before ?? 'unlimited'} → ${after ?? 'unlimited'}`);
        });
      }).catch(failOneLine),
    );

  accounts
    .command('reset-primary <id>')
    .description('replace the account primary key (e.g. when it is lost or leaked); prints the new key once, the old one stops at once')
    .action((id: string) =>
      withDb(async (db) => {
        await withGenerations(async (generations) => {
          if (!(await db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst())) throw new ConfigError(`no account ${id}`);
          const made = await replacePrimaryKey(db, new KeyCache(generations), id, null);
          await createAuditLog(db).record({ event: 'key.primary_reset', accountId: id, keyId: made.row.id, details: { previousKeyIds: made.previousKeyIds, via: 'cli' } });
          out(`account ${id}: new primary key (shown once, store it now): ${made.secret}`);
        });
      }).catch(failOneLine),
    );

  const keys = program.command('keys').description('API key utilities');
  keys
    .command('generate')
    .description('print a new random key (e.g. for REELAY_BOOTSTRAP_KEY); stores nothing')
    .action(() => out(generateKey()));

  program
    .command('render [file]')
    .description('render a movie JSON file through the bridge (REELAY_URL, REELAY_API_KEY) and download it; --local renders on this machine instead')
    .option('--local', 'render here with ffmpeg, no bridge or Redis; local file paths in the movie are relative to it')
    .option('--template <id>', 'render a template (the file, if given, holds its variables)')
    .option('--var <name=value>', 'a variable (repeatable)', (v: string, all: string[] = []) => [...all, v])
    .option('-o, --out <file>', 'output file (default: next to the movie file)')
    .action((file: string | undefined, opts: { local?: boolean; out?: string; template?: string; var?: string[] }) => {
      if (opts.local) {
        if (!file) return failOneLine(new CliError('--local needs a movie file'));
        return requireMediaTools(['ffmpeg', 'ffprobe'])
          .then(() => runRenderCli(file, opts))
          .catch(failOneLine);
      }
      return renderThroughBridge(file, { template: opts.template, vars: opts.var, out: opts.out })
        .then((saved) => out(`reelay: saved ${saved}`))
        .catch(failOneLine);
    });

  addVaultCommands(program, out, failOneLine);
  addN8nCommands(program, out, failOneLine);
  addInstallationCommands(program);

  return program;
}

if (require.main === module || process.argv[1]?.endsWith('reelay.js') || process.argv[1]?.endsWith('reelay')) {
  buildCli()
    .parseAsync(process.argv)
    .catch(failOneLine);
}
