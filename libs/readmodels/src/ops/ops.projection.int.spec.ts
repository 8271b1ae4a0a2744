import type { SqlExecutor } from '@oars/db';
import { PostgresSqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { TEST_DATABASE_URL, type TestDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { Projector } from '../projector/projector';
import { applyReceipts } from '../read-models.projection';
import { rebuildProjections } from '../rebuild/rebuild-projections';
import { dumpReadModels } from '@oars/testing';
import {
  ReceiptStreamBuilder,
  appendReceipts,
  givenActionApproved,
  givenActionExecuted,
  givenActionLifecycle,
  givenKeyGenerated,
} from '@oars/testing';
import { openTestEventStore } from '@oars/testing';
import { defaultPolicyHash } from './ops-fold';
import { decidedWith, givenAlertRaised, givenIntegrityViolation, givenOpsWorkload, givenPolicyDocument, givenPolicyPublished } from '@oars/testing';
import { listSecurityEvents, readTenantCounters } from './ops.queries';

/** Every row of the ops read model (and the base read models), for comparing two runs. */
async function dumpOps(sql: SqlExecutor): Promise<Record<string, unknown[]>> {
  const base = await dumpReadModels(sql);
  const out: Record<string, unknown[]> = { receipts: base.receipts!, actions: base.actions! };
  const queries: Record<string, string> = {
    tenant_counters: 'SELECT * FROM tenant_counters ORDER BY tenant_id',
    decision_minutes: 'SELECT * FROM decision_minutes ORDER BY tenant_id, minute',
    security_events: 'SELECT event_id, tenant_id, source, event_type, occurred_at, record FROM security_events ORDER BY event_id',
    security_event_totals: 'SELECT * FROM security_event_totals ORDER BY tenant_id',
  };
  for (const [name, query] of Object.entries(queries)) {
    const { rows } = await sql.query<Record<string, unknown>>(query);
    out[name] = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v === null ? null : String(v)])));
  }
  return out;
}

describe('ops read model (given receipts, then rows)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  const apply = (receipts: Receipt[]) => db.sql.transaction((tx) => applyReceipts(tx, receipts));

  it('counts actions by state, decisions, alerts, high-risk denials and drift, and turns security receipts into events', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ops'));
    const defaults = givenPolicyDocument(s.tenantId, 'unused');
    const key = givenKeyGenerated(s);
    const allowed = givenActionLifecycle(s, 'allow');
    const denied = givenActionLifecycle(s, 'deny', { operation: 'drop_database' });
    for (const r of denied) r.risk = { score: 95, tier: 'critical', signals: ['high_risk_operation'] };
    const pending = givenActionLifecycle(s, 'approve_pending');
    for (const r of [...allowed, ...denied, ...pending]) r.policy = { ...r.policy!, policyHash: defaultPolicyHash(s.tenantId) } as Receipt['policy'];
    for (const r of [...allowed, ...denied, ...pending]) if (r.type === 'action.requested') r.policy = null;
    const alert = givenAlertRaised(s, denied[1]!, 'medium');
    const v2 = givenPolicyDocument(s.tenantId, 'v2');
    const published = givenPolicyPublished(s, v2);
    const underV2 = decidedWith(givenActionLifecycle(s, 'allow'), v2);
    const drifted = decidedWith(givenActionLifecycle(s, 'allow'), defaults); // decided with a policy not in force
    const finding = givenIntegrityViolation(s, 3);
    const batch = [key, ...allowed, ...denied, ...pending, alert, published, ...underV2, ...drifted, finding];
    await apply(batch);

    const c = await readTenantCounters(db.sql, s.tenantId);
    expect(c).toMatchObject({
      lastSequence: finding.sequence,
      actionsTotal: 5,
      byState: { requested: 0, denied: 1, approval_required: 1, approved: 0, executed: 3, failed: 0, quarantined: 0, canceled: 0 },
      decisions: { allow: 3, deny: 1, approve: 1, quarantine: 0 },
      deniedHighRisk: 1,
      alerts: { low: 0, medium: 1, high: 0, critical: 0 },
      policyDriftDecisions: 1,
      lastPolicyDriftAt: drifted[1]!.timestamp,
      integrityViolations: 1,
      publishedPolicy: { id: v2.id, version: 'v2', sequence: published.sequence },
      updatedAt: finding.timestamp,
    });
    const events = await listSecurityEvents(db.sql, { tenantId: s.tenantId, limit: 500 });
    expect(events.items.map((e) => e.eventType)).toEqual(['integrity.violation_detected', 'policy.drift_detected', 'policy.published', 'action.denied_high_risk', 'keys.generated']);
    expect(events.items[1]!.payload).toMatchObject({ actionId: drifted[0]!.actionId, decisionPolicy: { policyVersion: 'unused' }, publishedPolicy: { policyVersion: 'v2' } });

    // Applying the same receipts again changes nothing.
    const before = await dumpOps(db.sql);
    await apply(batch);
    expect(await dumpOps(db.sql)).toEqual(before);

    // A later batch moves an action decided in an earlier one (its state comes from the receipts read model).
    const approved = givenActionApproved(s, pending[1]!);
    const executed = givenActionExecuted(s, approved);
    await apply([approved, executed]);
    const after = await readTenantCounters(db.sql, s.tenantId);
    expect(after?.byState).toMatchObject({ approval_required: 0, executed: 4 });
    expect(after?.decisions).toEqual(c?.decisions); // an approval is not a policy decision
    expect(after?.actionsTotal).toBe(5);
  });
});

describe('ops read model under a projector killed mid-batch, and rebuilt', () => {
  const tenants = [0, 1, 2].map((i) => new ReceiptStreamBuilder(uniqueNamespace(`k${i}`)));
  const streams = tenants.map((s, i) => givenOpsWorkload(s, 120 + i * 40));
  let reference: TestDatabase;
  let killed: TestDatabase;

  beforeAll(async () => {
    [reference, killed] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([reference.drop(), killed.drop()]);
  });

  async function seed(store: EventStore): Promise<void> {
    for (const stream of streams) for (let i = 0; i < stream.length; i += 50) await appendReceipts(store, stream.slice(i, i + 50));
  }

  async function caughtUp(projector: Projector, store: EventStore): Promise<void> {
    for (const s of tenants) expect(await projector.waitForPosition(s.tenantId, (await store.head(s.tenantId)).sequence, 60_000)).toBe(true);
  }

  it('ends with the same rows as an uninterrupted run', async () => {
    const refStore = await openTestEventStore(reference.sql);
    await seed(refStore);
    const uninterrupted = new Projector({ store: refStore, sql: reference.sql, pollIntervalMs: 50, batchSize: 500 });
    await uninterrupted.start();
    await caughtUp(uninterrupted, refStore);
    await uninterrupted.stop();
    const expected = await dumpOps(reference.sql);
    for (const s of tenants) {
      const c = await readTenantCounters(reference.sql, s.tenantId);
      expect(c!.policyDriftDecisions).toBeGreaterThan(0);
      expect(c!.deniedHighRisk).toBeGreaterThan(0);
      expect(c!.integrityViolations).toBe(1);
      expect(Object.values(c!.byState).reduce((a, b) => a + b, 0)).toBe(c!.actionsTotal);
    }

    const store = await openTestEventStore(killed.sql);
    await seed(store);
    // The projector's own connections, so they can be killed while a batch transaction is open.
    const app = `oars_kill_${uniqueNamespace('p')}`;
    const projectorSql = new PostgresSqlClient(`${TEST_DATABASE_URL}?application_name=${app}`, { schema: killed.schema, max: 2 });
    // A checked-out pg client whose backend dies emits 'error'; PostgresSqlClient does not listen for
    // it yet (reported: libs/db), so an unlistened one would crash the process instead of failing the batch.
    projectorSql.pool.on('connect', (client) => client.on('error', () => undefined));
    const admin = new PostgresSqlClient(TEST_DATABASE_URL, { max: 1 });
    try {
      const first = new Projector({ store, sql: projectorSql, pollIntervalMs: 20, batchSize: 5, maxBackoffMs: 50 });
      await first.start();
      let killedInTransaction = 0;
      const deadline = Date.now() + 30_000;
      while (killedInTransaction < 3 && Date.now() < deadline) {
        const { rows } = await admin.query<{ killed: boolean }>(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1 AND xact_start IS NOT NULL`,
          [app],
        );
        killedInTransaction += rows.filter((r) => r.killed).length;
      }
      expect(killedInTransaction).toBeGreaterThanOrEqual(3);
      await first.stop(); // stopped during the run, mid-stream
      expect((await dumpOps(killed.sql)).receipts!.length).toBeLessThan(expected.receipts!.length);

      const second = new Projector({ store, sql: killed.sql, pollIntervalMs: 20, batchSize: 5 });
      await second.start();
      await caughtUp(second, store);
      await second.stop();
    } finally {
      await projectorSql.close();
      await admin.close();
    }
    expect(await dumpOps(killed.sql)).toEqual(expected);

    // `oars projections rebuild` empties the counters and replays: the same rows again.
    await rebuildProjections(store, killed.sql, { batchSize: 37 });
    expect(await dumpOps(killed.sql)).toEqual(expected);
  });
});
