import { type OarsConfig, loadConfig } from '@oars/config';
import { EmbeddedEventStore, JetStreamEventStore } from '@oars/eventstore';
import { KvKeyVault, SqlKeyVault } from '@oars/ledger';
import { type Runtime, type Stores, createRuntime } from '@oars/runtime';
import { TEST_NATS_URL, createTestDatabase, uniqueNamespace } from '@oars/testing';

export type StoreMode = 'embedded' | 'jetstream';

/**
 * A runtime on the real local services in its own namespace: a fresh Postgres schema, and for
 * JetStream a unique stream/subject prefix and key bucket; `cleanup()` removes all of it.
 */
export async function createTestRuntime(
  mode: StoreMode,
  env: Record<string, string> = {},
  /** A private NATS a fault test may kill: its streams go with its store directory, so none are dropped. */
  privateNatsUrl?: string,
): Promise<{ runtime: Runtime; config: OarsConfig; cleanup: () => Promise<void> }> {
  const natsUrl = privateNatsUrl ?? TEST_NATS_URL;
  const db = await createTestDatabase();
  const ns = uniqueNamespace(mode === 'jetstream' ? 'E2E' : 'emb');
  const config = loadConfig({
    OARS_EVENT_STORE: mode,
    NATS_URL: natsUrl,
    DATABASE_URL: db.url,
    OARS_REGION: 'test',
    OARS_STREAM_PREFIX: ns,
    OARS_SUBJECT_PREFIX: ns.toLowerCase(),
    LOG_LEVEL: 'silent',
    // Periodic checkpoints would append to the streams whenever a spec runs past the interval;
    // specs of checkpoints set a short one, the others get them on demand (proofs, exports) only.
    OARS_CHECKPOINT_INTERVAL_MS: String(86_400_000),
    ...env,
  });
  let stores: Stores;
  let dropStreams = async () => undefined as void;
  if (mode === 'jetstream') {
    const store = await JetStreamEventStore.connect({ servers: [natsUrl], region: config.region, streamPrefix: ns, subjectPrefix: ns.toLowerCase() });
    const bucket = `${ns}_KEYS_${config.region}`;
    const vault = await KvKeyVault.open(store.connection, bucket);
    if (!privateNatsUrl) dropStreams = async () => {
      const { jetstreamManager } = await import('@nats-io/jetstream');
      const jsm = await jetstreamManager(store.connection);
      for await (const info of jsm.streams.list()) {
        if (info.config.name.startsWith(`${ns}_`) || info.config.name === `KV_${bucket}`) await jsm.streams.delete(info.config.name);
      }
    };
    stores = { store, sql: db.sql, vault, close: async () => undefined };
  } else {
    const store = new EmbeddedEventStore(db.sql);
    stores = { store, sql: db.sql, vault: new SqlKeyVault(db.sql), close: async () => undefined };
  }
  const runtime = await createRuntime(config, { stores });
  return {
    runtime,
    config,
    async cleanup() {
      await runtime.close();
      await dropStreams();
      await stores.store.close();
      await db.drop();
    },
  };
}
