import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { jetstreamManager } from '@nats-io/jetstream';
import { loadConfig } from '@oars/config';
import { PostgresSqlClient } from '@oars/db';
import { JetStreamEventStore } from '@oars/eventstore';
import { KvKeyVault } from '@oars/ledger';
import { type Receipt, nodeVerifierCrypto, verifyReceiptBundle } from '@oars/receipts';
import { type Runtime, createRuntime } from '@oars/runtime';
import { TEST_NATS_URL, type TestDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, AUDITOR, TestHttp, actionBody } from './support/http';

/**
 * The scale-out topology of the README: two API instances (one also running the projector) on one
 * NATS and one Postgres, each with its own connections. Races of one Idempotency-Key across them.
 */
describe('two API instances on one NATS and one Postgres', () => {
  const ns = uniqueNamespace('TWO');
  let db: TestDatabase;
  const instances: Array<{ runtime: Runtime; app: NestFastifyApplication; http: TestHttp; store: JetStreamEventStore; sql: PostgresSqlClient }> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const runProjector of ['true', 'false']) {
      const config = loadConfig({
        OARS_EVENT_STORE: 'jetstream', NATS_URL: TEST_NATS_URL, DATABASE_URL: db.url, OARS_REGION: 'test',
        OARS_STREAM_PREFIX: ns, OARS_SUBJECT_PREFIX: ns.toLowerCase(), LOG_LEVEL: 'silent', OARS_RUN_PROJECTOR: runProjector, OARS_CHECKPOINT_INTERVAL_MS: '86400000',
      });
      const store = await JetStreamEventStore.connect({ servers: [TEST_NATS_URL], region: config.region, streamPrefix: ns, subjectPrefix: ns.toLowerCase() });
      const vault = await KvKeyVault.open(store.connection, `${ns}_KEYS_${config.region}`);
      const sql = new PostgresSqlClient(db.url, { schema: db.schema });
      const runtime = await createRuntime(config, { stores: { store, sql, vault, close: async () => undefined } });
      const app = await createApp(runtime, { logger: false });
      instances.push({ runtime, app, http: await TestHttp.listen(app), store, sql });
    }
  });

  afterAll(async () => {
    for (const i of instances) {
      await i.app.close();
      await i.runtime.close();
    }
    const jsm = await jetstreamManager(instances[0]!.store.connection);
    for await (const info of jsm.streams.list()) if (info.config.name.startsWith(`${ns}_`) || info.config.name.startsWith(`KV_${ns}_`)) await jsm.streams.delete(info.config.name);
    for (const i of instances) {
      await i.store.close();
      await i.sql.close();
    }
    await db.drop();
  });

  it('answers one Idempotency-Key raced across the instances once: a replay for the same body, 409 for another', async () => {
    const tenantId = 'tenant_alpha';
    const [a, b] = instances.map((i) => i.http);
    const outcomes: string[] = [];
    for (let round = 0; round < 20; round++) {
      const key = `race-${round}`;
      const sameBody = round % 2 === 0;
      const bodyA = actionBody({ tenantId, input: { summary: `round ${round}` } });
      const bodyB = sameBody ? bodyA : actionBody({ tenantId, input: { summary: `other body ${round}` } });
      const [ra, rb] = await Promise.all([
        a!.post('/v1/actions', bodyA, ADMIN, { 'idempotency-key': key }),
        b!.post('/v1/actions', bodyB, ADMIN, { 'idempotency-key': key }),
      ]);
      const statuses = [ra.status, rb.status].sort();
      if (sameBody) {
        expect({ round, statuses }).toEqual({ round, statuses: [202, 202] });
        expect(ra.body.actionId).toBe(rb.body.actionId);
        expect(ra.body.state).toBe(rb.body.state);
      } else {
        expect({ round, statuses }).toEqual({ round, statuses: [202, 409] });
        const conflict = [ra, rb].find((r) => r.status === 409)!;
        expect(conflict.body.error).toMatchObject({ code: 'idempotency_conflict' });
      }
      outcomes.push(statuses.join('/'));
    }
    expect(outcomes.filter((o) => o === '202/409')).toHaveLength(10);

    // The tenant's whole stream verifies under the keys both instances publish.
    const keysA = await a!.get(`/v1/trust/tenants/${tenantId}/keys`);
    const keysB = await b!.get(`/v1/trust/tenants/${tenantId}/keys`);
    expect(keysA.status).toBe(200);
    expect(keysB.body).toEqual(keysA.body);
    const stream = (await instances[0]!.store.read(tenantId, { limit: 10_000 })).map((e) => e.data as unknown as Receipt);
    expect(stream.filter((r) => r.type === 'action.requested')).toHaveLength(20);
    const result = verifyReceiptBundle(stream, keysA.body.items, { expectFirstSequence: 1, crypto: nodeVerifierCrypto });
    expect(result.verificationErrors).toEqual([]);
    const last = stream[stream.length - 1]!;
    const verified = await b!.post('/v1/receipts/verify', { receiptId: last.receiptId }, AUDITOR);
    expect(verified.body).toMatchObject({ isSignatureValid: true, isChainValid: true });
  });
});
