import { type ApprovalState, openApproval } from '@oars/domain';
import { EmbeddedEventStore } from '@oars/eventstore';
import { SqlKeyVault, TenantChainWriter, randomId } from '@oars/ledger';
import { type Receipt, chainLinkOf, deriveKek, verifyChain } from '@oars/receipts';
import { type TestDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { fireApprovalTimers } from './approval-timers';

const T0 = '2026-04-01T09:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000);

describe('approval timers fired by two instances at once (real embedded event store)', () => {
  let db: TestDatabase;
  let store: EmbeddedEventStore;
  /** Two chain writers over one store: two processes of OARS, each with its own head cache and lock. */
  let writers: [TenantChainWriter, TenantChainWriter];

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EmbeddedEventStore(db.sql);
    const options = { store, vault: new SqlKeyVault(db.sql), kek: deriveKek('approval-timer-test-secret'), region: 'test' };
    writers = [new TenantChainWriter(options), new TenantChainWriter(options)];
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  /** An action waiting for approval: stage SLA 60 s, expiry after 1 hour. */
  async function givenPendingApproval(tenantId: string): Promise<ApprovalState> {
    const actionId = randomId('act');
    const approval = openApproval({
      actionId, tenantId, riskTier: 'high', requestedBy: 'u1', context: { requestedAt: T0 }, now: T0, expirySeconds: 3600, plannedExecution: null,
      workflow: { id: 'apr_wf_1', tenantId, createdAt: T0, updatedAt: T0, createdBy: 'admin', stages: [{ id: 'apr_stage_1', name: 'Ops', mode: 'serial', requiredApprovals: 1, approverIds: [], slaSeconds: 60, escalateTo: ['oncall'] }] },
    });
    const common = {
      subject: `action.${actionId}`, actionId, actor: { userId: 'u1', agentId: 'a1', serviceId: 'oars-gateway', delegationChain: ['u1', 'a1', 'oars-gateway'] },
      resource: { toolId: 'iam', operation: 'rotate_keys', target: 'staging' }, policy: null, risk: { score: 80, tier: 'high' as const, signals: ['high_risk_operation'] },
      inputHash: 'b'.repeat(64), telemetry: null,
    };
    await writers[0].write(tenantId, () => ({
      drafts: [
        { ...common, receiptId: randomId('rcpt'), type: 'action.requested', data: { context: approval.context, idempotencyRequestHash: null } },
        { ...common, receiptId: randomId('rcpt'), type: 'action.approval_required', data: { approvalId: approval.id, approval } },
      ],
      finish: () => undefined,
    }));
    return approval;
  }

  const streamOf = async (tenantId: string) => (await store.read(tenantId, { from: 1, limit: 1000 })).map((e) => e.data as unknown as Receipt);

  it('escalates a stage once, whoever fires first', async () => {
    const tenantId = uniqueNamespace('ten');
    const approval = await givenPendingApproval(tenantId);
    expect((await fireApprovalTimers({ store, writer: writers[0] }, tenantId, approval.actionId, at(59))).escalation).toBeNull();
    const outcomes = await Promise.all(writers.map((writer, i) => fireApprovalTimers({ store, writer }, tenantId, approval.actionId, at(90 + i))));
    expect(outcomes.some((o) => o.escalation?.stageId === 'apr_stage_1')).toBe(true);
    const stream = await streamOf(tenantId);
    expect(stream.filter((r) => r.type === 'approval.escalated')).toHaveLength(1);
    expect(verifyChain(stream.map(chainLinkOf), { expectFirstSequence: 1 }).errors).toEqual([]);
    const again = await fireApprovalTimers({ store, writer: writers[1] }, tenantId, approval.actionId, at(120));
    expect(again.escalation).toBeNull();
  });

  it('expires an approval into one `approval.expired` and one `action.canceled`, whoever fires first', async () => {
    const tenantId = uniqueNamespace('ten');
    const approval = await givenPendingApproval(tenantId);
    await Promise.all([...writers, ...writers].map((writer) => fireApprovalTimers({ store, writer }, tenantId, approval.actionId, at(3600))));
    const stream = await streamOf(tenantId);
    expect(stream.map((r) => r.type)).toEqual(['key.generated', 'action.requested', 'action.approval_required', 'approval.expired', 'action.canceled']);
    expect(stream[3]!.data.approval).toMatchObject({ status: 'expired' });
    expect(stream[4]!.data).toEqual({ error: 'Approval expired.', approvalId: approval.id });
    expect(verifyChain(stream.map(chainLinkOf), { expectFirstSequence: 1 }).errors).toEqual([]);
  });
});
