import type { SqlClient } from '@oars/db';
import { type ApprovalStage, type ApprovalState, decideApproval, openApproval, reasonHashOf } from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { createPgliteDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { readCheckpoint } from '../checkpoints/checkpoint.store';
import { projectNextBatch } from '../projector/stream-batch';
import { rebuildProjections } from '../rebuild/rebuild-projections';
import { dumpReadModels } from '@oars/testing';
import { ReceiptStreamBuilder, appendReceipts, givenActionRequested } from '@oars/testing';
import { openTestEventStore } from '@oars/testing';
import { findApprovalTenant, getApproval, listApprovals, listDueApprovals, listOverdueStages, nextApprovalDueAt } from './approval.queries';

const stage = (id: string, over: Partial<ApprovalStage> = {}): ApprovalStage => ({
  id, name: `Stage ${id}`, mode: 'serial', requiredApprovals: 1, approverIds: [], slaSeconds: null, escalateTo: [], ...over,
});

/** One action waiting for approval, written as receipts whose snapshots come from the real domain. */
class ApprovalStory {
  readonly stream = new ReceiptStreamBuilder(uniqueNamespace('ten'));
  readonly requested: Receipt;
  approval: ApprovalState;
  private readonly all: Receipt[] = [];
  private last: Receipt;

  constructor(stages: ApprovalStage[], startAt: string, expirySeconds: number | null = 3600) {
    this.requested = givenActionRequested(this.stream, { userId: 'requester' });
    this.all.push(this.requested);
    this.last = this.requested;
    this.approval = openApproval({
      actionId: this.requested.actionId!, tenantId: this.stream.tenantId, riskTier: 'high', requestedBy: 'requester',
      workflow: { id: 'apr_wf_1', tenantId: this.stream.tenantId, stages, createdAt: startAt, updatedAt: startAt, createdBy: 'admin' },
      context: { requestedAt: startAt }, now: startAt, expirySeconds,
      plannedExecution: { status: 'executed', output: { secretish: 'output' }, outputHash: 'a'.repeat(64) },
    });
    this.last = this.follow('action.approval_required', { approvalId: this.approval.id, approval: this.approval });
  }

  get tenantId(): string {
    return this.stream.tenantId;
  }

  receipts(): Receipt[] {
    return this.all;
  }

  decide(approverId: string, now: string): Receipt {
    const result = decideApproval(this.approval, { approverId, decision: 'approve', reasonHash: reasonHashOf('ok'), stepUp: { code: null, totp: null, sharedCode: null } }, now);
    if (result.kind !== 'recorded') throw new Error('not recorded');
    this.approval = result.approval;
    return this.follow('approval.decided', { approvalId: this.approval.id, approverId, approval: this.approval });
  }

  close(type: string, data: Record<string, unknown> = { error: 'Action canceled.' }): Receipt {
    return this.follow(type, data);
  }

  private follow(type: string, data: Record<string, unknown>): Receipt {
    const previous = this.last;
    const receipt = this.stream.next({ type, actionId: previous.actionId, actor: previous.actor, resource: previous.resource, risk: previous.risk, inputHash: previous.inputHash, data });
    this.all.push(receipt);
    this.last = receipt;
    return receipt;
  }
}

describe.each(['postgres', 'pglite'] as const)('approvals read model on %s (given receipts, then rows)', (engine) => {
  let sql: SqlClient;
  let store: EventStore;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    if (engine === 'postgres') {
      const db = await createTestDatabase();
      sql = db.sql;
      drop = () => db.drop();
    } else {
      sql = await createPgliteDatabase();
      drop = () => sql.close();
    }
    store = await openTestEventStore(sql);
  });
  afterAll(async () => {
    await store.close();
    await drop();
  });

  const appended = new Map<string, number>();
  async function given(receipts: Receipt[]): Promise<void> {
    const tenant = receipts[0]!.tenantId;
    const fresh = receipts.filter((r) => r.sequence > (appended.get(tenant) ?? 0));
    await appendReceipts(store, fresh);
    appended.set(tenant, fresh[fresh.length - 1]!.sequence);
    let position = await readCheckpoint(sql, tenant);
    for (;;) {
      const outcome = await projectNextBatch(store, sql, tenant, position, 2);
      if (outcome.kind === 'caught_up') return;
      position = outcome.position;
    }
  }

  it('keeps one row per approval, due at its stage deadline', async () => {
    const story = new ApprovalStory([stage('s1', { slaSeconds: 60 })], '2020-01-01T00:00:00.000Z');
    await given(story.receipts());

    const record = await getApproval(sql, [story.tenantId], story.approval.id);
    const { plannedExecution: _hidden, ...visible } = story.approval;
    expect(record).toEqual(visible);
    expect(await getApproval(sql, ['other_tenant'], story.approval.id)).toBeNull();
    expect(await findApprovalTenant(sql, ['x', story.tenantId], story.approval.id)).toBe(story.tenantId);
    expect(await nextApprovalDueAt(sql)).toBe(Date.parse('2020-01-01T00:01:00.000Z'));
    const due = await listDueApprovals(sql, new Date('2020-01-01T00:01:00.000Z'), 10);
    expect(due).toContainEqual({ tenantId: story.tenantId, approvalId: story.approval.id, actionId: story.requested.actionId });
    expect(await listDueApprovals(sql, new Date('2020-01-01T00:00:59.000Z'), 10)).toEqual([]);
    expect(await listOverdueStages(sql, story.tenantId, new Date('2020-01-01T00:02:00.000Z'))).toHaveLength(1);
  });

  it('follows decisions through stages and lists what waits for each approver', async () => {
    const story = new ApprovalStory([stage('s1', { approverIds: ['alice'] }), stage('s2', { mode: 'parallel', requiredApprovals: 2, approverIds: ['bob', 'carol', 'dave'] })], '2026-02-01T00:00:00.000Z');
    await given(story.receipts());
    const waiting = async (approverId: string) => (await listApprovals(sql, { tenantId: story.tenantId, approverId, limit: 10 })).map((a) => a.id);
    expect(await waiting('alice')).toEqual([story.approval.id]);
    expect(await waiting('bob')).toEqual([]);
    expect(await waiting('requester')).toEqual([]);

    story.decide('alice', '2026-02-01T00:01:00.000Z');
    story.decide('bob', '2026-02-01T00:02:00.000Z');
    await given(story.receipts());
    expect(await waiting('alice')).toEqual([]);
    expect(await waiting('bob')).toEqual([]);
    expect(await waiting('carol')).toEqual([story.approval.id]);
    expect((await getApproval(sql, [story.tenantId], story.approval.id))?.currentStageIndex).toBe(1);

    story.decide('carol', '2026-02-01T00:03:00.000Z');
    await given(story.receipts());
    expect(await listApprovals(sql, { tenantId: story.tenantId, status: 'approved', limit: 10 })).toMatchObject([{ id: story.approval.id, status: 'approved' }]);
    expect(await listApprovals(sql, { tenantId: story.tenantId, status: 'pending', limit: 10 })).toEqual([]);
  });

  it('closes a pending approval when its action ends another way, and rebuilds to the same rows', async () => {
    const story = new ApprovalStory([stage('s1')], '2026-03-01T00:00:00.000Z');
    story.close('action.canceled');
    await given(story.receipts());
    const record = await getApproval(sql, [story.tenantId], story.approval.id);
    expect(record).toMatchObject({ status: 'canceled' });
    expect(await listDueApprovals(sql, new Date('2099-01-01T00:00:00.000Z'), 1000)).not.toContainEqual(expect.objectContaining({ approvalId: story.approval.id }));

    const dump = async () => ({
      ...(await dumpReadModels(sql)),
      approvals: (await sql.query('SELECT approval_id, status, approver_ids, decided_by, due_at::text AS due_at, record, last_sequence::text AS seq FROM approvals ORDER BY approval_id')).rows,
    });
    const before = await dump();
    expect(before.approvals.length).toBeGreaterThanOrEqual(3);
    await rebuildProjections(store, sql);
    expect(await dump()).toEqual(before);
  });
});
