// Environment, parsed once at boot into a frozen object. A bad value stops the process with a
// message that names the variable (see loadConfig / ConfigError).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isTtsVoice } from './lib/tts-voices.js';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const emptyAsUndefined = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());

const redisUrl = z.string().refine((v) => /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://');
const smtpUrl = z.string().refine((v) => /^smtps?:\/\//.test(v), 'must start with smtp:// or smtps://');
const baseUrl = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ''));
// Twilio signs the URL it requested, query included: a base URL with its own query or fragment
// would put it between the path prefix and each step's path, which no request ever carries.
const publicBaseUrl = baseUrl.refine((v) => !/[?#]/.test(v), 'must not have a query (?...) or a fragment (#...): scheme, host, port and path only');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** 32 bytes given as 64 hex characters or as base64. */
const secretsKey = z.string().transform((v, ctx) => {
  const buf = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (buf.length !== 32) {
    ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex characters or base64' });
    return z.NEVER;
  }
  return buf;
});

const clusterNodes = z.string().transform((v, ctx) => {
  const nodes = v.split(',').map((s) => s.trim()).filter(Boolean).map((hostPort) => {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(hostPort);
    return m ? { host: m[1]!, port: Number(m[2]) } : null;
  });
  if (nodes.length === 0 || nodes.some((n) => n === null)) {
    ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of host:port' });
    return z.NEVER;
  }
  return nodes as { host: string; port: number }[];
});

const envSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  PORT: port.default(3000),
  PUBLIC_BASE_URL: optional(publicBaseUrl),
  // production wants https:// (Twilio's signatures are no secret over plain http); an explicit opt-out
  ALLOW_INSECURE_PUBLIC_URL: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  DATABASE_URL: optional(z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), 'must start with postgres:// or postgresql://')),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  // named prepared statements: on by default with DATABASE_URL, off for the embedded database
  DATABASE_PREPARED_STATEMENTS: optional(z.enum(['true', 'false']).transform((v) => v === 'true')),
  DATA_DIR: z.string().default('data'),
  REDIS_URL: optional(redisUrl),
  REDIS_CLUSTER_NODES: optional(clusterNodes),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{0,32}$/, 'letters, digits, ":", "_" or "-", at most 32').default('att:'),
  TWILIO_AUTH_TOKEN: optional(z.string().min(8, 'looks too short for a Twilio auth token')),
  TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')),
  // Webhooks announcing their algorithm in a settings header (Twilio's SharedKey signatures,
  // HMAC-SHA256): off by default; otherwise the key they are checked with (see voice/signature.ts)
  TWILIO_SHA256_SIGNATURES: z.enum(['off', 'auth-token', 'shared-key']).default('off'),
  TWILIO_SIGNATURE_SETTINGS_HEADER: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an HTTP header name').default('X-Twilio-Webhooks-Signature-Settings'),
  TWILIO_SHARED_KEY_SECRET: optional(z.string().min(8, 'looks too short for a SharedKey secret')),
  // where the Twilio REST API is reached (a proxy, or a local fake in tests); unset: Twilio itself
  TWILIO_API_BASE_URL: optional(baseUrl),
  BOOTSTRAP_ADMIN_KEY: optional(z.string().min(32, 'must be at least 32 characters')),
  SMTP_URL: optional(smtpUrl),
  EMAIL_FROM: z.string().min(3).default('Conference Attendant <noreply@localhost>'),
  RETIRED_ID_QUARANTINE_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  SECRETS_KEY: optional(secretsKey),
  CALLER_FAILURE_LIMIT: positiveInt.default(10),
  CALLER_FAILURE_WINDOW_S: positiveInt.default(3600),
  WITHHELD_FAILURE_LIMIT: positiveInt.default(30),
  PIN_FAILURE_LIMIT_PER_CALLER: positiveInt.default(10),
  PIN_FAILURE_LIMIT_PER_ORGANIZER: positiveInt.default(30),
  PIN_FAILURE_WINDOW_S: positiveInt.default(3600),
  BRIDGE_FAILURE_CEILING_PER_MIN: positiveInt.default(600),
  ADMIN_RATE_LIMIT_PER_MIN: positiveInt.default(6000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOLD_MUSIC_URL: optional(httpUrl),
  TTS_VOICE: optional(z.string().refine(isTtsVoice, 'must be an Amazon Polly voice Twilio offers, such as Polly.Joanna or Polly.Amy-Neural')),
  RUN_WORKER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  BRIDGE_ALARM_FAILURES_PER_MIN: positiveInt.default(120),
  BRIDGE_ALARM_DELAY_S: z.coerce.number().int().min(0).max(10).default(4),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  ADMIN_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  // a request (headers and body) not fully received by then is cut: Twilio gives up at 15 s
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  // /metrics: a bearer token, and/or a port of its own (see http/metrics.ts)
  METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  METRICS_PORT: optional(port),
  // refused (unsigned) voice webhooks per client address per minute before they are answered 429
  VOICE_UNSIGNED_LIMIT_PER_MIN: positiveInt.default(60),
  JITSI_ID_LIFETIME_DAYS: z.coerce.number().int().min(1).max(3650).default(60),
  JITSI_MAX_LIVE_IDS: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  JITSI_CLIENT_RATE_LIMIT_PER_MIN: positiveInt.default(300),
  JITSI_NEW_IDS_PER_MIN: positiveInt.default(120),
  // per-tenant quotas on admin actions (docs/security.md); platform keys are not held to them
  TENANT_ID_CONFLICTS_PER_HOUR: positiveInt.default(20),
  TENANT_EMAILS_PER_HOUR: positiveInt.default(1000),
  TENANT_ID_CHANGES_PER_DAY: positiveInt.default(10_000),
  MEETING_MAX_ATTENDEES: z.coerce.number().int().min(1).max(250).default(100),
  // job messages one tenant may run at once across all workers (the others' jobs go first)
  JOB_TENANT_CONCURRENCY: positiveInt.default(1),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  readonly env: 'production' | 'development' | 'test';
  readonly port: number;
  readonly publicBaseUrl: string;
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  /**
   * Every statement runs as a named prepared statement (parsed and planned once per connection).
   * Off for the embedded database, and for a pooler that cannot keep them (PgBouncer before 1.21
   * in transaction mode).
   */
  readonly databasePreparedStatements: boolean;
  readonly dataDir: string;
  readonly redis: Readonly<
    | { kind: 'single'; url: string; keyPrefix: string }
    | { kind: 'cluster'; nodes: readonly { host: string; port: number }[]; keyPrefix: string }
    | { kind: 'memory'; keyPrefix: string }
  >;
  /** `devDefault`: TWILIO_AUTH_TOKEN was unset outside production, so DEV_TWILIO_AUTH_TOKEN is used. */
  readonly twilio: Readonly<{
    authToken: string;
    accountSid: string | undefined;
    apiBaseUrl: string | undefined;
    devDefault: boolean;
    /** Signatures announced by the settings header (lower case): checked with which key, if at all. */
    announcedSignatures: Readonly<{ settingsHeader: string; announced: 'off' | 'auth-token' | 'shared-key'; sharedKeySecret: string | undefined }>;
  }>;
  readonly bootstrapAdminKey: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly emailFrom: string;
  readonly quarantineDays: number;
  /** Encrypts secrets a pending outbox message must hold; `ephemeral` when generated for this process. */
  readonly secretsKey: Readonly<{ key: Buffer; ephemeral: boolean }>;
  readonly callerFailureLimit: number;
  readonly callerFailureWindowS: number;
  /** Failed ID entries per window all withheld callers of one bridge share. */
  readonly withheldFailureLimit: number;
  /** Wrong leader PINs per window: from one calling number for one organizer, and for one organizer from all. */
  readonly pinFailureLimitPerCaller: number;
  readonly pinFailureLimitPerOrganizer: number;
  readonly pinFailureWindowS: number;
  /** Failed ID entries per bridge per minute past which new calls to it hear "busy". */
  readonly bridgeFailureCeilingPerMin: number;
  readonly adminRateLimitPerMin: number;
  readonly logLevel: string;
  readonly holdMusicUrl: string | undefined;
  readonly ttsVoice: string | undefined;
  readonly runWorker: boolean;
  /** Failed ID entries per bridge per minute above which the bridge is in alarm. */
  readonly bridgeAlarmFailuresPerMin: number;
  /** Seconds of silence before each refusal while a bridge is in alarm (0: no slow-down). */
  readonly bridgeAlarmDelayS: number;
  /** Proxies in front of the service whose X-Forwarded-For is believed (client address for rate limits). */
  readonly trustProxyHops: number;
  readonly adminRequestTimeoutMs: number;
  /** The whole request (headers and body) must arrive within this; slower connections are cut. */
  readonly httpRequestTimeoutMs: number;
  /**
   * Where /metrics is served: on the main port unless `port` is set (then only there); behind
   * `Authorization: Bearer <token>` when `token` is set. In production with neither, it is not
   * served at all (`onMainPort` false, no port): metrics are not for the public.
   */
  readonly metrics: Readonly<{ token: string | undefined; port: number | undefined; onMainPort: boolean }>;
  /** Refused (unsigned) voice webhooks per client address per minute, answered 403, then 429. */
  readonly voiceUnsignedLimitPerMin: number;
  /** The public Jitsi endpoints (src/jitsi/): mapper IDs' lifetime after their last lookup, limits. */
  readonly jitsi: Readonly<{
    idLifetimeDays: number;
    /** The default, and the most, an integration may hold at once. */
    maxLiveIds: number;
    /** Requests per client address per minute, both endpoints together. */
    clientRatePerMin: number;
    /** New mapper IDs per integration per minute. */
    newIdsPerMin: number;
  }>;
  /** Per-tenant quotas on admin actions (commands/quotas.ts); platform keys are exempt. */
  readonly quotas: Readonly<{
    /** Chosen conference IDs refused as taken, per tenant per hour, before 429. */
    idConflictsPerHour: number;
    /** Emails admin requests may queue, per tenant per hour. */
    emailsPerHour: number;
    /** Conference-ID resets and changes (bulk units included), per tenant per day. */
    idChangesPerDay: number;
    maxAttendeesPerMeeting: number;
    /** Job messages of one tenant running at once across all workers. */
    jobTenantConcurrency: number;
  }>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * TWILIO_AUTH_TOKEN outside production when unset: a published value, not a secret, so that the
 * call simulator can sign requests to a development instance without any set-up.
 */
export const DEV_TWILIO_AUTH_TOKEN = 'dev-twilio-auth-token-not-a-secret';

/** loadConfig for a program's entry point: a bad environment is printed and exits 78 (EX_CONFIG). */
export function loadConfigOrExit(program: string, source: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(source);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${program}: ${err.message}\n`);
    process.exit(78);
  }
}

const REQUIRED_IN_PRODUCTION = ['PUBLIC_BASE_URL', 'DATABASE_URL', 'TWILIO_AUTH_TOKEN', 'SECRETS_KEY'] as const;

/** Parses the environment; throws ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production') {
    for (const name of REQUIRED_IN_PRODUCTION) if (e[name] === undefined) problems.push(`${name}: required when NODE_ENV=production`);
    if (!e.REDIS_URL && !e.REDIS_CLUSTER_NODES) problems.push('REDIS_URL: required when NODE_ENV=production (or REDIS_CLUSTER_NODES)');
    if (e.PUBLIC_BASE_URL?.startsWith('http:') && !e.ALLOW_INSECURE_PUBLIC_URL) {
      problems.push('PUBLIC_BASE_URL: must be https:// when NODE_ENV=production (set ALLOW_INSECURE_PUBLIC_URL=true to allow http://)');
    }
  }
  if (e.REDIS_URL && e.REDIS_CLUSTER_NODES) problems.push('REDIS_CLUSTER_NODES: set either REDIS_URL or REDIS_CLUSTER_NODES, not both');
  // the development default token must never reach Twilio's API
  if (e.TWILIO_ACCOUNT_SID && !e.TWILIO_AUTH_TOKEN) problems.push('TWILIO_AUTH_TOKEN: required with TWILIO_ACCOUNT_SID');
  if (e.TWILIO_SHA256_SIGNATURES === 'shared-key' && !e.TWILIO_SHARED_KEY_SECRET) problems.push('TWILIO_SHARED_KEY_SECRET: required with TWILIO_SHA256_SIGNATURES=shared-key');
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) problems.push('METRICS_PORT: must differ from PORT');
  if (problems.length) throw new ConfigError(problems);

  const redis: Config['redis'] = e.REDIS_CLUSTER_NODES
    ? { kind: 'cluster', nodes: e.REDIS_CLUSTER_NODES, keyPrefix: e.REDIS_KEY_PREFIX }
    : e.REDIS_URL
      ? { kind: 'single', url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX }
      : { kind: 'memory', keyPrefix: e.REDIS_KEY_PREFIX };

  return deepFreeze({
    env: e.NODE_ENV,
    port: e.PORT,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS ?? e.DATABASE_URL !== undefined,
    dataDir: e.DATA_DIR,
    redis,
    twilio: {
      authToken: e.TWILIO_AUTH_TOKEN ?? DEV_TWILIO_AUTH_TOKEN, // production without it was refused above
      accountSid: e.TWILIO_ACCOUNT_SID,
      apiBaseUrl: e.TWILIO_API_BASE_URL,
      devDefault: e.TWILIO_AUTH_TOKEN === undefined,
      announcedSignatures: {
        settingsHeader: e.TWILIO_SIGNATURE_SETTINGS_HEADER.toLowerCase(),
        announced: e.TWILIO_SHA256_SIGNATURES,
        sharedKeySecret: e.TWILIO_SHARED_KEY_SECRET,
      },
    },
    bootstrapAdminKey: e.BOOTSTRAP_ADMIN_KEY,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM,
    quarantineDays: e.RETIRED_ID_QUARANTINE_DAYS,
    secretsKey: e.SECRETS_KEY ? { key: e.SECRETS_KEY, ephemeral: false } : { key: randomBytes(32), ephemeral: true },
    callerFailureLimit: e.CALLER_FAILURE_LIMIT,
    callerFailureWindowS: e.CALLER_FAILURE_WINDOW_S,
    withheldFailureLimit: e.WITHHELD_FAILURE_LIMIT,
    pinFailureLimitPerCaller: e.PIN_FAILURE_LIMIT_PER_CALLER,
    pinFailureLimitPerOrganizer: e.PIN_FAILURE_LIMIT_PER_ORGANIZER,
    pinFailureWindowS: e.PIN_FAILURE_WINDOW_S,
    bridgeFailureCeilingPerMin: e.BRIDGE_FAILURE_CEILING_PER_MIN,
    adminRateLimitPerMin: e.ADMIN_RATE_LIMIT_PER_MIN,
    logLevel: e.LOG_LEVEL,
    holdMusicUrl: e.HOLD_MUSIC_URL,
    ttsVoice: e.TTS_VOICE,
    runWorker: e.RUN_WORKER,
    bridgeAlarmFailuresPerMin: e.BRIDGE_ALARM_FAILURES_PER_MIN,
    bridgeAlarmDelayS: e.BRIDGE_ALARM_DELAY_S,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    adminRequestTimeoutMs: e.ADMIN_REQUEST_TIMEOUT_MS,
    httpRequestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    metrics: {
      token: e.METRICS_TOKEN,
      port: e.METRICS_PORT,
      onMainPort: e.METRICS_PORT === undefined && (e.METRICS_TOKEN !== undefined || e.NODE_ENV !== 'production'),
    },
    voiceUnsignedLimitPerMin: e.VOICE_UNSIGNED_LIMIT_PER_MIN,
    jitsi: {
      idLifetimeDays: e.JITSI_ID_LIFETIME_DAYS,
      maxLiveIds: e.JITSI_MAX_LIVE_IDS,
      clientRatePerMin: e.JITSI_CLIENT_RATE_LIMIT_PER_MIN,
      newIdsPerMin: e.JITSI_NEW_IDS_PER_MIN,
    },
    quotas: {
      idConflictsPerHour: e.TENANT_ID_CONFLICTS_PER_HOUR,
      emailsPerHour: e.TENANT_EMAILS_PER_HOUR,
      idChangesPerDay: e.TENANT_ID_CHANGES_PER_DAY,
      maxAttendeesPerMeeting: e.MEETING_MAX_ATTENDEES,
      jobTenantConcurrency: e.JOB_TENANT_CONCURRENCY,
    },
  });
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Buffer.isBuffer(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
