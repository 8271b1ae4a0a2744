import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DENIED_AT_FINAL_APPROVAL, PUBLISHED_POLICY_SUBJECT, base32Decode, hotp, totpCode, totpTimeStep } from '@oars/domain';
import { randomId } from '@oars/ledger';
import { type Receipt, nodeVerifierCrypto, sha256Hex, verifyReceiptBundle } from '@oars/receipts';
import { type Runtime, createRuntime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { OPERATOR, TestHttp } from './support/http';
import { type StoreMode, createTestRuntime } from './support/test-runtime';
import { until } from './support/until';

const TENANTS = ['tenant_alpha', 'apr_serial', 'apr_parallel', 'apr_race', 'apr_escalate', 'apr_scan', 'apr_reeval', 'apr_stepup'];
const OPERATOR_SCOPES = ['approvals:write', 'actions:read'];
const tokenOf = (subject: string) => `tok_${subject}_0123456789abcdef`;
const API_TOKENS = JSON.stringify([
  { token: tokenOf('boss'), subject: 'boss', role: 'admin', tenantIds: TENANTS, scopes: ['actions:write', 'actions:read', 'approvals:write', 'receipts:read', 'receipts:verify', 'tenant_admin:read', 'tenant_admin:write', 'impersonate', 'alerts:read'] },
  { token: tokenOf('requester'), subject: 'requester', role: 'operator', tenantIds: TENANTS, scopes: ['actions:write', ...OPERATOR_SCOPES] },
  ...['alice', 'bob', 'carol', 'dave', 'erin'].map((s) => ({ token: tokenOf(s), subject: s, role: 'operator', tenantIds: TENANTS, scopes: OPERATOR_SCOPES })),
]);
const BOSS = tokenOf('boss');
const REQUESTER = tokenOf('requester');
const [ALICE, BOB, CAROL, DAVE, ERIN] = ['alice', 'bob', 'carol', 'dave', 'erin'].map(tokenOf) as [string, string, string, string, string];

/** Built-in connector at high risk (80): approval without step-up, then executed. */
const HIGH = { toolId: 'iam', operation: 'rotate_keys', target: 'staging' };
/** Critical (100): approval with step-up. */
const CRITICAL = { toolId: 'iam', operation: 'change_permissions', target: 'prod:finance' };
/** A tool no built-in connector runs: the agent executes it after approval. */
const AGENT_TOOL = { toolId: 'github', operation: 'delete', target: 'repo:oars' };
const VALID = { isSignatureValid: true, isChainValid: true, isSchemaValid: true, verificationErrors: [] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function harness(mode: StoreMode, env: Record<string, string> = {}) {
  const h = {} as { http: TestHttp; runtime: Runtime; app: NestFastifyApplication; cleanup: () => Promise<void> };
  beforeAll(async () => {
    const t = await createTestRuntime(mode, { OARS_API_TOKENS: API_TOKENS, ...env });
    h.runtime = t.runtime;
    h.cleanup = t.cleanup;
    h.app = await createApp(t.runtime, { logger: false });
    h.http = await TestHttp.listen(h.app);
  });
  afterAll(async () => {
    await h.app.close();
    await h.cleanup();
  });
  const submit = async (tenantId: string, resource: Record<string, string>) => {
    const res = await h.http.post('/v1/actions', { tenantId, agentId: 'agent_apr', resource, input: {} }, REQUESTER);
    expect(res.body).toMatchObject({ state: 'approval_required' });
    return res.body as { actionId: string; approvalId: string; receiptId: string; stepUpRequired: boolean; approvalProgress: Record<string, unknown> };
  };
  const decide = (approvalId: string, token: string, body: Record<string, unknown> = {}) =>
    h.http.post(`/v1/approvals/${approvalId}/decision`, { decision: 'approve', reason: 'looks fine', ...body }, token);
  const chain = async (actionId: string): Promise<Receipt[]> => (await h.http.get(`/v1/actions/${actionId}`, BOSS)).body.receipts;
  const verify = async (receiptId: string) => (await h.http.post('/v1/receipts/verify', { receiptId }, BOSS)).body;
  const configure = (tenantId: string, stages: unknown[]) => h.http.post(`/v1/admin/tenants/${tenantId}/approval-workflow`, { stages }, BOSS);
  return { h, submit, decide, chain, verify, configure };
}

describe.each<StoreMode>(['embedded', 'jetstream'])('approvals end to end over HTTP (%s event store)', (mode) => {
  const { h, submit, decide, chain, verify, configure } = harness(mode);

  it('approves in one serial stage: the decision, then approved and executed, in the action chain', async () => {
    const action = await submit('tenant_alpha', HIGH);
    expect(action.approvalProgress).toEqual({ currentStageIndex: 0, totalStages: 1, currentStageName: 'Primary Approval' });
    const res = await decide(action.approvalId, ALICE);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ actionId: action.actionId, state: 'executed', output: { status: 'applied', referenceId: `exec_${action.actionId}` } });
    const receipts = await chain(action.actionId);
    expect(receipts.map((r) => r.type)).toEqual(['action.requested', 'action.approval_required', 'approval.decided', 'action.approved', 'action.executed']);
    expect(receipts[2]!.data).toMatchObject({ approvalId: action.approvalId, stageIndex: 0, approverId: 'alice', decision: 'approve', reasonHash: sha256Hex('looks fine'), stepUp: null });
    expect(JSON.stringify(receipts)).not.toContain('looks fine');
    expect(receipts[4]!.receiptId).toBe(res.body.receiptId);
    expect(await verify(res.body.receiptId)).toEqual(VALID);
    const alerts = await h.http.get('/v1/receipts?tenantId=tenant_alpha&type=alert.raised', BOSS);
    expect(alerts.body.items.map((r: Receipt) => r.data.alert)).toContainEqual(expect.objectContaining({ actionId: action.actionId, code: 'HIGH_RISK_EXECUTED' }));
    const record = await h.http.get(`/v1/approvals/${action.approvalId}`, OPERATOR);
    expect(record.body).toMatchObject({ id: action.approvalId, actionId: action.actionId, status: 'approved', decisions: [{ approverId: 'alice', stageIndex: 0 }] });
    expect(record.body.plannedExecution).toBeUndefined();
  });

  it('rejects: denied with the approver and reason in the answer, only the reason hash in receipts', async () => {
    const action = await submit('tenant_alpha', HIGH);
    const res = await decide(action.approvalId, BOB, { decision: 'reject', reason: 'too risky today' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ actionId: action.actionId, state: 'denied', receiptId: expect.any(String), error: 'Approval rejected by bob: too risky today' });
    const receipts = await chain(action.actionId);
    expect(receipts.slice(2).map((r) => r.type)).toEqual(['approval.decided', 'action.denied']);
    expect(JSON.stringify(receipts)).not.toContain('too risky today');
    expect(await verify(res.body.receiptId)).toEqual(VALID);
    expect((await h.http.get(`/v1/approvals/${action.approvalId}`, BOSS)).body.status).toBe('rejected');
    expect((await decide(action.approvalId, CAROL)).body.error.code).toBe('approval_not_pending');
  });

  it('binds the approver to the token: no self-approval, no spoofing, other tenants are 404', async () => {
    const action = await submit('apr_serial', AGENT_TOOL);
    const self = await decide(action.approvalId, REQUESTER);
    expect([self.status, self.body.error.code]).toEqual([403, 'separation_of_duties']);
    const spoof = await decide(action.approvalId, ALICE, { approverId: 'bob' });
    expect([spoof.status, spoof.body.error.code]).toEqual([403, 'forbidden']);
    expect((await decide(action.approvalId, OPERATOR)).status).toBe(404);
    expect((await h.http.get(`/v1/approvals/${action.approvalId}`, OPERATOR)).status).toBe(404);
    expect((await decide('apr_0000', ALICE)).status).toBe(404);
    expect((await decide('apr bad', ALICE)).status).toBe(400);
    const short = await decide(action.approvalId, ALICE, { reason: 'no' });
    expect([short.status, short.body.error.message]).toEqual([400, expect.stringContaining('reason')]);
    // An admin may decide on someone's behalf (impersonate): the decision is that approver's.
    const onBehalf = await decide(action.approvalId, BOSS, { approverId: 'carol' });
    expect(onBehalf.body).toMatchObject({ state: 'approved' });
    expect((await chain(action.actionId))[2]!.data.approverId).toBe('carol');
  });

  it('asks for step-up on critical approvals, accepting the shared code', async () => {
    const action = await submit('tenant_alpha', CRITICAL);
    expect(action.stepUpRequired).toBe(true);
    expect((await decide(action.approvalId, ALICE)).body.error.code).toBe('step_up_required');
    expect((await decide(action.approvalId, ALICE, { stepUpCode: 'nope' })).body.error.code).toBe('step_up_invalid');
    const res = await decide(action.approvalId, ALICE, { stepUpCode: 'stepup_dev_code' });
    expect(res.body).toMatchObject({ state: 'executed' });
    expect((await chain(action.actionId))[2]!.data.stepUp).toBe('shared_code');
    expect(await verify(res.body.receiptId)).toEqual(VALID);
  });

  it('enrolls a TOTP factor and accepts each code once', async () => {
    expect((await h.http.post('/v1/admin/tenants/apr_stepup/step-up/enrollments', { subject: 'carol' }, CAROL)).status).toBe(403);
    const enrolled = await h.http.post('/v1/admin/tenants/apr_stepup/step-up/enrollments', { subject: 'carol' }, BOSS);
    expect(enrolled.status).toBe(201);
    expect(enrolled.body).toEqual({ subject: 'carol', enrollmentId: expect.stringMatching(/^stp_/), secret: expect.stringMatching(/^[A-Z2-7]{32}$/), otpauthUri: expect.stringContaining('otpauth://totp/OARS:carol?secret=') });
    const secret = base32Decode(enrolled.body.secret);
    const [first, second] = [await submit('apr_stepup', CRITICAL), await submit('apr_stepup', CRITICAL)];
    expect((await decide(first.approvalId, CAROL, { stepUpCode: 'stepup_dev_code' })).body.error.code).toBe('step_up_invalid');
    const now = Date.now();
    const code = totpCode(secret, now);
    const ok = await decide(first.approvalId, CAROL, { stepUpCode: code });
    expect(ok.body).toMatchObject({ state: 'executed' });
    expect((await chain(first.actionId))[2]!.data.stepUp).toBe('totp');
    const replay = await decide(second.approvalId, CAROL, { stepUpCode: code });
    expect([replay.status, replay.body.error.code]).toEqual([403, 'step_up_replayed']);
    const next = await decide(second.approvalId, CAROL, { stepUpCode: hotp(secret, totpTimeStep(now) + 1) });
    expect(next.body).toMatchObject({ state: 'executed' });
    const stream = await h.http.get('/v1/receipts?tenantId=apr_stepup&limit=500', BOSS);
    expect(JSON.stringify(stream.body.items)).not.toContain(enrolled.body.secret);
    expect(stream.body.items.filter((r: Receipt) => r.type === 'stepup.used')).toHaveLength(2);
  });

  it('runs a serial multi-stage workflow stage by stage, and a retried decision answers the same', async () => {
    const bad = await configure('apr_serial', [{ name: 'Manager', mode: 'serial', requiredApprovals: 2 }]);
    expect([bad.status, bad.body.error.message]).toEqual([400, expect.stringContaining('stages.0.requiredApprovals')]);
    const unknown = await configure('apr_serial', [{ name: 'Manager', mode: 'serial', requiredApprovals: 1, extra: 1 }]);
    expect([unknown.status, unknown.body.error.message]).toEqual([400, expect.stringContaining('stages.0.extra')]);
    const wf = await configure('apr_serial', [
      { name: 'Manager', mode: 'serial', requiredApprovals: 1, approverIds: ['alice'] },
      { name: 'Security', mode: 'serial', requiredApprovals: 1, approverIds: ['carol', 'bob', 'carol'] },
    ]);
    expect(wf.status).toBe(200);
    expect(wf.body).toMatchObject({ id: expect.stringMatching(/^apr_wf_/), tenantId: 'apr_serial', stages: [{ name: 'Manager' }, { name: 'Security', approverIds: ['bob', 'carol'] }] });
    expect((await h.http.get('/v1/admin/tenants/apr_serial/approval-workflow', BOSS)).body).toEqual(wf.body);

    const action = await submit('apr_serial', HIGH);
    expect(action.approvalProgress).toEqual({ currentStageIndex: 0, totalStages: 2, currentStageName: 'Manager' });
    expect((await decide(action.approvalId, BOB)).body.error.code).toBe('approver_not_authorized');
    const first = await decide(action.approvalId, ALICE);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ state: 'approval_required', approvalId: action.approvalId, stepUpRequired: false, approvalProgress: { currentStageIndex: 1, totalStages: 2, currentStageName: 'Security' } });
    const retried = await decide(action.approvalId, ALICE);
    expect([retried.status, retried.body]).toEqual([202, first.body]);
    expect((await decide(action.approvalId, ALICE, { reason: 'second thoughts' })).body.error.code).toBe('duplicate_approver');

    const forBob = await h.http.get('/v1/approvals?tenantId=apr_serial&approverId=bob', BOB);
    expect(forBob.body.items.map((a: { id: string }) => a.id)).toContain(action.approvalId);
    const forAlice = await h.http.get('/v1/approvals?tenantId=apr_serial&approverId=alice', BOB);
    expect(forAlice.body.items.map((a: { id: string }) => a.id)).not.toContain(action.approvalId);

    const last = await decide(action.approvalId, BOB);
    expect([last.status, last.body.state]).toEqual([200, 'executed']);
    expect((await decide(action.approvalId, BOB)).body).toEqual(last.body);
    expect((await chain(action.actionId)).map((r) => r.type).slice(2)).toEqual(['approval.decided', 'approval.decided', 'action.approved', 'action.executed']);
    expect(await verify(last.body.receiptId)).toEqual(VALID);
    const pending = await h.http.get('/v1/approvals?tenantId=apr_serial&status=pending', BOSS);
    expect(pending.body.items.map((a: { id: string }) => a.id)).not.toContain(action.approvalId);
  });

  it('counts a parallel quorum, leaving an agent-executed action approved', async () => {
    expect((await configure('apr_parallel', [{ name: 'Board', mode: 'parallel', requiredApprovals: 4, approverIds: ['alice', 'bob', 'carol'] }])).status).toBe(400);
    expect((await configure('apr_parallel', [{ name: 'Board', mode: 'parallel', requiredApprovals: 2, approverIds: ['alice', 'bob', 'carol'] }])).status).toBe(200);
    const action = await submit('apr_parallel', AGENT_TOOL);
    const first = await decide(action.approvalId, ALICE);
    expect(first.body).toMatchObject({ state: 'approval_required', approvalProgress: { currentStageIndex: 0, currentStageName: 'Board' } });
    expect((await decide(action.approvalId, ALICE)).body).toEqual(first.body);
    const second = await decide(action.approvalId, BOB);
    expect([second.status, second.body]).toEqual([200, { actionId: action.actionId, state: 'approved', receiptId: expect.any(String) }]);
    expect((await decide(action.approvalId, CAROL)).body.error.code).toBe('approval_not_pending');
    const approved = (await chain(action.actionId)).pop()!;
    expect(approved).toMatchObject({ type: 'action.approved', data: { executedBy: 'agent' } });
    expect(await verify(second.body.receiptId)).toEqual(VALID);
  });

  it('lets exactly one decision win per slot when approvers race on two instances, and keeps the chain valid', async () => {
    // A second OARS instance on the same event store and database (no projector of its own).
    const { store, sql, vault } = h.runtime;
    const other = await createRuntime(h.runtime.config, { stores: { store, sql, vault, close: async () => undefined }, runProjector: false });
    const otherApp = await createApp(other, { logger: false });
    const otherHttp = await TestHttp.listen(otherApp);
    await configure('apr_race', [{ name: 'Pair', mode: 'parallel', requiredApprovals: 2 }]);
    const action = await submit('apr_race', HIGH);
    const answers = await Promise.all([ALICE, BOB, CAROL, DAVE, ERIN].map((t, i) =>
      (i % 2 === 0 ? h.http : otherHttp).post(`/v1/approvals/${action.approvalId}/decision`, { decision: 'approve', reason: 'looks fine' }, t),
    ));
    await otherApp.close();
    await other.close();
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 202, 409, 409, 409]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'approval_not_pending')).toBe(true);
    const receipts = await chain(action.actionId);
    expect(receipts.filter((r) => r.type === 'approval.decided')).toHaveLength(2);
    expect(await verify(answers.find((a) => a.status === 200)!.body.receiptId)).toEqual(VALID);

    const again = await submit('apr_race', HIGH);
    const retries = await Promise.all(Array.from({ length: 4 }, () => decide(again.approvalId, ALICE)));
    expect(retries.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect(new Set(retries.map((r) => r.body.receiptId)).size).toBe(1);

    const trust = await h.http.get('/v1/trust/tenants/apr_race/keys');
    const stream = (await h.runtime.store.read('apr_race', { from: 1, limit: 10_000 })).map((e) => e.data);
    expect(verifyReceiptBundle(stream, trust.body.items, { expectFirstSequence: 1, crypto: nodeVerifierCrypto }).verificationErrors).toEqual([]);
  });

  it('escalates an overdue stage by itself, once, and keeps the scan for compatibility', async () => {
    await configure('apr_escalate', [{ name: 'Ops', mode: 'serial', requiredApprovals: 1, slaSeconds: 1, escalateTo: ['oncall', 'lead'] }]);
    const action = await submit('apr_escalate', HIGH);
    const escalated = await until('the timer to escalate', async () => {
      const record = (await h.http.get(`/v1/approvals/${action.approvalId}`, BOSS)).body;
      return record.escalatedStageIds?.length === 1 ? record : null;
    });
    expect(escalated.status).toBe('pending');
    const receipts = await chain(action.actionId);
    const escalations = receipts.filter((r) => r.type === 'approval.escalated');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]!.data).toMatchObject({ approvalId: action.approvalId, stageName: 'Ops', escalateTo: ['lead', 'oncall'], overdueSeconds: expect.any(Number) });
    // The escalation targets are notified through an alert (console, /v1/alerts, alert routing).
    const alerts = await until('the escalation alert', async () => {
      const res = await h.http.get('/v1/alerts?tenantId=apr_escalate', BOSS);
      return res.body.items?.find((a: { code: string }) => a.code === 'APPROVAL_ESCALATED') ?? null;
    });
    expect(alerts).toMatchObject({ severity: 'high', actionId: action.actionId, metadata: { approvalId: action.approvalId, escalateTo: ['lead', 'oncall'] } });
    expect(alerts.message).toContain('lead, oncall');
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const rescan = await h.http.post('/v1/admin/approvals/escalations/scan', { tenantId: 'apr_escalate', nowIso: later }, BOSS);
    expect(rescan.body).toMatchObject({ tenantId: 'apr_escalate', escalatedCount: 0, items: [] });
    expect((await decide(action.approvalId, ALICE)).body.state).toBe('executed');

    await configure('apr_scan', [{ name: 'Ops', mode: 'serial', requiredApprovals: 1, slaSeconds: 600, escalateTo: ['oncall'] }]);
    const slow = await submit('apr_scan', HIGH);
    expect((await h.http.post('/v1/admin/approvals/escalations/scan', { tenantId: 'apr_scan' }, BOSS)).body.escalatedCount).toBe(0);
    const scan = await h.http.post('/v1/admin/approvals/escalations/scan', { tenantId: 'apr_scan', nowIso: later }, BOSS);
    expect(scan.status).toBe(200);
    expect(scan.body).toEqual({
      scannedAt: later, tenantId: 'apr_scan', escalatedCount: 1,
      items: [{ approvalId: slow.approvalId, actionId: slow.actionId, tenantId: 'apr_scan', stageId: expect.stringMatching(/^apr_stage_/), stageName: 'Ops', escalateTo: ['oncall'], overdueSeconds: expect.any(Number) }],
    });
    expect((await h.http.post('/v1/admin/approvals/escalations/scan', { tenantId: 'apr_scan' }, ALICE)).status).toBe(403);
  });

  it('documents the approval routes in OpenAPI', async () => {
    const doc = await h.http.get('/docs/openapi.json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining([
      '/v1/approvals/{approvalId}/decision', '/v1/approvals', '/v1/approvals/{approvalId}', '/v1/admin/tenants/{tenantId}/approval-workflow',
      '/v1/admin/tenants/{tenantId}/step-up/enrollments', '/v1/admin/approvals/escalations/scan',
    ]));
  });

  it('evaluates the policy again at the final approval: a policy that now denies wins', async () => {
    const action = await submit('apr_reeval', HIGH);
    const now = new Date().toISOString();
    await h.runtime.writer.write('apr_reeval', () => ({
      drafts: [{
        receiptId: randomId('rcpt'), type: 'test.policy_published', subject: PUBLISHED_POLICY_SUBJECT, actionId: null, actor: null, resource: null,
        policy: null, risk: null, inputHash: null, telemetry: null,
        data: { policy: { id: 'pol_deny_all', tenantId: 'apr_reeval', version: 'v9', status: 'published', createdAt: now, updatedAt: now, rules: [{ id: 'R-DENY-ALL', description: 'Everything is denied.', priority: 1, match: {}, decision: 'deny' }] } },
      }],
      finish: () => undefined,
    }));
    const res = await decide(action.approvalId, ALICE);
    expect([res.status, res.body]).toEqual([200, { actionId: action.actionId, state: 'denied', receiptId: expect.any(String), error: DENIED_AT_FINAL_APPROVAL }]);
    const denied = (await chain(action.actionId)).pop()!;
    expect(denied).toMatchObject({ type: 'action.denied', policy: { policySetId: 'pol_deny_all', policyVersion: 'v9', decision: 'deny', ruleIds: ['R-DENY-ALL'], rationale: 'Everything is denied.' } });
    expect(await verify(res.body.receiptId)).toEqual(VALID);
    const alerts = await h.http.get('/v1/receipts?tenantId=apr_reeval&type=alert.raised', BOSS);
    expect(alerts.body.items.map((r: Receipt) => r.data.alert)).toContainEqual(expect.objectContaining({ actionId: action.actionId, code: 'POLICY_DENIED' }));
  });
});

describe.each<StoreMode>(['embedded', 'jetstream'])('approval expiry (%s event store)', (mode) => {
  const { submit, decide, chain, verify, h } = harness(mode, { OARS_APPROVAL_EXPIRY_SECONDS: '1' });

  it('cancels the action when its approval expires', async () => {
    const action = await submit('tenant_alpha', HIGH);
    const canceled = await until('the approval to expire', async () => {
      const got = (await h.http.get(`/v1/actions/${action.actionId}`, BOSS)).body;
      return got.action.state === 'canceled' ? got : null;
    });
    expect(canceled.action.lastError).toBe('Approval expired.');
    expect(canceled.receipts.map((r: Receipt) => r.type).slice(2)).toEqual(['approval.expired', 'action.canceled']);
    expect((await h.http.get(`/v1/approvals/${action.approvalId}`, BOSS)).body.status).toBe('expired');
    expect((await decide(action.approvalId, ALICE)).body.error.code).toBe('approval_not_pending');
    const last = (await chain(action.actionId)).pop()!;
    expect(await verify(last.receiptId)).toEqual(VALID);
  });
});
