import type { EventStore } from '@oars/eventstore';
import { createTestDatabase, TestDatabase, uniqueNamespace } from '@oars/testing';
import { Projector } from '../projector/projector';
import { dumpReadModels } from '@oars/testing';
import { ActionPath, ReceiptStreamBuilder, appendReceipts, givenActionLifecycle, givenKeyGenerated } from '@oars/testing';
import { openTestEventStore } from '@oars/testing';
import { RebuildProgress, rebuildProjections } from './rebuild-projections';
import { readProjectionStatus } from './projection-status';

const PATHS: ActionPath[] = ['allow', 'deny', 'approve_then_execute', 'approve_pending', 'quarantine', 'allow_fail'];

describe('rebuildProjections', () => {
  let db: TestDatabase;
  let store: EventStore;
  const tenants = [new ReceiptStreamBuilder(uniqueNamespace('a')), new ReceiptStreamBuilder(uniqueNamespace('b')), new ReceiptStreamBuilder(uniqueNamespace('c'))];
  let live: Record<string, unknown[]>;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openTestEventStore(db.sql);
    const projector = new Projector({ store, sql: db.sql, pollIntervalMs: 50, batchSize: 7 });
    await projector.start();
    try {
      for (const [t, s] of tenants.entries()) {
        for (let i = 0; i < 40 * (t + 1); i++) {
          const key = i % 15 === 0 ? [givenKeyGenerated(s)] : [];
          await appendReceipts(store, [...key, ...givenActionLifecycle(s, PATHS[i % PATHS.length])]);
        }
      }
      for (const s of tenants) expect(await projector.waitForPosition(s.tenantId, (await store.head(s.tenantId)).sequence, 30_000)).toBe(true);
    } finally {
      await projector.stop();
    }
    live = await dumpReadModels(db.sql);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('produces exactly the rows of the live projection, reporting progress per tenant', async () => {
    const progress: RebuildProgress[] = [];
    const summary = await rebuildProjections(store, db.sql, { batchSize: 50, onProgress: (p) => progress.push(p) });

    expect(await dumpReadModels(db.sql)).toEqual(live);
    expect(summary).toMatchObject({ tenants: 3, events: live.receipts.length });
    for (const s of tenants) {
      const head = (await store.head(s.tenantId)).sequence;
      expect(progress.filter((p) => p.tenant === s.tenantId && p.done)).toEqual([{ tenant: s.tenantId, position: head, head, done: true }]);
    }
    expect((await readProjectionStatus(store, db.sql)).every((s) => s.lag === 0)).toBe(true);
  });

  it('is safe while a projector runs: both end at the same rows', async () => {
    const projector = new Projector({ store, sql: db.sql, pollIntervalMs: 20, batchSize: 5 });
    await projector.start();
    try {
      await rebuildProjections(store, db.sql, { batchSize: 13 });
      for (const s of tenants) expect(await projector.waitForPosition(s.tenantId, (await store.head(s.tenantId)).sequence, 30_000)).toBe(true);
    } finally {
      await projector.stop();
    }
    expect(await dumpReadModels(db.sql)).toEqual(live);
  });
});
