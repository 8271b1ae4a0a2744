import { join, resolve } from 'node:path';
import { type HttpConnectorConfig, parseHttpConnectors } from './http-connectors.config';
import { type AlertDeliveryConfig, DEFAULT_PAGERDUTY_EVENTS_URL, parseAlertChannels } from './alert-channels.config';

export type EventStoreKind = 'embedded' | 'jetstream';

/** The one typed configuration. Read once at boot by `loadConfig`; nothing else reads process.env. */
export interface OarsConfig {
  nodeEnv: string;
  production: boolean;
  host: string;
  port: number;
  logLevel: string;
  region: string;
  eventStore: EventStoreKind;
  natsUrl: string | null;
  streamPrefix: string;
  subjectPrefix: string;
  /** Postgres for read models (and, in embedded mode, the event log). Null: PGlite in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  runProjector: boolean;
  /** Pause of the projector after a batch so appends coalesce into bigger transactions (ms, default 25). */
  projectorCoalesceMs: number;
  /** Port of the standalone projector process's `/metrics` (integrity verifier, projection); 0 = none. */
  projectorMetricsPort: number;
  /** Nice value (0-19) the standalone projector process runs at, below the API on a shared host. */
  projectorNice: number;
  /** The continuous integrity verifier: receipts re-verified per second at most. */
  integrityMaxReceiptsPerSecond: number;
  /** Where retention archives the events it prunes (NDJSON per prune; default `<dataDir>/archive`). */
  archiveDir: string;
  /** How often each stream with new events gets a signed Merkle checkpoint (ms, default 60 s). */
  checkpointIntervalMs: number;
  /** Its rate while the streams grow faster than that maximum (it catches up once they slow down). */
  integrityMinReceiptsPerSecond: number;
  /** Nice value of the integrity verifier's worker thread (0-19; 19 = only idle CPU under contention). */
  integrityNice: number;
  keyEncryptionSecret: string;
  apiTokensJson: string | null;
  devTokensEnabled: boolean;
  rateLimitRpm: number;
  bodyLimitBytes: number;
  readWaitMs: number;
  docsEnabled: boolean;
  /** Pending approvals expire (the action ends `canceled`) after this many seconds; 0 = never. */
  approvalExpirySeconds: number;
  /** The OARS v1 shared step-up code (compatibility fallback to per-approver TOTP); null = disabled. */
  stepUpSharedCode: string | null;
  /** Tools OARS executes by calling an HTTP endpoint (OARS_HTTP_CONNECTORS); validated at boot. */
  httpConnectors: HttpConnectorConfig[];
  /** How long `POST /v1/actions` waits for an HTTP connector's outcome before answering `approved` (0 = never waits). */
  connectorWaitMs: number;
  /** Outbound alert delivery (OARS_ALERT_*, docs/alerting.md): channels, retries with backoff, rate limits, circuit breakers. */
  alerting: AlertDeliveryConfig;
  /** Governance alerts (docs/governance-alerts.md): how often measured signals (auth failures, SLO burn) are evaluated (ms). */
  governanceEvalIntervalMs: number;
  /** A tenant with more auth failures than this in one window raises AUTH_FAILURE_SPIKE. */
  authFailureSpikeThreshold: number;
  /** The window auth failures are counted over (seconds). */
  authFailureSpikeWindowSeconds: number;
  /** Events an SLO's long window must hold before a burn raises SLO_FAST_BURN / SLO_SLOW_BURN. */
  sloBurnMinEvents: number;
  /** Seconds an incident of each severity may stay unacknowledged before it escalates (OARS_INCIDENT_ACK_TARGETS; docs/incidents.md). */
  incidentAckTargetSeconds: SeveritySeconds;
  /** Required interval between status updates of a declared incident, per severity (OARS_INCIDENT_UPDATE_INTERVALS). */
  incidentUpdateIntervalSeconds: SeveritySeconds;
}

/** Seconds per incident severity. */
export type SeveritySeconds = Readonly<Record<'SEV1' | 'SEV2' | 'SEV3', number>>;

/** The OARS v1 development step-up code. */
export const DEV_STEP_UP_CODE = 'stepup_dev_code';

/** The development key-encryption secret; refused in production. */
export const DEV_KEY_ENCRYPTION_SECRET = 'oars_dev_key_encryption_secret_change_me';

/** A configuration variable is missing or invalid; the message names it. */
export class ConfigError extends Error {
  readonly code = 'config_error';
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback: string): string {
  const v = env[name];
  return v === undefined || v === '' ? fallback : v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

/** A JSON object of seconds per severity (`{"SEV1":300}`); severities left out keep their default. */
function severitySeconds(env: Env, name: string, fallback: SeveritySeconds): SeveritySeconds {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, 'must be a JSON object of seconds per severity, e.g. {"SEV1":300}');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(name, 'must be a JSON object of seconds per severity, e.g. {"SEV1":300}');
  const out = { ...fallback };
  for (const [key, value] of Object.entries(parsed)) {
    if (key !== 'SEV1' && key !== 'SEV2' && key !== 'SEV3') throw new ConfigError(name, `has an unknown severity "${key}" (SEV1, SEV2 or SEV3)`);
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 604_800) throw new ConfigError(name, `${key} must be an integer number of seconds from 1 to 604800`);
    out[key] = value as number;
  }
  return out;
}

function url(env: Env, name: string, schemes: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  const first = raw.split(',')[0]!.trim();
  let parsed: URL;
  try {
    parsed = new URL(first);
  } catch {
    throw new ConfigError(name, `must be a URL (${schemes.join(' or ')}), got "${raw}"`);
  }
  if (!schemes.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(name, `must use ${schemes.join(' or ')}, got "${parsed.protocol}"`);
  }
  return raw;
}

/** Parses and validates the environment; throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env): OarsConfig {
  const nodeEnv = str(env, 'NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const natsUrl = url(env, 'NATS_URL', ['nats', 'tls', 'ws', 'wss']);
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres', 'postgresql']);

  const storeRaw = str(env, 'OARS_EVENT_STORE', natsUrl ? 'jetstream' : 'embedded');
  if (storeRaw !== 'embedded' && storeRaw !== 'jetstream') {
    throw new ConfigError('OARS_EVENT_STORE', `must be "embedded" or "jetstream", got "${storeRaw}"`);
  }
  if (storeRaw === 'jetstream' && !natsUrl) throw new ConfigError('NATS_URL', 'is required when OARS_EVENT_STORE=jetstream');
  if (storeRaw === 'jetstream' && !databaseUrl) {
    throw new ConfigError('DATABASE_URL', 'is required when OARS_EVENT_STORE=jetstream (read models live in Postgres)');
  }

  const region = str(env, 'OARS_REGION', 'local');
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(region)) throw new ConfigError('OARS_REGION', `must match [A-Za-z0-9_-]{1,32}, got "${region}"`);
  // Alerts are published on `<subjectPrefix>.alerts.<region>.…`, which a region of that name would capture.
  if (region.toLowerCase() === 'alerts') throw new ConfigError('OARS_REGION', 'must not be "alerts" (reserved for the alert subjects)');
  const streamPrefix = str(env, 'OARS_STREAM_PREFIX', 'OARS');
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(streamPrefix)) throw new ConfigError('OARS_STREAM_PREFIX', `must match [A-Za-z0-9_-]{1,32}`);
  const subjectPrefix = str(env, 'OARS_SUBJECT_PREFIX', 'oars');
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(subjectPrefix)) throw new ConfigError('OARS_SUBJECT_PREFIX', `must match [A-Za-z0-9_-]{1,32}`);

  const keyEncryptionSecret = str(env, 'OARS_KEY_ENCRYPTION_SECRET', DEV_KEY_ENCRYPTION_SECRET);
  if (production && keyEncryptionSecret === DEV_KEY_ENCRYPTION_SECRET && !bool(env, 'OARS_ALLOW_INSECURE_DEFAULTS', false)) {
    throw new ConfigError('OARS_KEY_ENCRYPTION_SECRET', 'must be set in production (the development default is refused)');
  }
  if (keyEncryptionSecret.length < 16) throw new ConfigError('OARS_KEY_ENCRYPTION_SECRET', 'must be at least 16 characters');

  const apiTokensJson = env.OARS_API_TOKENS && env.OARS_API_TOKENS.trim() !== '' ? env.OARS_API_TOKENS : null;
  const devTokensEnabled =
    !bool(env, 'OARS_DISABLE_DEV_TOKENS', false) && (!production || bool(env, 'OARS_ALLOW_DEV_TOKENS_IN_PRODUCTION', false));

  const stepUpSharedCode = bool(env, 'OARS_STEP_UP_SHARED_CODE_ENABLED', !production) ? str(env, 'OARS_APPROVAL_STEP_UP_SECRET', DEV_STEP_UP_CODE) : null;
  if (production && stepUpSharedCode === DEV_STEP_UP_CODE && !bool(env, 'OARS_ALLOW_INSECURE_DEFAULTS', false)) {
    throw new ConfigError('OARS_APPROVAL_STEP_UP_SECRET', 'must be set when the shared step-up code is enabled in production (the development default is refused)');
  }

  const httpConnectors = parseHttpConnectors(env.OARS_HTTP_CONNECTORS);
  if (!httpConnectors.ok) throw new ConfigError('OARS_HTTP_CONNECTORS', httpConnectors.problem);
  const alertChannels = parseAlertChannels(env.OARS_ALERT_CHANNELS, env.OARS_ALERT_WEBHOOK_URL);
  if (!alertChannels.ok) throw new ConfigError(alertChannels.variable, alertChannels.problem);

  return {
    nodeEnv,
    production,
    host: str(env, 'HOST', production ? '0.0.0.0' : '127.0.0.1'),
    port: int(env, 'PORT', 8080, 0, 65535),
    logLevel: str(env, 'LOG_LEVEL', 'info'),
    region,
    eventStore: storeRaw,
    natsUrl,
    streamPrefix,
    subjectPrefix,
    databaseUrl,
    dataDir: resolve(str(env, 'OARS_DATA_DIR', './data')),
    runProjector: bool(env, 'OARS_RUN_PROJECTOR', true),
    projectorCoalesceMs: int(env, 'OARS_PROJECTOR_COALESCE_MS', 25, 0, 1000),
    projectorNice: int(env, 'OARS_PROJECTOR_NICE', 10, 0, 19),
    projectorMetricsPort: int(env, 'OARS_PROJECTOR_METRICS_PORT', 9464, 0, 65535),
    integrityMaxReceiptsPerSecond: int(env, 'OARS_INTEGRITY_MAX_RECEIPTS_PER_SECOND', 1000, 1, 1_000_000),
    archiveDir: resolve(str(env, 'OARS_ARCHIVE_DIR', join(resolve(str(env, 'OARS_DATA_DIR', './data')), 'archive'))),
    checkpointIntervalMs: int(env, 'OARS_CHECKPOINT_INTERVAL_MS', 60_000, 100, 86_400_000),
    integrityMinReceiptsPerSecond: int(env, 'OARS_INTEGRITY_MIN_RECEIPTS_PER_SECOND', 100, 1, 1_000_000),
    integrityNice: int(env, 'OARS_INTEGRITY_NICE', 19, 0, 19),
    keyEncryptionSecret,
    apiTokensJson,
    devTokensEnabled,
    rateLimitRpm: int(env, 'OARS_RATE_LIMIT_RPM', 6000, 0, 10_000_000),
    bodyLimitBytes: int(env, 'OARS_BODY_LIMIT_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    readWaitMs: int(env, 'OARS_READ_WAIT_MS', 2000, 0, 60_000),
    docsEnabled: bool(env, 'OARS_DOCS_ENABLED', true),
    approvalExpirySeconds: int(env, 'OARS_APPROVAL_EXPIRY_SECONDS', 7 * 86_400, 0, 365 * 86_400),
    stepUpSharedCode,
    httpConnectors: httpConnectors.connectors,
    connectorWaitMs: int(env, 'OARS_CONNECTOR_WAIT_MS', 0, 0, 30_000),
    alerting: {
      channels: alertChannels.channels,
      pagerDutyEventsUrl: url(env, 'OARS_PAGERDUTY_EVENTS_URL', ['http', 'https']) ?? DEFAULT_PAGERDUTY_EVENTS_URL,
      allowPrivateNetwork: bool(env, 'OARS_ALERT_ALLOW_PRIVATE_NETWORK', false),
      maxAttempts: int(env, 'OARS_ALERT_MAX_ATTEMPTS', 10, 1, 100),
      firstBackoffMs: int(env, 'OARS_ALERT_BACKOFF_MS', 1000, 1, 3_600_000),
      maxBackoffMs: int(env, 'OARS_ALERT_MAX_BACKOFF_MS', 300_000, 1, 86_400_000),
      timeoutMs: int(env, 'OARS_ALERT_TIMEOUT_MS', 5000, 1, 60_000),
      breakerFailures: int(env, 'OARS_ALERT_BREAKER_FAILURES', 5, 0, 1000),
      breakerCooldownMs: int(env, 'OARS_ALERT_BREAKER_COOLDOWN_MS', 30_000, 1, 3_600_000),
      concurrency: int(env, 'OARS_ALERT_DELIVERY_CONCURRENCY', 16, 1, 256),
    },
    governanceEvalIntervalMs: int(env, 'OARS_GOVERNANCE_EVAL_INTERVAL_MS', 30_000, 100, 3_600_000),
    authFailureSpikeThreshold: int(env, 'OARS_AUTH_FAILURE_SPIKE_THRESHOLD', 20, 1, 1_000_000),
    authFailureSpikeWindowSeconds: int(env, 'OARS_AUTH_FAILURE_SPIKE_WINDOW_SECONDS', 60, 10, 3600),
    sloBurnMinEvents: int(env, 'OARS_SLO_BURN_MIN_EVENTS', 100, 1, 1_000_000_000),
    incidentAckTargetSeconds: severitySeconds(env, 'OARS_INCIDENT_ACK_TARGETS', { SEV1: 300, SEV2: 900, SEV3: 3600 }),
    incidentUpdateIntervalSeconds: severitySeconds(env, 'OARS_INCIDENT_UPDATE_INTERVALS', { SEV1: 1800, SEV2: 3600, SEV3: 14_400 }),
  };
}

/** For process entry points: the configuration, or exit 2 with the message naming the bad variable. */
export function loadConfigOrExit(env: Env = process.env): OarsConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
