import type { SqlExecutor } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { createTestDatabase, TestDatabase, uniqueNamespace, until } from '@oars/testing';
import { readCheckpoint } from '../checkpoints/checkpoint.store';
import { listDeadLetters } from '../dead-letters/dead-letters.store';
import type { ReadModelProjection } from '../read-model';
import { READ_MODEL_PROJECTIONS } from '../read-models.projection';
import { readProjectionStatus } from '../rebuild/projection-status';
import { ReceiptStreamBuilder, appendReceipts, givenActionLifecycle, givenKeyGenerated } from '@oars/testing';
import { openTestEventStore } from '@oars/testing';
import { Projector } from './projector';
import { projectNextBatch } from './stream-batch';

/** The receipts each projection was given, by name, in the order given. */
type Applied = Map<string, number[]>;

/** The read models as shipped, each recording what it is given, then applying it as usual. */
function recording(applied: Applied): ReadModelProjection[] {
  return READ_MODEL_PROJECTIONS.map((p) => ({
    ...p,
    apply: async (tx: SqlExecutor, receipts: readonly Receipt[]) => {
      applied.set(p.name, [...(applied.get(p.name) ?? []), ...receipts.map((r) => r.sequence)]);
      await p.apply(tx, receipts);
    },
  }));
}

describe.each<'read' | 'subscribe'>(['read', 'subscribe'])('a projection added to a running deployment (follow: %s)', (follow) => {
  let db: TestDatabase;
  let store: EventStore;
  const running: Projector[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openTestEventStore(db.sql);
    // The new read model's own table, in this test's schema.
    await db.sql.query('CREATE TABLE IF NOT EXISTS key_sightings (tenant_id text NOT NULL, sequence bigint NOT NULL, PRIMARY KEY (tenant_id, sequence))');
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('catches up from the start by itself while the others go on, and none of them applies anything twice', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('late'));
    const early: Receipt[] = [];
    for (let i = 0; i < 12; i++) early.push(givenKeyGenerated(s), ...givenActionLifecycle(s, 'allow'));
    await appendReceipts(store, early);
    const shipped = new Projector({ store, sql: db.sql, follow, pollIntervalMs: 50 });
    running.push(shipped);
    await shipped.start();
    expect(await shipped.waitForPosition(s.tenantId, early.length, 20_000)).toBe(true);
    await shipped.stop();

    // The new read model: one row per key.generated receipt. It cannot write until `open` (a
    // transient failure, retried with backoff), so the others are seen going on without it.
    let open = false;
    const sightings: ReadModelProjection = {
      name: 'key_sightings',
      tables: ['key_sightings'],
      async apply(tx, receipts) {
        if (!open) throw new Error('key_sightings is not ready yet');
        for (const r of receipts) {
          if (r.type === 'key.generated') await tx.query('INSERT INTO key_sightings (tenant_id, sequence) VALUES ($1, $2) ON CONFLICT DO NOTHING', [r.tenantId, r.sequence]);
        }
      },
    };
    const applied: Applied = new Map();
    const projections = [...recording(applied), sightings];
    const upgraded = new Projector({ store, sql: db.sql, follow, pollIntervalMs: 50, maxBackoffMs: 50, batchSize: 5, projections });
    running.push(upgraded);
    await upgraded.start();
    expect(upgraded.position(s.tenantId)).toBe(early.length);

    const later = [...givenActionLifecycle(s, 'deny'), givenKeyGenerated(s)];
    const { lastSequence: head } = await appendReceipts(store, later);
    expect(await upgraded.waitForPosition(s.tenantId, head, 20_000)).toBe(true);
    await until('the catch-up lane to report its problem', () => upgraded.status().problems.length > 0);
    expect(upgraded.checkpoints(s.tenantId).get('key_sightings')).toBe(0);
    expect(upgraded.status()).toMatchObject({
      state: 'ERROR',
      problems: [expect.objectContaining({ tenant: s.tenantId, level: 'ERROR', message: 'catching up key_sightings: key_sightings is not ready yet' })],
    });
    expect(upgraded.status().projections).toContainEqual({ projection: 'key_sightings', lagEvents: head, catchingUp: 1 });
    expect(upgraded.status().projections).toContainEqual({ projection: 'receipts', lagEvents: 0, catchingUp: 0 });
    const newSequences = later.map((r) => r.sequence);
    for (const p of READ_MODEL_PROJECTIONS) expect(applied.get(p.name)).toEqual(newSequences);

    open = true;
    await until('every projection at the stream head', async () => (await readProjectionStatus(store, db.sql, projections)).every((t) => t.projections.every((p) => p.lag === 0)));
    const { rows } = await db.sql.query<{ sequence: string }>('SELECT sequence FROM key_sightings WHERE tenant_id = $1 ORDER BY sequence', [s.tenantId]);
    expect(rows.map((r) => Number(r.sequence))).toEqual([...early, ...later].filter((r) => r.type === 'key.generated').map((r) => r.sequence));
    // The read models that were already there never saw the early receipts again.
    for (const p of READ_MODEL_PROJECTIONS) expect(applied.get(p.name)).toEqual(newSequences);
    await until('the projector OK', () => upgraded.status().state === 'OK');
    expect(upgraded.status().projections.every((p) => p.lagEvents === 0 && p.catchingUp === 0)).toBe(true);
    expect(await readCheckpoint(db.sql, s.tenantId, projections.map((p) => p.name))).toBe(head);
  });

  it('does not hold up read-your-writes of the others, through the checkpoint table either', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ryw'));
    await appendReceipts(store, givenActionLifecycle(s, 'allow'));
    const blocked: ReadModelProjection = { name: 'never_ready', tables: [], apply: () => Promise.reject(new Error('never ready')) };
    const shipped = new Projector({ store, sql: db.sql, follow, pollIntervalMs: 50 });
    running.push(shipped);
    await shipped.start();
    expect(await shipped.waitForPosition(s.tenantId, 3, 20_000)).toBe(true);
    await shipped.stop();
    const p = new Projector({ store, sql: db.sql, follow, pollIntervalMs: 50, maxBackoffMs: 50, projections: [...READ_MODEL_PROJECTIONS, blocked] });
    running.push(p);
    await p.start();
    const { lastSequence } = await appendReceipts(store, givenActionLifecycle(s, 'deny'));
    expect(await p.waitForPosition(s.tenantId, lastSequence, 20_000)).toBe(true);
    expect(await readCheckpoint(db.sql, s.tenantId, [...READ_MODEL_PROJECTIONS, blocked].map((x) => x.name))).toBe(lastSequence);
    const status = (await readProjectionStatus(store, db.sql, [...READ_MODEL_PROJECTIONS, blocked])).find((t) => t.tenant === s.tenantId)!;
    expect(status).toMatchObject({ position: lastSequence, head: lastSequence, lag: 0 });
    expect(status.projections.find((x) => x.projection === 'never_ready')).toEqual({ projection: 'never_ready', position: 0, lag: lastSequence });
  });

  it('leaves out of it what the others parked, and parks what only it refuses for it alone, naming it', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('dl'));
    const first = givenActionLifecycle(s, 'allow');
    const refusedByAll = { ...givenKeyGenerated(s), timestamp: 'not-a-timestamp' };
    // Then a payload that is no receipt at all, appended straight into the stream at the next position.
    const malformed = givenKeyGenerated(s);
    const last = givenActionLifecycle(s, 'allow');
    const early = [...first, refusedByAll, malformed, ...last];
    await appendReceipts(store, [...first, refusedByAll]);
    await store.append(s.tenantId, [{ id: malformed.receiptId, type: 'key.generated', subject: 'key.k1', data: { nonsense: true } }], { expectedVersion: malformed.sequence - 1 });
    await appendReceipts(store, last);
    const shipped = new Projector({ store, sql: db.sql, follow, pollIntervalMs: 50, maxBackoffMs: 20, parkAfterAttempts: 1 });
    running.push(shipped);
    await shipped.start();
    expect(await shipped.waitForPosition(s.tenantId, early.length, 20_000)).toBe(true);
    await shipped.stop();

    // The new read model (every tenant's) refuses this tenant's last receipt (a data error of its own).
    const seen: number[] = [];
    const picky: ReadModelProjection = {
      name: 'picky',
      tables: [],
      async apply(tx, receipts) {
        for (const r of receipts.filter((x) => x.tenantId === s.tenantId)) {
          if (r.sequence === early.length) await tx.query("SELECT 'refused'::int");
          seen.push(r.sequence);
        }
      },
    };
    const projections = [...READ_MODEL_PROJECTIONS, picky];
    const p = new Projector({ store, sql: db.sql, follow, pollIntervalMs: 50, maxBackoffMs: 20, parkAfterAttempts: 1, projections });
    running.push(p);
    await p.start();
    await until('the tenant caught up in every projection', async () => (await readProjectionStatus(store, db.sql, projections)).find((t) => t.tenant === s.tenantId)!.projections.every((x) => x.lag === 0));
    const parked = [refusedByAll.sequence, malformed.sequence];
    expect(seen.filter((n, i) => seen.indexOf(n) === i)).toEqual(early.map((r) => r.sequence).filter((n) => !parked.includes(n) && n !== early.length));
    // Each parked once: what the others parked is not even tried again for the new read model.
    expect((await listDeadLetters(db.sql, { tenantIds: [s.tenantId] })).map((d) => [d.sequence, d.failedProjection, d.attempts])).toEqual([
      [refusedByAll.sequence, 'receipts', 1],
      [malformed.sequence, null, 1],
      [early.length, 'picky', 1],
    ]);
    const { rows } = await db.sql.query<{ n: string }>('SELECT count(*) AS n FROM receipts WHERE tenant_id = $1', [s.tenantId]);
    expect(Number(rows[0]!.n)).toBe(early.length - 2);
  });
});

describe('a projection that reads another', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openTestEventStore(db.sql);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('is applied only together with it, after it: never ahead of what it reads', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('dep'));
    await appendReceipts(store, [givenKeyGenerated(s), givenKeyGenerated(s), givenKeyGenerated(s), givenKeyGenerated(s)]);
    const calls: string[] = [];
    const record = (name: string, reads?: string[]): ReadModelProjection => ({
      name,
      tables: [],
      reads,
      apply: async (_tx, receipts) => void calls.push(`${name} ${receipts.map((r) => r.sequence).join(',')}`),
    });
    const projections = [record('base'), record('dependent', ['base'])];
    // `dependent` is at 2, `base` (reset, say) at 0.
    await db.sql.query("INSERT INTO projection_checkpoints (projection, stream, position) VALUES ('base', $1, 0), ('dependent', $1, 2)", [s.tenantId]);

    // From the read position (2): `base` cannot take events 3 and 4, so `dependent` does not either.
    expect(await projectNextBatch(store, db.sql, s.tenantId, 2, 10, { projections })).toMatchObject({ kind: 'moved', position: 0 });
    expect(calls).toEqual([]);
    // From the lowest checkpoint: `base` first, then `dependent` past its own checkpoint.
    const outcome = await projectNextBatch(store, db.sql, s.tenantId, 0, 10, { projections });
    expect(outcome).toMatchObject({ kind: 'applied', position: 4, count: 4, checkpoints: new Map([['base', 4], ['dependent', 4]]) });
    expect(calls).toEqual(['base 1,2,3,4', 'dependent 3,4']);
  });
});
