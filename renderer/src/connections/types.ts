import { z } from 'zod';

/**
 * Connection types: one zod schema each, plus three field lists that drive security decisions.
 *
 * - `sensitive`: encrypted at rest, masked on reads, never logged.
 * - `where`: fields that decide WHERE a saved secret is sent (host, port, endpoint, region, base URL,
 *   TLS). Overriding one inline could redirect a stored credential to an attacker's server, so it
 *   needs `connections:write`.
 * - `renderOverridable`: the only fields a key WITHOUT `connections:write` (a Render key) may
 *   override inline: paths, file names, subjects, recipients, message. Everything else needs the
 *   scope. This is an allow-list on purpose: a new field is protected until someone decides otherwise.
 *
 * `type` itself can never be overridden.
 */

const host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or IP address, without scheme or path');
const port = z.number().int().min(1).max(65535);
const httpsUrl = z.url({ protocol: /^https?$/ });
const secret = z.string().min(1).max(8192);
const remotePath = z.string().max(1024);
const fileName = z.string().min(1).max(255);
const emailList = z.union([z.email(), z.array(z.email()).min(1).max(50)]);

export type ConnectionKind = 'voice' | 'image' | 'destination';

export interface ConnectionTypeDefinition<S extends z.ZodObject = z.ZodObject> {
  type: string;
  title: string;
  kind: ConnectionKind;
  /** Element `model` values served by this type (voice/image); empty for destinations. */
  models: string[];
  schema: S;
  sensitive: string[];
  where: string[];
  renderOverridable: string[];
}

function define<S extends z.ZodObject>(def: ConnectionTypeDefinition<S>): ConnectionTypeDefinition<S> {
  return def;
}

export const connectionTypes = {
  elevenlabs: define({
    type: 'elevenlabs',
    title: 'ElevenLabs (text to speech)',
    kind: 'voice',
    models: ['elevenlabs', 'elevenlabs-flash-v2-5'],
    schema: z.strictObject({
      apiKey: secret,
      /** @default https://api.elevenlabs.io */
      baseUrl: httpsUrl.optional(),
      /** Default voice when an element names none. */
      voice: z.string().max(200).optional(),
      /** @default eleven_multilingual_v2 */
      modelId: z.string().max(200).optional(),
    }),
    sensitive: ['apiKey'],
    where: ['baseUrl'],
    // Which model renders the speech is a request parameter, not a credential or a destination.
    renderOverridable: ['modelId'],
  }),
  'azure-tts': define({
    type: 'azure-tts',
    title: 'Azure AI Speech (text to speech)',
    kind: 'voice',
    models: ['azure'],
    schema: z.strictObject({
      subscriptionKey: secret,
      region: z.string().regex(/^[a-z0-9]{2,40}$/, 'an Azure region such as westeurope'),
      /** Overrides the regional endpoint (sovereign clouds, containers). */
      endpoint: httpsUrl.optional(),
      voice: z.string().max(200).optional(),
    }),
    sensitive: ['subscriptionKey'],
    where: ['region', 'endpoint'],
    renderOverridable: [],
  }),
  replicate: define({
    type: 'replicate',
    title: 'Replicate (image generation)',
    kind: 'image',
    models: ['replicate'],
    schema: z.strictObject({
      apiToken: secret,
      baseUrl: httpsUrl.optional(),
      /** `owner/name` of an official model, e.g. black-forest-labs/flux-schnell. */
      modelName: z.string().regex(/^[a-z0-9_.-]+\/[a-z0-9_.-]+$/i).optional(),
    }),
    sensitive: ['apiToken'],
    where: ['baseUrl'],
    renderOverridable: ['modelName'],
  }),
  fal: define({
    type: 'fal',
    title: 'fal.ai (image generation)',
    kind: 'image',
    models: ['fal'],
    schema: z.strictObject({
      apiKey: secret,
      baseUrl: httpsUrl.optional(),
      /** Model endpoint id, e.g. fal-ai/flux/schnell. */
      modelName: z.string().regex(/^[a-z0-9_.-]+(\/[a-z0-9_.-]+)+$/i).optional(),
    }),
    sensitive: ['apiKey'],
    where: ['baseUrl'],
    renderOverridable: ['modelName'],
  }),
  bfl: define({
    type: 'bfl',
    title: 'Black Forest Labs (Flux image generation)',
    kind: 'image',
    models: ['flux'],
    schema: z.strictObject({
      apiKey: secret,
      baseUrl: httpsUrl.optional(),
      /** BFL endpoint name, e.g. flux-pro-1.1. */
      modelName: z.string().regex(/^[a-z0-9._-]+$/i).optional(),
    }),
    sensitive: ['apiKey'],
    where: ['baseUrl'],
    renderOverridable: ['modelName'],
  }),
  ftp: define({
    type: 'ftp',
    title: 'FTP / FTPS upload',
    kind: 'destination',
    models: [],
    schema: z.strictObject({
      host,
      /** @default 21 */
      port: port.optional(),
      username: z.string().min(1).max(256),
      password: secret,
      /** Explicit FTPS (AUTH TLS). @default false */
      secure: z.boolean().optional(),
      'remote-path': remotePath.optional(),
      file: fileName.optional(),
    }),
    sensitive: ['password'],
    where: ['host', 'port', 'secure'],
    renderOverridable: ['remote-path', 'file'],
  }),
  sftp: define({
    type: 'sftp',
    title: 'SFTP upload',
    kind: 'destination',
    models: [],
    schema: z
      .strictObject({
        host,
        /** @default 22 */
        port: port.optional(),
        username: z.string().min(1).max(256),
        password: secret.optional(),
        privateKey: secret.optional(),
        passphrase: secret.optional(),
        /** SHA-256 fingerprint (base64, as `ssh-keygen -lf` prints it) the server must present. */
        hostFingerprint: z.string().max(200).optional(),
        'remote-path': remotePath.optional(),
        file: fileName.optional(),
      }),
    sensitive: ['password', 'privateKey', 'passphrase'],
    where: ['host', 'port', 'hostFingerprint'],
    renderOverridable: ['remote-path', 'file'],
  }),
  webhook: define({
    type: 'webhook',
    title: 'Webhook (JSON2Video body)',
    kind: 'destination',
    models: [],
    schema: z.strictObject({
      endpoint: httpsUrl,
      /** Extra request headers, e.g. an Authorization header: stored encrypted as a whole. */
      headers: z.record(z.string().min(1).max(200), z.string().max(8192)).optional(),
      /** @default json */
      'content-type': z.enum(['json', 'urlencoded']).optional(),
    }),
    sensitive: ['headers'],
    where: ['endpoint'],
    renderOverridable: [],
  }),
  email: define({
    type: 'email',
    title: 'Email (SMTP)',
    kind: 'destination',
    models: [],
    schema: z.strictObject({
      host,
      /** @default 587, or 465 when secure */
      port: port.optional(),
      /** Implicit TLS (port 465). Without it STARTTLS is used when offered. @default false */
      secure: z.boolean().optional(),
      username: z.string().max(256).optional(),
      password: secret.optional(),
      from: z.email(),
      to: emailList.optional(),
      subject: z.string().max(500).optional(),
      message: z.string().max(20000).optional(),
      /** Attach the video when it is at most this many bytes, otherwise send the link. @default 10 MiB */
      attachMaxBytes: z.number().int().min(0).max(25 * 1024 * 1024).optional(),
      file: fileName.optional(),
    }),
    sensitive: ['password'],
    where: ['host', 'port', 'secure'],
    renderOverridable: ['to', 'subject', 'message', 'file'],
  }),
} satisfies Record<string, ConnectionTypeDefinition>;

export type ConnectionType = keyof typeof connectionTypes;
export const connectionTypeNames = Object.keys(connectionTypes) as ConnectionType[];
export type ConnectionConfig<T extends ConnectionType = ConnectionType> = z.infer<(typeof connectionTypes)[T]['schema']>;

export function isConnectionType(value: unknown): value is ConnectionType {
  return typeof value === 'string' && Object.hasOwn(connectionTypes, value);
}

export function connectionTypeOf(type: ConnectionType): ConnectionTypeDefinition {
  return connectionTypes[type] as ConnectionTypeDefinition;
}

/** The connection type that serves an element `model` (`elevenlabs`, `azure`, `replicate`, `fal`, `flux`). */
export function connectionTypeForModel(kind: 'voice' | 'image', model: string): ConnectionType | undefined {
  return connectionTypeNames.find((t) => connectionTypes[t].kind === kind && (connectionTypes[t].models as string[]).includes(model));
}

/** Field names of a type (the keys of its schema). */
export function fieldsOf(type: ConnectionType): string[] {
  return Object.keys(connectionTypes[type].schema.shape);
}

/** Cross-field rules zod's object shape cannot say (kept here so the bridge and renderer agree). */
export function extraIssues(type: ConnectionType, config: Record<string, unknown>): { path: string; message: string }[] {
  if (type === 'sftp' && config.password === undefined && config.privateKey === undefined) {
    return [{ path: 'password', message: 'an sftp connection needs a password or a privateKey' }];
  }
  return [];
}

/** Public description for `GET /v2/connection-types`. */
export function describeConnectionTypes(): {
  type: string;
  title: string;
  kind: ConnectionKind;
  models: string[];
  sensitive: string[];
  where: string[];
  renderOverridable: string[];
  schema: unknown;
}[] {
  return connectionTypeNames.map((t) => {
    const def = connectionTypeOf(t);
    return {
      type: def.type,
      title: def.title,
      kind: def.kind,
      models: def.models,
      sensitive: def.sensitive,
      where: def.where,
      renderOverridable: def.renderOverridable,
      schema: z.toJSONSchema(def.schema, { io: 'input', unrepresentable: 'any' }),
    };
  });
}
