import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { createPgliteDatabase, uniqueNamespace } from '@oars/testing';
import { Projector } from './projector/projector';
import { getAction } from './queries/action.queries';
import { listReceipts } from './queries/receipt.queries';
import { rebuildProjections } from './rebuild/rebuild-projections';
import { dumpReadModels } from '@oars/testing';
import { ReceiptStreamBuilder, appendReceipts, givenActionLifecycle, givenKeyGenerated } from '@oars/testing';
import { openTestEventStore } from '@oars/testing';

describe('read models on PGlite (the embedded default)', () => {
  let sql: SqlClient;
  let store: EventStore;

  beforeAll(async () => {
    sql = await createPgliteDatabase();
    store = await openTestEventStore(sql);
  });
  afterAll(async () => {
    await store.close();
    await sql.close();
  });

  it('projects live, answers the queries, and rebuilds to the same rows', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const projector = new Projector({ store, sql, pollIntervalMs: 50, batchSize: 10 });
    await projector.start();
    const lifecycles = [givenActionLifecycle(s, 'approve_then_execute'), [givenKeyGenerated(s)], givenActionLifecycle(s, 'deny', { ruleIds: ['R-9'] })];
    try {
      for (const receipts of lifecycles) await appendReceipts(store, receipts);
      expect(await projector.waitForPosition(s.tenantId, 7, 20_000)).toBe(true);
    } finally {
      await projector.stop();
    }

    const view = await getAction(sql, [s.tenantId], lifecycles[0][0].actionId as string);
    expect(view?.receipts).toEqual(lifecycles[0]);
    expect(view?.action.state).toBe('executed');
    const page = await listReceipts(sql, { tenantId: s.tenantId, policyRuleId: 'R-9', limit: 1 });
    expect(page.items).toEqual([lifecycles[2][1]]);
    expect(page.nextCursor).toBeNull();

    const live = await dumpReadModels(sql);
    await rebuildProjections(store, sql);
    expect(await dumpReadModels(sql)).toEqual(live);
  });
});
