import { ConfigError, DEV_KEY_ENCRYPTION_SECRET, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded store with PGlite in ./data and dev tokens on', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ eventStore: 'embedded', databaseUrl: null, natsUrl: null, port: 8080, host: '127.0.0.1', region: 'local', devTokensEnabled: true, runProjector: true });
    expect(c.dataDir).toMatch(/data$/);
    expect(c).toMatchObject({ projectorCoalesceMs: 25, projectorNice: 10, projectorMetricsPort: 9464, integrityMaxReceiptsPerSecond: 1000, integrityNice: 19 });
    expect(loadConfig({ OARS_PROJECTOR_COALESCE_MS: '0', OARS_INTEGRITY_NICE: '0' })).toMatchObject({ projectorCoalesceMs: 0, integrityNice: 0 });
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
