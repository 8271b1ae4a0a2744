import { loadConfig } from '@oars/config';
import { JetStreamEventStore } from '@oars/eventstore';
import { KvKeyVault } from '@oars/ledger';
import { type Runtime, createRuntime } from '@oars/runtime';
import { createTestDatabase, uniqueNamespace } from '@oars/testing';

/**
 * A JetStream runtime like `createTestRuntime('jetstream')`, but on the NATS server at `natsUrl` (a
 * private one a fault test may kill) and a fresh Postgres schema. `cleanup()` closes the runtime and
 * drops the schema; the streams go with the private server's store directory.
 */
export async function createPrivateNatsRuntime(natsUrl: string, env: Record<string, string> = {}): Promise<{ runtime: Runtime; cleanup: () => Promise<void> }> {
  const db = await createTestDatabase();
  const ns = uniqueNamespace('FLT');
  const config = loadConfig({
    OARS_EVENT_STORE: 'jetstream',
    NATS_URL: natsUrl,
    DATABASE_URL: db.url,
    OARS_REGION: 'test',
    OARS_STREAM_PREFIX: ns,
    OARS_SUBJECT_PREFIX: ns.toLowerCase(),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const store = await JetStreamEventStore.connect({ servers: [natsUrl], region: config.region, streamPrefix: ns, subjectPrefix: ns.toLowerCase() });
  const vault = await KvKeyVault.open(store.connection, `${ns}_KEYS_${config.region}`);
  const runtime = await createRuntime(config, { stores: { store, sql: db.sql, vault, close: async () => undefined } });
  return {
    runtime,
    async cleanup() {
      await runtime.close();
      await store.close();
      await db.drop();
    },
  };
}
