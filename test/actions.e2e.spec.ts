import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Receipt, verifyReceiptBundle, nodeVerifierCrypto } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, AUDITOR, OPERATOR, TestHttp, actionBody } from './support/http';
import { type StoreMode, createTestRuntime } from './support/test-runtime';

describe.each<StoreMode>(['embedded', 'jetstream'])('actions end to end over HTTP (%s event store)', (mode) => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let runtime: Runtime;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestRuntime(mode);
    runtime = t.runtime;
    cleanup = t.cleanup;
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const tenantReceiptCount = async (tenantId: string) => (await runtime.store.head(tenantId)).sequence;

  it('answers liveness and readiness', async () => {
    const live = await http.get('/health');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok', service: 'oars-platform' });
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.components.eventStore.state).toBe('OK');
    expect(ready.body.components.projector.state).toMatch(/OK|WARN/);
    // Without a token only the states: no messages (tenant ids, database error text).
    expect(Object.values(ready.body.components).every((c) => Object.keys(c as object).join() === 'state')).toBe(true);
    const detailed = await http.get('/health/ready', AUDITOR);
    expect(detailed.body.components.eventStore.message).toEqual(expect.any(String));
  });

  it('executes an allowed action with requested, approved and executed receipts', async () => {
    const res = await http.post('/v1/actions', actionBody(), ADMIN);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: 'executed', output: { project: 'project:SEC', status: 'created', toolId: 'jira' } });
    expect(res.body.actionId).toMatch(/^act_[0-9a-f]{32}$/);
    expect(res.body.receiptId).toMatch(/^rcpt_[0-9a-f]{32}$/);

    const got = await http.get(`/v1/actions/${res.body.actionId}`, OPERATOR);
    expect(got.status).toBe(200);
    expect(got.body.action).toMatchObject({ id: res.body.actionId, state: 'executed', policyDecision: 'allow', policyRuleIds: ['R-ALLOW-DEFAULT'] });
    const types = got.body.receipts.map((r: Receipt) => r.type);
    expect(types).toEqual(['action.requested', 'action.approved', 'action.executed']);
    const [requested, approved, executed] = got.body.receipts as Receipt[];
    expect(requested!.integrity.prevReceiptHash).toBeNull();
    expect(approved!.integrity.prevReceiptHash).toBe(requested!.integrity.receiptHash);
    expect(executed!.integrity.prevReceiptHash).toBe(approved!.integrity.receiptHash);
    expect(executed!.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(got.body.receipts)).not.toContain('Rotate the staging credentials');
    expect(executed!.policy).toMatchObject({ policySetId: 'default_tenant_alpha', policyVersion: 'default-1', decision: 'allow' });
    expect(executed!.policy!.policyHash).toMatch(/^[0-9a-f]{64}$/);

    const verified = await http.post('/v1/receipts/verify', { receiptId: res.body.receiptId }, AUDITOR);
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ isSignatureValid: true, isChainValid: true, isSchemaValid: true, verificationErrors: [] });
  });

  it('denies, and asks for approval, exactly as the built-in default policy says', async () => {
    const denied = await http.post('/v1/actions', actionBody({ resource: { toolId: 'database', operation: 'drop_database', target: 'db:prod' } }), ADMIN);
    expect(denied.status).toBe(202);
    expect(denied.body).toMatchObject({ state: 'denied', error: 'Action denied by policy.' });

    const approval = await http.post('/v1/actions', actionBody({ resource: { toolId: 'iam', operation: 'change_permissions', target: 'prod:finance' } }), ADMIN);
    expect(approval.status).toBe(202);
    expect(approval.body).toMatchObject({
      state: 'approval_required',
      stepUpRequired: true,
      approvalProgress: { currentStageIndex: 0, totalStages: 1, currentStageName: 'Primary Approval' },
    });
    expect(approval.body.approvalId).toMatch(/^apr_[0-9a-f]{32}$/);
    const got = await http.get(`/v1/actions/${approval.body.actionId}`, ADMIN);
    expect(got.body.receipts.map((r: Receipt) => r.type)).toEqual(['action.requested', 'action.approval_required']);
    expect(got.body.receipts[1].risk).toEqual({ score: 100, tier: 'critical', signals: ['high_risk_operation', 'production_target', 'financial_domain_target'] });
  });

  it('accepts the snake_case aliases', async () => {
    const res = await http.post(
      '/v1/actions',
      { tenant_id: 'tenant_alpha', agent_id: 'agent_snake', user_context: { user_id: 'admin_user' }, action_context: { env: 'prod', data_types: ['pii'] }, resource: { tool_id: 'slack', operation: 'send_message', target: 'channel:ops' }, input: {} },
      ADMIN,
    );
    expect(res.status).toBe(202);
    expect(res.body.state).toBe('executed');
    const got = await http.get(`/v1/actions/${res.body.actionId}`, ADMIN);
    expect(got.body.action.context).toMatchObject({ environment: 'prod', dataTypes: ['pii'] });
  });

  it('replays an Idempotency-Key, refuses it for another payload, and collapses a race into one action', async () => {
    const key = `idem-${mode}-${Date.now()}`;
    const first = await http.post('/v1/actions', actionBody(), ADMIN, { 'idempotency-key': key });
    const again = await http.post('/v1/actions', actionBody(), ADMIN, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const conflict = await http.post('/v1/actions', actionBody({ input: { summary: 'something else' } }), ADMIN, { 'idempotency-key': key });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('idempotency_conflict');

    const raceKey = `race-${mode}-${Date.now()}`;
    const before = await tenantReceiptCount('tenant_alpha');
    const answers = await Promise.all(Array.from({ length: 12 }, () => http.post('/v1/actions', actionBody(), ADMIN, { 'idempotency-key': raceKey })));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    expect(new Set(answers.map((a) => a.body.actionId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.receiptId)).size).toBe(1);
    expect((await tenantReceiptCount('tenant_alpha')) - before).toBe(3);
  });

  it('refuses bad input with a 4xx naming the problem, and writes nothing', async () => {
    const before = await tenantReceiptCount('tenant_alpha');
    const cases: Array<[string, { raw?: string; body?: unknown }, number, string, string?]> = [
      ['malformed JSON', { raw: '{"tenantId": ' }, 400, 'invalid_json'],
      ['missing resource', { body: { tenantId: 'tenant_alpha', agentId: 'a', input: {} } }, 400, 'validation_error', 'resource'],
      ['wrong type', { body: actionBody({ agentId: 42 }) }, 400, 'validation_error', 'agentId'],
      ['empty toolId', { body: actionBody({ resource: { toolId: '', operation: 'x', target: 'y' } }) }, 400, 'validation_error', 'resource.toolId'],
      ['unknown field', { body: actionBody({ extra: true }) }, 400, 'validation_error', 'extra'],
      ['bad tenant id', { body: actionBody({ tenantId: 'tenant alpha;drop' }) }, 400, 'validation_error', 'tenantId'],
      ['input not an object', { body: actionBody({ input: [1, 2] }) }, 400, 'validation_error', 'input'],
      ['body too large', { body: actionBody({ input: { blob: 'x'.repeat(1_100_000) } }) }, 413, 'payload_too_large'],
    ];
    for (const [label, payload, status, code, field] of cases) {
      const res = await http.request('POST', '/v1/actions', { token: ADMIN, ...payload });
      expect({ label, status: res.status, code: res.body?.error?.code }).toEqual({ label, status, code });
      expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
      if (field) expect(res.body.error.message).toContain(field);
    }
    const badCursor = await http.get('/v1/receipts?tenantId=tenant_alpha&cursor=%%%', ADMIN);
    expect(badCursor.status).toBe(400);
    const badLimit = await http.get('/v1/receipts?tenantId=tenant_alpha&limit=0', ADMIN);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toContain('limit');
    expect(await tenantReceiptCount('tenant_alpha')).toBe(before);
  });

  it('authenticates, checks scopes and tenants, and hides other tenants behind 404', async () => {
    expect((await http.post('/v1/actions', actionBody())).status).toBe(401);
    expect((await http.post('/v1/actions', actionBody(), 'not_a_token')).body.error.code).toBe('unauthorized');
    const auditor = await http.post('/v1/actions', actionBody(), AUDITOR);
    expect(auditor.status).toBe(403);
    expect(auditor.body.error.code).toBe('forbidden');
    const foreign = await http.post('/v1/actions', actionBody({ tenantId: 'tenant_enterprise' }), OPERATOR);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('tenant_forbidden');
    const impersonation = await http.post('/v1/actions', actionBody({ userContext: { userId: 'someone_else' } }), OPERATOR);
    expect(impersonation.status).toBe(403);

    const enterprise = await http.post('/v1/actions', actionBody({ tenantId: 'tenant_enterprise' }), ADMIN);
    expect(enterprise.status).toBe(202);
    const hidden = await http.get(`/v1/actions/${enterprise.body.actionId}`, OPERATOR);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('not_found');
    expect((await http.get(`/v1/receipts/${enterprise.body.receiptId}`, OPERATOR)).status).toBe(404);
    expect((await http.post('/v1/receipts/verify', { receiptId: enterprise.body.receiptId }, OPERATOR)).status).toBe(404);
  });

  it('answers unknown routes and bad ids in the envelope, and echoes a sane x-request-id', async () => {
    const res = await http.request('GET', '/v1/nothing-here', { headers: { 'x-request-id': 'client-req-1' } });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'not_found', requestId: 'client-req-1' });
    expect(res.headers.get('x-request-id')).toBe('client-req-1');
    const weird = await http.request('GET', '/health', { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(weird.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    const badId = await http.get('/v1/actions/act%20bad', ADMIN);
    expect(badId.status).toBe(400);
  });

  it('lists receipts newest first with filters and a cursor that reaches everything', async () => {
    for (let i = 0; i < 4; i++) await http.post('/v1/actions', actionBody({ tenantId: 'tenant_bravo', agentId: `agent_${i}` }), ADMIN);
    const all: Receipt[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Receipt[]; nextCursor: string | null } } = await http.get(`/v1/receipts?tenantId=tenant_bravo&limit=5${cursor ? `&cursor=${cursor}` : ''}`, AUDITOR);
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const head = await tenantReceiptCount('tenant_bravo');
    expect(all.map((r) => r.sequence)).toEqual(Array.from({ length: head }, (_, i) => head - i));
    const executed = await http.get('/v1/receipts?tenantId=tenant_bravo&type=action.executed&actorAgentId=agent_2', AUDITOR);
    expect(executed.body.items).toHaveLength(1);
    expect(executed.body.items[0]).toMatchObject({ type: 'action.executed', actor: { agentId: 'agent_2' } });
  });

  it('publishes keys, rotates them, and keeps old receipts verifiable offline from the whole stream', async () => {
    const before = await http.post('/v1/actions', actionBody(), ADMIN);
    const keys = await http.get('/v1/trust/tenants/tenant_alpha/keys');
    expect(keys.status).toBe(200);
    expect(keys.body.items).toHaveLength(1);
    expect(keys.body.items[0]).toMatchObject({ status: 'active', publicKeyPem: expect.stringContaining('BEGIN PUBLIC KEY') });

    expect((await http.post('/v1/admin/tenants/tenant_alpha/keys/rotate', {}, OPERATOR)).status).toBe(403);
    // No body at all, but the JSON content type some clients always send: still a valid call.
    const bare = await http.request('POST', '/v1/admin/tenants/tenant_bravo/keys/rotate', { token: ADMIN, raw: '', headers: { 'content-type': 'application/json' } });
    expect(bare.status).toBe(200);
    const rotated = await http.post('/v1/admin/tenants/tenant_alpha/keys/rotate', {}, ADMIN);
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousActiveKeyId).toBe(keys.body.items[0].keyId);
    const after = await http.post('/v1/actions', actionBody(), ADMIN);
    const newReceipt = await http.get(`/v1/receipts/${after.body.receiptId}`, ADMIN);
    expect(newReceipt.body.integrity.signingKeyId).toBe(rotated.body.newKeyId);

    const listed = await http.get('/v1/admin/tenants/tenant_alpha/keys', AUDITOR);
    expect(listed.body.items.map((k: { status: string }) => k.status)).toEqual(['active', 'retired']);
    expect(listed.body.items[0].publicKeyPem).toBeUndefined();

    const old = await http.post('/v1/receipts/verify', { receiptId: before.body.receiptId }, ADMIN);
    expect(old.body).toMatchObject({ isSignatureValid: true, isChainValid: true });

    const trust = await http.get('/v1/trust/tenants/tenant_alpha/keys');
    const stream = (await runtime.store.read('tenant_alpha', { from: 1, limit: 100_000 })).map((e) => e.data);
    const result = verifyReceiptBundle(stream, trust.body.items, { expectFirstSequence: 1, crypto: nodeVerifierCrypto });
    expect(result.verificationErrors).toEqual([]);
    expect(result.checked).toBe(stream.length);
    expect(stream[0]).toMatchObject({ type: 'key.generated', sequence: 1 });
  });

  it('verifies a receipt given as payload, and catches a forged one', async () => {
    const res = await http.post('/v1/actions', actionBody(), ADMIN);
    const got = await http.get(`/v1/actions/${res.body.actionId}`, ADMIN);
    const receipt = got.body.receipts[2] as Receipt;
    const ok = await http.post('/v1/receipts/verify', { receipt, chain: got.body.receipts }, AUDITOR);
    expect(ok.body).toEqual({ isSignatureValid: true, isChainValid: true, isSchemaValid: true, verificationErrors: [] });
    const forged = { ...receipt, resource: { ...receipt.resource!, target: 'project:OTHER' } };
    const bad = await http.post('/v1/receipts/verify', { receipt: forged }, AUDITOR);
    expect(bad.status).toBe(200);
    expect(bad.body.isSignatureValid).toBe(false);
    expect(bad.body.verificationErrors).toContain('Receipt hash mismatch.');
    const missing = await http.post('/v1/receipts/verify', {}, AUDITOR);
    expect(missing.status).toBe(400);
  });
});
