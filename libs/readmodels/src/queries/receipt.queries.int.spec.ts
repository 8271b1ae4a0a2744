import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { createTestDatabase, TestDatabase, uniqueNamespace } from '@oars/testing';
import { rebuildProjections } from '../rebuild/rebuild-projections';
import { ActionPath, ReceiptStreamBuilder, appendReceipts, givenActionLifecycle, givenKeyGenerated } from '@oars/testing';
import { openTestEventStore } from '@oars/testing';
import { getAction } from './action.queries';
import { ListReceiptsQuery, getReceipt, getReceiptBySequence, listActionReceipts, listReceipts } from './receipt.queries';
import { encodeReceiptCursor } from './receipt-cursor';

const TOOLS = ['jira', 'github', 'slack'];
const PATHS: ActionPath[] = ['allow', 'deny', 'approve_then_execute', 'quarantine', 'allow_fail'];

describe('receipt and action queries', () => {
  let db: TestDatabase;
  let store: EventStore;
  const alpha = new ReceiptStreamBuilder(uniqueNamespace('alpha'));
  const beta = new ReceiptStreamBuilder(uniqueNamespace('beta'));
  const receipts: Receipt[] = [];
  const betaReceipts: Receipt[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openTestEventStore(db.sql);
    for (let i = 0; i < 420; i++) {
      const lifecycle = givenActionLifecycle(alpha, PATHS[i % PATHS.length], {
        toolId: TOOLS[i % TOOLS.length],
        operation: i % 2 === 0 ? 'read' : 'write',
        agentId: `agent_${i % 4}`,
        userId: `user_${i % 5}`,
        policyVersion: i < 210 ? 'v1' : 'v2',
        ruleIds: [`R-${i % 7}`, 'R-COMMON'],
      });
      receipts.push(...lifecycle);
      if (i % 100 === 0) receipts.push(givenKeyGenerated(alpha));
    }
    betaReceipts.push(...givenActionLifecycle(beta, 'allow'));
    for (let i = 0; i < receipts.length; i += 500) await appendReceipts(store, receipts.slice(i, i + 500));
    await appendReceipts(store, betaReceipts);
    await rebuildProjections(store, db.sql);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  async function listAll(query: Omit<ListReceiptsQuery, 'cursor'>): Promise<{ items: Receipt[]; pages: number }> {
    const items: Receipt[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await listReceipts(db.sql, { ...query, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    return { items, pages };
  }

  const newestFirst = (list: Receipt[]) => [...list].sort((a, b) => b.sequence - a.sequence);

  it('lists the newest 100 by default, newest first', async () => {
    expect(receipts.length).toBeGreaterThan(1000);
    const page = await listReceipts(db.sql, { tenantId: alpha.tenantId });
    expect(page.items).toEqual(newestFirst(receipts).slice(0, 100));
    expect(page.nextCursor).toBe(encodeReceiptCursor(page.items[99].sequence));
  });

  it('reaches every receipt by cursor paging, with no 500 cap', async () => {
    const { items, pages } = await listAll({ tenantId: alpha.tenantId, limit: 500 });
    expect(items).toEqual(newestFirst(receipts));
    expect(pages).toBe(Math.ceil(receipts.length / 500));
  });

  it.each<[string, Omit<ListReceiptsQuery, 'tenantId'>, (r: Receipt) => boolean]>([
    ['toolId', { toolId: 'jira' }, (r) => r.resource?.toolId === 'jira'],
    ['toolId and operation', { toolId: 'github', operation: 'write' }, (r) => r.resource?.toolId === 'github' && r.resource.operation === 'write'],
    ['actorAgentId', { actorAgentId: 'agent_1' }, (r) => r.actor?.agentId === 'agent_1'],
    ['actorUserId', { actorUserId: 'user_3' }, (r) => r.actor?.userId === 'user_3'],
    ['policyDecision', { policyDecision: 'deny' }, (r) => r.policy?.decision === 'deny'],
    ['policyDecision any-of', { policyDecision: ['deny', 'quarantine'] }, (r) => r.policy?.decision === 'deny' || r.policy?.decision === 'quarantine'],
    ['policyVersion', { policyVersion: 'v2' }, (r) => r.policy?.policyVersion === 'v2'],
    ['policyRuleId', { policyRuleId: 'R-3' }, (r) => r.policy?.ruleIds.includes('R-3') ?? false],
    ['type', { type: 'key.generated' }, (r) => r.type === 'key.generated'],
    ['several filters', { toolId: 'slack', policyDecision: 'allow', type: 'action.executed' }, (r) => r.resource?.toolId === 'slack' && r.policy?.decision === 'allow' && r.type === 'action.executed'],
  ])('filters by %s across pages', async (_name, filter, predicate) => {
    const expected = newestFirst(receipts.filter(predicate));
    expect(expected.length).toBeGreaterThan(0);
    const { items } = await listAll({ tenantId: alpha.tenantId, limit: 37, ...filter });
    expect(items).toEqual(expected);
  });

  it('pages a filter matching more than 500 receipts', async () => {
    const expected = newestFirst(receipts.filter((r) => r.policy?.ruleIds.includes('R-COMMON')));
    expect(expected.length).toBeGreaterThan(500);
    const { items, pages } = await listAll({ tenantId: alpha.tenantId, policyRuleId: 'R-COMMON', limit: 500 });
    expect(items).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 500));
  });

  it('lists only the asked tenant', async () => {
    expect((await listAll({ tenantId: beta.tenantId })).items).toEqual(newestFirst(betaReceipts));
    expect((await listReceipts(db.sql, { tenantId: 'nobody' })).items).toEqual([]);
  });

  it('rejects a malformed cursor and an out-of-range limit', async () => {
    for (const cursor of ['!!', 'abc', encodeReceiptCursor(12).slice(0, -1) + '_', Buffer.from('-5').toString('base64url'), Buffer.from('07').toString('base64url')]) {
      await expect(listReceipts(db.sql, { tenantId: alpha.tenantId, cursor })).rejects.toMatchObject({ code: 'invalid_cursor' });
    }
    for (const limit of [0, 501, 1.5]) {
      await expect(listReceipts(db.sql, { tenantId: alpha.tenantId, limit })).rejects.toMatchObject({ code: 'validation_error' });
    }
  });

  it('gets an action with its receipts in sequence order, only for its own tenant', async () => {
    const actionId = receipts.find((r) => r.type === 'action.approval_required')?.actionId as string;
    const own = receipts.filter((r) => r.actionId === actionId);
    const view = await getAction(db.sql, [beta.tenantId, alpha.tenantId], actionId);
    expect(view?.receipts).toEqual(own);
    expect(view?.action).toMatchObject({ id: actionId, state: 'executed', receiptIds: own.map((r) => r.receiptId) });
    expect(await listActionReceipts(db.sql, alpha.tenantId, actionId)).toEqual(own);

    expect(await getAction(db.sql, [beta.tenantId], actionId)).toBeNull();
    expect(await getAction(db.sql, [], actionId)).toBeNull();
    expect(await getAction(db.sql, [alpha.tenantId], 'act_unknown')).toBeNull();
    expect(await listActionReceipts(db.sql, beta.tenantId, actionId)).toEqual([]);
  });

  it('gets a receipt exactly as stored, only for its own tenant', async () => {
    const receipt = receipts[123];
    expect(await getReceipt(db.sql, [alpha.tenantId], receipt.receiptId)).toEqual(receipt);
    expect(await getReceipt(db.sql, [beta.tenantId], receipt.receiptId)).toBeNull();
    expect(await getReceipt(db.sql, [], receipt.receiptId)).toBeNull();
    expect(await getReceiptBySequence(db.sql, alpha.tenantId, receipt.sequence)).toEqual(receipt);
    expect(await getReceiptBySequence(db.sql, beta.tenantId, receipts.length)).toBeNull();
  });
});
