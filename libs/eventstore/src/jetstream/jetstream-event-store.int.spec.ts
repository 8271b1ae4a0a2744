import { jetstreamManager, JetStreamManager, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { TEST_NATS_URL, uniqueNamespace } from '@oars/testing';
import { runEventStoreContract } from '../contract/event-store.contract';
import { ConcurrencyError, DependencyUnavailableError, StreamConfigMismatchError } from '../errors';
import { EventToAppend } from '../event-store.port';
import { JetStreamEventStore } from './jetstream-event-store';
import { LocalNatsServer } from '@oars/testing';

const REGION = 'eu1';

async function deleteStreams(jsm: JetStreamManager, streamPrefix: string): Promise<void> {
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(`${streamPrefix}_`)) await jsm.streams.delete(name);
  }
}

function ev(id: string, subject = 'action.a1'): EventToAppend {
  return { id, type: 'test.appended', subject, data: { id } };
}

runEventStoreContract('JetStream', async () => {
  const ns = uniqueNamespace('es');
  const store = await JetStreamEventStore.connect({ servers: TEST_NATS_URL, region: REGION, streamPrefix: ns.toUpperCase(), subjectPrefix: ns });
  return {
    store,
    cleanup: async () => {
      await deleteStreams(await jetstreamManager(store.connection), ns.toUpperCase());
      await store.close();
    },
  };
});

describe('JetStreamEventStore specifics', () => {
  const ns = uniqueNamespace('esx');
  const streamPrefix = ns.toUpperCase();
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let store: JetStreamEventStore;

  beforeAll(async () => {
    nc = await connect({ servers: TEST_NATS_URL });
    jsm = await jetstreamManager(nc);
    store = await JetStreamEventStore.connect({ servers: TEST_NATS_URL, region: REGION, streamPrefix, subjectPrefix: ns });
  });

  afterAll(async () => {
    await store?.close();
    if (jsm) await deleteStreams(jsm, streamPrefix);
    await nc?.close();
  });

  it('creates one file-backed stream per tenant that denies deletes and rollups (purge is retention\'s, behind NATS permissions)', async () => {
    await store.append('tenant_alpha', [ev('alpha_1', 'action.act_1')], { expectedVersion: 0 });
    const info = await jsm.streams.info(`${streamPrefix}_EU1_tenant_alpha`);
    expect(info.config).toMatchObject({
      subjects: [`${ns}.eu1.tenant_alpha.>`],
      storage: StorageType.File,
      deny_delete: true,
      deny_purge: false,
      allow_rollup_hdrs: false,
      allow_direct: true,
      max_msgs: -1,
      max_bytes: -1,
      max_age: 0,
      duplicate_window: 10 * 60 * 1e9,
    });
    const msg = await jsm.streams.getMessage(`${streamPrefix}_EU1_tenant_alpha`, { seq: 1 });
    expect(msg?.subject).toBe(`${ns}.eu1.tenant_alpha.action.act_1`);
    expect(msg?.header.get('Oars-Event-Id')).toBe('alpha_1');
    expect(msg?.header.get('Nats-Msg-Id')).toMatch(/^alpha_1:[A-Za-z0-9_-]{22}$/);
    expect(msg?.json()).toEqual({ id: 'alpha_1' });
  });

  it('keeps working on a stream created with deny_purge, and refuses only to prune it', async () => {
    const name = `${streamPrefix}_EU1_tenant_legacy`;
    await jsm.streams.add({ name, subjects: [`${ns}.eu1.tenant_legacy.>`], storage: StorageType.File, deny_delete: true, deny_purge: true, allow_direct: true, duplicate_window: 10 * 60 * 1e9 });
    await store.append('tenant_legacy', [ev('l_1'), ev('l_2'), ev('l_3')], { expectedVersion: 0 });
    await expect(store.prune('tenant_legacy', 2)).rejects.toMatchObject({ code: 'prune_not_permitted' });
    expect((await store.read('tenant_legacy')).map((e) => e.id)).toEqual(['l_1', 'l_2', 'l_3']);
  });

  it('refuses a pre-existing stream with other settings and leaves it unchanged', async () => {
    const name = `${streamPrefix}_EU1_tenant_beta`;
    await jsm.streams.add({ name, subjects: [`${ns}.eu1.tenant_beta.>`], storage: StorageType.Memory });
    const attempt = store.append('tenant_beta', [ev('beta_1')], { expectedVersion: 0 });
    await expect(attempt).rejects.toBeInstanceOf(StreamConfigMismatchError);
    await expect(attempt).rejects.toMatchObject({ code: 'stream_config_mismatch', streamName: name });
    const info = await jsm.streams.info(name);
    expect(info.config.storage).toBe(StorageType.Memory);
    expect(info.config.deny_delete).toBe(false);
    expect(info.state.messages).toBe(0);
  });

  it('re-creates a stream deleted behind its back (the publish had no responders) and appends', async () => {
    await store.append('tenant_delta', [ev('d_1')], { expectedVersion: 0 });
    await jsm.streams.delete(`${streamPrefix}_EU1_tenant_delta`);
    expect(await store.append('tenant_delta', [ev('d_2')], { expectedVersion: 0 })).toEqual({ firstSequence: 1, lastSequence: 1, duplicates: [false] });
    expect((await store.read('tenant_delta')).map((e) => e.id)).toEqual(['d_2']);
  });

  it('reports a wrong expected head as ConcurrencyError with the actual head (JetStream refused the publish)', async () => {
    await store.append('tenant_eps', [ev('e_1'), ev('e_2')], { expectedVersion: 0 });
    await expect(store.append('tenant_eps', [ev('e_3')], { expectedVersion: 1 })).rejects.toMatchObject({ name: 'ConcurrencyError', expectedVersion: 1, actualVersion: 2 });
  });

  it('lets only one of two store instances (two processes) win the same head', async () => {
    const other = await JetStreamEventStore.connect({ servers: TEST_NATS_URL, region: REGION, streamPrefix, subjectPrefix: ns });
    try {
      const results = await Promise.allSettled([
        store.append('tenant_gamma', [ev('g_a1'), ev('g_a2')], { expectedVersion: 0 }),
        other.append('tenant_gamma', [ev('g_b1'), ev('g_b2')], { expectedVersion: 0 }),
      ]);
      const rejected = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      expect(rejected).toHaveLength(1);
      expect(rejected[0].reason).toBeInstanceOf(ConcurrencyError);
      const ids = (await other.read('tenant_gamma')).map((e) => e.id);
      expect([['g_a1', 'g_a2'], ['g_b1', 'g_b2']]).toContainEqual(ids);
    } finally {
      await other.close();
    }
  });

  it('fails appends with DependencyUnavailableError while NATS is down and recovers by itself', async () => {
    const server = await LocalNatsServer.start();
    const local = await JetStreamEventStore.connect({ servers: server.url, region: REGION, streamPrefix, subjectPrefix: ns, requestTimeoutMs: 1_000 });
    try {
      await local.append('tenant_delta', [ev('d_1')], { expectedVersion: 0 });
      await server.kill();
      await expect(local.append('tenant_delta', [ev('d_2')], { expectedVersion: 1 })).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(await local.ping()).toBe(false);

      await server.restart();
      const deadline = Date.now() + 30_000;
      let result;
      while (!result) {
        try {
          result = await local.append('tenant_delta', [ev('d_2')], { expectedVersion: 1 });
        } catch (err) {
          if (!(err instanceof DependencyUnavailableError) || Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(result).toMatchObject({ firstSequence: 2, lastSequence: 2 });
      expect((await local.read('tenant_delta')).map((e) => e.id)).toEqual(['d_1', 'd_2']);
      expect(await local.ping()).toBe(true);
    } finally {
      await local.close();
      await server.stop();
    }
  });
});
