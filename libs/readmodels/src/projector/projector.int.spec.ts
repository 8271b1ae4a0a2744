import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { createTestDatabase, TestDatabase, uniqueNamespace } from '@oars/testing';
import { readCheckpoint, waitForCheckpoint } from '../checkpoints/checkpoint.store';
import { getAction } from '../queries/action.queries';
import { rebuildProjections } from '../rebuild/rebuild-projections';
import { dumpReadModels } from '@oars/testing';
import { ReceiptStreamBuilder, appendReceipts, givenActionLifecycle, givenKeyGenerated } from '@oars/testing';
import { openTestEventStore } from '@oars/testing';
import { Projector } from './projector';

/** Polls `condition` until it holds or the deadline passes (no fixed sleeps). */
async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function actions(s: ReceiptStreamBuilder, count: number): Receipt[] {
  const out: Receipt[] = [];
  for (let i = 0; i < count; i++) out.push(...givenActionLifecycle(s, i % 3 === 0 ? 'approve_then_execute' : 'allow', { toolId: `tool_${i % 4}` }));
  return out;
}

describe.each<'read' | 'subscribe'>(['read', 'subscribe'])('Projector (follow: %s)', (follow) => {
  let db: TestDatabase;
  let baseline: TestDatabase;
  let store: EventStore;
  const running: Projector[] = [];

  function projector(options: Partial<ConstructorParameters<typeof Projector>[0]> = {}): Projector {
    const p = new Projector({ store, sql: db.sql, pollIntervalMs: 50, maxBackoffMs: 100, follow, ...options });
    running.push(p);
    return p;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    baseline = await createTestDatabase();
    store = await openTestEventStore(db.sql);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await store.close();
    await baseline.drop();
    await db.drop();
  });

  /** The rows an uninterrupted replay of the same streams produces (in a second database). */
  async function uninterrupted(): Promise<Record<string, unknown[]>> {
    await rebuildProjections(store, baseline.sql);
    return dumpReadModels(baseline.sql);
  }

  it('cuts its coalescing pause short for a read that waits for its own write', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const first = actions(s, 1);
    await appendReceipts(store, first);
    // A pause far longer than the wait below: only the wake-up lets the second batch in on time.
    const p = projector({ coalesceMs: 120_000, pollIntervalMs: 120_000 });
    await p.start();
    expect(await p.waitForPosition(s.tenantId, first[first.length - 1]!.sequence, 20_000)).toBe(true);
    const second = actions(s, 1);
    await appendReceipts(store, second);
    expect(await p.waitForPosition(s.tenantId, second[second.length - 1]!.sequence, 20_000)).toBe(true);
  });

  it('is NOT_READY before start and OK once caught up', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    await appendReceipts(store, actions(s, 5));
    const p = projector();
    expect(p.status().state).toBe('NOT_READY');
    await p.start();
    expect(await p.waitForPosition(s.tenantId, 5 * 3 + 2, 20_000)).toBe(true);
    await eventually(() => p.status().lagEvents === 0);
    expect(p.status()).toMatchObject({ state: 'OK', lagEvents: 0, problems: [] });
    expect(p.status().lastAppliedAt).not.toBeNull();
  });

  it('follows appends: waitForPosition resolves once the read model holds the write', async () => {
    const p = projector({ pollIntervalMs: 60_000 });
    await p.start();
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    for (let i = 0; i < 5; i++) {
      const lifecycle = givenActionLifecycle(s, 'allow');
      const { lastSequence } = await appendReceipts(store, lifecycle);
      expect(await p.waitForPosition(s.tenantId, lastSequence, 20_000)).toBe(true);
      const view = await getAction(db.sql, [s.tenantId], lifecycle[0].actionId as string);
      expect(view?.action.state).toBe('executed');
    }
    expect(await p.waitForPosition(s.tenantId, 10_000, 20)).toBe(false);
  });

  it('tells its applied-batch listeners every receipt it commits, once, in stream order', async () => {
    const p = projector();
    const seen: Array<{ receiptId: string; sequence: number; appliedAt: number }> = [];
    p.onApplied((receipts, appliedAt) => seen.push(...receipts.map((r) => ({ receiptId: r.receiptId, sequence: r.sequence, appliedAt }))));
    const removed: string[] = [];
    const remove = p.onApplied((receipts) => removed.push(...receipts.map((r) => r.receiptId)));
    remove();
    p.onApplied(() => {
      throw new Error('a broken listener'); // logged; the projector and other listeners go on
    });
    await p.start();
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const written = [...givenActionLifecycle(s, 'allow'), ...givenActionLifecycle(s, 'approve_then_execute')];
    const startedAt = Date.now();
    const { lastSequence } = await appendReceipts(store, written);
    expect(await p.waitForPosition(s.tenantId, lastSequence, 20_000)).toBe(true);
    expect(seen.map((x) => x.receiptId)).toEqual(written.map((r) => r.receiptId));
    expect(seen.map((x) => x.sequence)).toEqual(written.map((_, i) => i + 1));
    expect(seen.every((x) => x.appliedAt >= startedAt)).toBe(true);
    expect(removed).toEqual([]);
    expect(p.status().state).toBe('OK');
  });

  it('picks up a new tenant without a restart, even when its hints are lost', async () => {
    const deaf = new Proxy(store, {
      get: (target, prop) => (prop === 'onAppendHint' ? () => () => undefined : Reflect.get(target, prop, target)),
    }) as EventStore;
    const p = projector({ store: deaf });
    await p.start();
    const s = new ReceiptStreamBuilder(uniqueNamespace('late'));
    const { lastSequence } = await appendReceipts(store, actions(s, 3));
    expect(await p.waitForPosition(s.tenantId, lastSequence, 20_000)).toBe(true);
    expect(await readCheckpoint(db.sql, s.tenantId)).toBe(lastSequence);
  });

  it('serves separate processes through the checkpoint table (waitForCheckpoint)', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const p = projector();
    await p.start();
    const { lastSequence } = await appendReceipts(store, actions(s, 2));
    expect(await waitForCheckpoint(db.sql, s.tenantId, lastSequence, 20_000)).toBe(true);
    expect(await waitForCheckpoint(db.sql, s.tenantId, lastSequence + 1, 30)).toBe(false);
  });

  it('stopped mid-run and restarted, ends with the rows of an uninterrupted run', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('big'));
    const receipts = actions(s, 400);
    for (let i = 0; i < receipts.length; i += 500) await appendReceipts(store, receipts.slice(i, i + 500));
    const head = receipts.length;

    const first = projector({ batchSize: 25 });
    await first.start();
    expect(await first.waitForPosition(s.tenantId, 100, 20_000)).toBe(true);
    await first.stop();
    const stoppedAt = await readCheckpoint(db.sql, s.tenantId);
    expect(stoppedAt).toBe(first.position(s.tenantId));
    expect(stoppedAt).toBeLessThan(head);

    const second = projector({ batchSize: 25 });
    await second.start();
    expect(await second.waitForPosition(s.tenantId, head, 30_000)).toBe(true);
    await second.stop();
    expect(await dumpReadModels(db.sql)).toEqual(await uninterrupted());
  });

  it('rolls back a batch that fails part-way, keeps other tenants going, and recovers', async () => {
    const bad = new ReceiptStreamBuilder(uniqueNamespace('bad'));
    const good = new ReceiptStreamBuilder(uniqueNamespace('good'));
    const before = actions(bad, 2);
    await appendReceipts(store, before);
    const p = projector({ batchSize: 100 });
    await p.start();
    expect(await p.waitForPosition(bad.tenantId, before.length, 20_000)).toBe(true);

    // The actions write of the next batch fails after its receipts were inserted in the same transaction.
    const key = givenKeyGenerated(bad);
    const poisoned = givenActionLifecycle(bad, 'allow');
    const poisonedId = poisoned[0].actionId as string;
    await db.sql.query(`CREATE FUNCTION refuse_action() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action_id = '${poisonedId}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await db.sql.query('CREATE TRIGGER refuse_action BEFORE INSERT OR UPDATE ON actions FOR EACH ROW EXECUTE FUNCTION refuse_action()');
    await appendReceipts(store, [key, ...poisoned, ...actions(bad, 2)]);
    await eventually(() => p.status().state === 'ERROR');
    expect(p.status().problems).toEqual([expect.objectContaining({ tenant: bad.tenantId, level: 'ERROR', message: expect.stringContaining('injected failure') })]);
    expect(await readCheckpoint(db.sql, bad.tenantId)).toBe(before.length);
    const { rows } = await db.sql.query('SELECT receipt_id FROM receipts WHERE tenant_id = $1 AND sequence > $2', [bad.tenantId, before.length]);
    expect(rows).toEqual([]);

    const { lastSequence } = await appendReceipts(store, actions(good, 3));
    expect(await p.waitForPosition(good.tenantId, lastSequence, 20_000)).toBe(true);

    await db.sql.query('DROP TRIGGER refuse_action ON actions');
    const head = (await store.head(bad.tenantId)).sequence;
    expect(await p.waitForPosition(bad.tenantId, head, 20_000)).toBe(true);
    await eventually(() => p.status().state === 'OK');
    await p.stop();
    expect(await dumpReadModels(db.sql)).toEqual(await uninterrupted());
  });

  it('parks a receipt the read model refuses after bounded retries, WARN, and goes on past it; others continue meanwhile', async () => {
    // Its own database and store: the parked receipt must not show in the other tests' status.
    const isolated = await createTestDatabase();
    const isolatedStore = await openTestEventStore(isolated.sql);
    try {
      const bad = new ReceiptStreamBuilder(uniqueNamespace('bad'));
      const good = new ReceiptStreamBuilder(uniqueNamespace('good'));
      const ok = actions(bad, 1);
      const broken = { ...givenKeyGenerated(bad), timestamp: 'not-a-timestamp' };
      const later = actions(bad, 1);
      await appendReceipts(isolatedStore, [...ok, broken, ...later]);
      const p = projector({ store: isolatedStore, sql: isolated.sql, batchSize: ok.length, parkAfterAttempts: 4 });
      await p.start();
      const { lastSequence } = await appendReceipts(isolatedStore, actions(good, 2));
      expect(await p.waitForPosition(good.tenantId, lastSequence, 20_000)).toBe(true);
      const head = ok.length + 1 + later.length;
      expect(await p.waitForPosition(bad.tenantId, head, 20_000)).toBe(true);
      expect(await readCheckpoint(isolated.sql, bad.tenantId)).toBe(head);
      const { rows } = await isolated.sql.query<{ receipt_id: string }>('SELECT receipt_id FROM receipts WHERE tenant_id = $1 ORDER BY sequence', [bad.tenantId]);
      expect(rows.map((r) => r.receipt_id)).toEqual([...ok, ...later].map((r) => r.receiptId));
      const { rows: parked } = await isolated.sql.query('SELECT tenant_id, sequence, event_id, attempts, status FROM projection_dead_letters');
      expect(parked).toEqual([{ tenant_id: bad.tenantId, sequence: String(ok.length + 1), event_id: broken.receiptId, attempts: 4, status: 'parked' }]);
      await eventually(() => p.status().deadLetters === 1);
      expect(p.status()).toMatchObject({ state: 'WARN', problems: [] });
      expect(p.status().message).toContain(`1 event(s) parked as dead letters, not in the read models (${bad.tenantId}: 1)`);
      await p.stop();
    } finally {
      await isolatedStore.close();
      await isolated.drop();
    }
  });
});
