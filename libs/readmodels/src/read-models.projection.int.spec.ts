import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { createTestDatabase, TestDatabase, uniqueNamespace } from '@oars/testing';
import { readCheckpoint } from './checkpoints/checkpoint.store';
import { InvalidReceiptError } from './errors';
import { projectNextBatch } from './projector/stream-batch';
import { getAction } from './queries/action.queries';
import { applyReceipts } from './read-models.projection';
import { dumpReadModels } from '@oars/testing';
import {
  ReceiptStreamBuilder,
  appendReceipts,
  givenActionApproved,
  givenActionDecided,
  givenActionExecuted,
  givenActionLifecycle,
  givenActionRequested,
  givenKeyGenerated,
} from '@oars/testing';
import { openTestEventStore } from '@oars/testing';

describe('read models projection (given receipts, then rows)', () => {
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

  async function given(receipts: Receipt[]): Promise<void> {
    await appendReceipts(store, receipts);
    const tenant = receipts[0].tenantId;
    let position = await readCheckpoint(db.sql, tenant);
    for (;;) {
      const outcome = await projectNextBatch(store, db.sql, tenant, position, 2);
      if (outcome.kind === 'caught_up') return;
      position = outcome.position;
    }
  }

  async function receiptRow(receiptId: string) {
    const { rows } = await db.sql.query<Record<string, unknown>>('SELECT * FROM receipts WHERE receipt_id = $1', [receiptId]);
    return rows[0];
  }

  it('projects an allowed and executed action into one record and three receipts', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const [requested, approved, executed] = givenActionLifecycle(s, 'allow', { toolId: 'github', operation: 'merge', userId: 'u1', agentId: 'a1' });
    await given([requested, approved, executed]);

    const view = await getAction(db.sql, [s.tenantId], requested.actionId as string);
    expect(view?.receipts).toEqual([requested, approved, executed]);
    expect(view?.action).toEqual({
      id: requested.actionId,
      tenantId: s.tenantId,
      state: 'executed',
      actor: requested.actor,
      context: { environment: 'prod', requestedAt: requested.timestamp },
      resource: { toolId: 'github', operation: 'merge', target: 'project:SEC' },
      inputHash: requested.inputHash,
      approvalId: null,
      policyDecision: 'allow',
      policySetId: approved.policy?.policySetId,
      policyVersion: 'v1',
      policyHash: approved.policy?.policyHash,
      policyRuleIds: ['R-ALLOW'],
      policyRationale: 'Decided allow.',
      risk: requested.risk,
      lastError: null,
      createdAt: requested.timestamp,
      updatedAt: executed.timestamp,
      receiptIds: [requested.receiptId, approved.receiptId, executed.receiptId],
      lastSequence: executed.sequence,
    });
    const row = await receiptRow(executed.receiptId);
    expect(row).toMatchObject({
      tenant_id: s.tenantId,
      action_id: requested.actionId,
      type: 'action.executed',
      tool_id: 'github',
      operation: 'merge',
      actor_user_id: 'u1',
      actor_agent_id: 'a1',
      policy_decision: 'allow',
      policy_version: 'v1',
      policy_rule_ids: ['R-ALLOW'],
      body: JSON.stringify(executed),
    });
    expect(Number(row.sequence)).toBe(3);
    expect((row.ts as Date).toISOString()).toBe(executed.timestamp);
  });

  it('keeps the requested record free of policy fields until the decision receipt', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const requested = givenActionRequested(s);
    await given([requested]);
    const view = await getAction(db.sql, [s.tenantId], requested.actionId as string);
    expect(view?.action).toMatchObject({ state: 'requested', policyDecision: null, policyVersion: null, policyRuleIds: [], approvalId: null });
  });

  it('records the approval id, then the approval and execution, keeping the original decision', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const requested = givenActionRequested(s);
    const pending = givenActionDecided(s, requested, 'approve', { approvalId: 'apr_1' });
    await given([requested, pending]);
    expect((await getAction(db.sql, [s.tenantId], requested.actionId as string))?.action).toMatchObject({
      state: 'approval_required',
      approvalId: 'apr_1',
      policyDecision: 'approve',
    });

    const approved = givenActionApproved(s, pending);
    await given([approved, givenActionExecuted(s, approved)]);
    const view = await getAction(db.sql, [s.tenantId], requested.actionId as string);
    expect(view?.action).toMatchObject({ state: 'executed', approvalId: 'apr_1', policyDecision: 'approve', lastSequence: 4 });
    expect(view?.receipts.map((r) => r.type)).toEqual(['action.requested', 'action.approval_required', 'action.approved', 'action.executed']);
  });

  it.each([
    ['deny', 'denied', 'Action denied by policy.'],
    ['quarantine', 'quarantined', 'Action quarantined by policy.'],
    ['allow_fail', 'failed', 'Connector failed.'],
  ] as const)('a %s path ends %s with its error', async (path, state, error) => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const receipts = givenActionLifecycle(s, path);
    await given(receipts);
    const view = await getAction(db.sql, [s.tenantId], receipts[0].actionId as string);
    expect(view?.action).toMatchObject({ state, lastError: error, receiptIds: receipts.map((r) => r.receiptId) });
  });

  it('stores non-action receipts as receipts only', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const key = givenKeyGenerated(s);
    await given([key]);
    expect(await receiptRow(key.receiptId)).toMatchObject({ type: 'key.generated', action_id: null, tool_id: null, policy_rule_ids: [] });
    const { rows } = await db.sql.query('SELECT * FROM actions WHERE tenant_id = $1', [s.tenantId]);
    expect(rows).toEqual([]);
  });

  it('is idempotent per receipt and moves an action only forward', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const receipts = givenActionLifecycle(s, 'allow');
    await given(receipts);
    const before = await dumpReadModels(db.sql);

    await db.sql.transaction((tx) => applyReceipts(tx, receipts));
    await db.sql.transaction((tx) => applyReceipts(tx, [receipts[1]]));
    await db.sql.transaction((tx) => applyReceipts(tx, [receipts[0]]));

    expect(await dumpReadModels(db.sql)).toEqual(before);
  });

  it('refuses an event whose receipt does not name its stream position', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('ten'));
    const key = givenKeyGenerated(s);
    await store.append(s.tenantId, [{ id: key.receiptId, type: key.type, subject: 'key.k1', data: { ...key, sequence: 7 } }], { expectedVersion: 0 });
    await expect(projectNextBatch(store, db.sql, s.tenantId, 0, 10)).rejects.toBeInstanceOf(InvalidReceiptError);
    expect(await readCheckpoint(db.sql, s.tenantId)).toBe(0);
  });
});
