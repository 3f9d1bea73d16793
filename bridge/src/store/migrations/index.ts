// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient module mapping, see the file
/// <reference path="../../types/kysely-migration.d.ts" />
/**
 * The ordered list of migrations (Kysely Migrator, static provider). Each migration is its own file
 * `NNNN_name.ts` exporting `up(db)` (and `down(db)`); add ONE line below for yours, keep the order.
 * Reserved numbers: 0002_renders (pipeline: movies/templates/uploads), 0003_connections (connections
 * vault), 0004_webhooks (webhooks); the next free number after those is 0005.
 * Write SQL that runs on SQLite and PostgreSQL: text ids, ISO text timestamps, 0/1 integers for
 * booleans, JSON as text, `bigint` for counters; no dialect-only types (jsonb, serial, datetime).
 */
import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_core';
import * as m0003 from './0003_connections';
import * as m0002 from './0002_renders';
import * as m0004 from './0004_webhooks';
import * as m0005 from './0005_render_batch_index';
import * as m0006 from './0006_render_exports';
import * as m0007 from './0007_webhook_attempts';
import * as m0008 from './0008_webhook_secret_version';
import * as m0009 from './0009_installation';
import * as m0010 from './0010_render_error_code';

export const migrations: Record<string, Migration> = {
  '0001_core': m0001,
  '0003_connections': m0003,
  '0002_renders': m0002,
  '0004_webhooks': m0004,
  '0005_render_batch_index': m0005,
  '0006_render_exports': m0006,
  '0007_webhook_attempts': m0007,
  '0008_webhook_secret_version': m0008,
  '0009_installation': m0009,
  '0010_render_error_code': m0010,
};
