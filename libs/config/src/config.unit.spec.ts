import { ConfigError, DEV_KEY_ENCRYPTION_SECRET, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded store with PGlite in ./data and dev tokens on', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ eventStore: 'embedded', databaseUrl: null, natsUrl: null, port: 8080, host: '127.0.0.1', region: 'local', devTokensEnabled: true, runProjector: true });
    expect(c.dataDir).toMatch(/data$/);
    expect(c).toMatchObject({ projectorCoalesceMs: 25, projectorNice: 10, projectorMetricsPort: 9464, integrityMaxReceiptsPerSecond: 1000, integrityNice: 19 });
    expect(loadConfig({ OARS_PROJECTOR_COALESCE_MS: '0', OARS_INTEGRITY_NICE: '0' })).toMatchObject({ projectorCoalesceMs: 0, integrityNice: 0 });
    expect(c).toMatchObject({ governanceEvalIntervalMs: 30_000, authFailureSpikeThreshold: 20, authFailureSpikeWindowSeconds: 60, sloBurnMinEvents: 100 });
  });

  it('takes incident acknowledgement targets and update intervals in seconds per severity, defaults for the rest', () => {
    expect(loadConfig({})).toMatchObject({ incidentAckTargetSeconds: { SEV1: 300, SEV2: 900, SEV3: 3600 }, incidentUpdateIntervalSeconds: { SEV1: 1800, SEV2: 3600, SEV3: 14_400 } });
    expect(loadConfig({ OARS_INCIDENT_ACK_TARGETS: '{"SEV1":1,"SEV3":7200}' }).incidentAckTargetSeconds).toEqual({ SEV1: 1, SEV2: 900, SEV3: 7200 });
  });

  it('selects JetStream when NATS_URL is set, and then needs DATABASE_URL', () => {
    expect(() => loadConfig({ NATS_URL: 'nats://127.0.0.1:4222' })).toThrow(/DATABASE_URL/);
    const c = loadConfig({ NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: 'postgres://u@h/db' });
    expect(c.eventStore).toBe('jetstream');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ OARS_EVENT_STORE: 'kafka' }, 'OARS_EVENT_STORE'],
    [{ NATS_URL: 'http://x' }, 'NATS_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ OARS_REGION: 'eu west' }, 'OARS_REGION'],
    [{ OARS_RUN_PROJECTOR: 'maybe' }, 'OARS_RUN_PROJECTOR'],
    [{ OARS_KEY_ENCRYPTION_SECRET: 'short' }, 'OARS_KEY_ENCRYPTION_SECRET'],
    [{ OARS_PROJECTOR_COALESCE_MS: '-1' }, 'OARS_PROJECTOR_COALESCE_MS'],
    [{ OARS_INTEGRITY_MAX_RECEIPTS_PER_SECOND: '0' }, 'OARS_INTEGRITY_MAX_RECEIPTS_PER_SECOND'],
    [{ OARS_INTEGRITY_NICE: '20' }, 'OARS_INTEGRITY_NICE'],
    [{ OARS_PROJECTOR_NICE: 'low' }, 'OARS_PROJECTOR_NICE'],
    [{ OARS_PROJECTOR_METRICS_PORT: '70000' }, 'OARS_PROJECTOR_METRICS_PORT'],
    [{ OARS_REGION: 'Alerts' }, 'OARS_REGION'],
    [{ OARS_GOVERNANCE_EVAL_INTERVAL_MS: '10' }, 'OARS_GOVERNANCE_EVAL_INTERVAL_MS'],
    [{ OARS_AUTH_FAILURE_SPIKE_THRESHOLD: '0' }, 'OARS_AUTH_FAILURE_SPIKE_THRESHOLD'],
    [{ OARS_AUTH_FAILURE_SPIKE_WINDOW_SECONDS: '5' }, 'OARS_AUTH_FAILURE_SPIKE_WINDOW_SECONDS'],
    [{ OARS_SLO_BURN_MIN_EVENTS: 'many' }, 'OARS_SLO_BURN_MIN_EVENTS'],
    [{ OARS_INCIDENT_ACK_TARGETS: '{"SEV1":0}' }, 'OARS_INCIDENT_ACK_TARGETS'],
    [{ OARS_INCIDENT_ACK_TARGETS: '{"SEV4":60}' }, 'OARS_INCIDENT_ACK_TARGETS'],
    [{ OARS_INCIDENT_UPDATE_INTERVALS: '[1800]' }, 'OARS_INCIDENT_UPDATE_INTERVALS'],
    [{ OARS_INCIDENT_UPDATE_INTERVALS: 'SEV1=30' }, 'OARS_INCIDENT_UPDATE_INTERVALS'],
  ])('names the bad variable: %j', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env as Record<string, string>);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toContain(variable);
  });

  it('refuses the development key-encryption secret in production and turns dev tokens off', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/OARS_KEY_ENCRYPTION_SECRET/);
    const c = loadConfig({ NODE_ENV: 'production', OARS_KEY_ENCRYPTION_SECRET: 'a-real-secret-from-a-vault' });
    expect(c.devTokensEnabled).toBe(false);
    expect(c.host).toBe('0.0.0.0');
    expect(c.keyEncryptionSecret).not.toBe(DEV_KEY_ENCRYPTION_SECRET);
    expect(loadConfig({ NODE_ENV: 'production', OARS_KEY_ENCRYPTION_SECRET: 'a-real-secret-from-a-vault', OARS_ALLOW_DEV_TOKENS_IN_PRODUCTION: 'true' }).devTokensEnabled).toBe(true);
  });
});
