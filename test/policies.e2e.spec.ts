import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Receipt, nodeVerifierCrypto, verifyReceiptBundle } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, AUDITOR, OPERATOR, TestHttp, actionBody } from './support/http';
import { type StoreMode, createTestRuntime } from './support/test-runtime';

/** An admin of the policy test tenants only, and an admin of tenant_bravo only (cross-tenant checks). */
const POLICY_ADMIN = 'policy_admin_token_e2e_0001';
const BRAVO_ADMIN = 'bravo_admin_token_e2e_00001';
const POLICY_TENANTS = ['pt_custom', 'pt_nomatch', 'pt_rollback', 'pt_fields', 'pt_fresh', 'pt_sim'];
const SCOPES = ['policies:write', 'policies:read', 'actions:write', 'actions:read', 'receipts:read', 'receipts:verify'];
const API_TOKENS = JSON.stringify([
  { token: POLICY_ADMIN, tokenId: 'tok_policy', subject: 'policy_admin', role: 'admin', tenantIds: POLICY_TENANTS, scopes: SCOPES },
  { token: BRAVO_ADMIN, tokenId: 'tok_bravo', subject: 'bravo_admin', role: 'admin', tenantIds: ['tenant_bravo'], scopes: SCOPES },
]);

type Rule = { id: string; description: string; priority: number; match: Record<string, unknown>; decision: string };
const rule = (id: string, priority: number, match: Record<string, unknown>, decision: string): Rule => ({ id, description: `rule ${id}`, priority, match, decision });
const policyBody = (tenantId: string, rules: unknown[], extra: Record<string, unknown> = {}) => ({ tenantId, version: 'v1', rules, ...extra });

describe.each<StoreMode>(['embedded', 'jetstream'])('policies end to end over HTTP (%s event store)', (mode) => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let runtime: Runtime;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestRuntime(mode, { OARS_API_TOKENS: API_TOKENS });
    runtime = t.runtime;
    cleanup = t.cleanup;
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const head = async (tenantId: string) => (await runtime.store.head(tenantId)).sequence;

  async function createPolicy(tenantId: string, rules: unknown[], extra: Record<string, unknown> = {}, token = POLICY_ADMIN) {
    const res = await http.post('/v1/policies', policyBody(tenantId, rules, extra), token);
    expect(res.status).toBe(201);
    return res.body;
  }

  async function publish(policyId: string, token = POLICY_ADMIN) {
    const res = await http.post(`/v1/policies/${policyId}/publish`, {}, token);
    expect(res.status).toBe(200);
    return res.body;
  }

  /** Submits an action and returns the answer and its decision receipt (the second of its chain). */
  async function submit(tenantId: string, overrides: Record<string, unknown> = {}) {
    const res = await http.post('/v1/actions', actionBody({ tenantId, ...overrides }), POLICY_ADMIN);
    expect(res.status).toBe(202);
    const got = await http.get(`/v1/actions/${res.body.actionId}`, POLICY_ADMIN);
    return { answer: res.body, decision: got.body.receipts[1] as Receipt };
  }

  it('creates drafts (rules by priority, canonical hash, a signed receipt), lists and gets them; admin only; other tenants 404', async () => {
    const created = await createPolicy('tenant_alpha', [rule('LOW', 1, {}, 'allow'), rule('HIGH', 9, { toolIds: ['iam'] }, 'deny')], {}, ADMIN);
    expect(created).toMatchObject({ tenantId: 'tenant_alpha', version: 'v1', status: 'draft', rules: [{ id: 'HIGH' }, { id: 'LOW' }] });
    expect(created.id).toMatch(/^pol_[0-9a-f]{32}$/);
    expect(created.policyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(created.updatedAt).toBe(created.createdAt);

    expect((await http.get(`/v1/policies/${created.id}`, AUDITOR)).body).toEqual(created);
    const list = await http.get('/v1/policies?tenantId=tenant_alpha', OPERATOR);
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(created);

    const stored = (await runtime.store.lastBySubject('tenant_alpha', `policy.${created.id}`))!.data as unknown as Receipt;
    expect(stored).toMatchObject({ type: 'policy.created', data: { actor: 'admin_user' } });
    const { policyHash: _hash, ...document } = created;
    expect(stored.data.policy).toEqual(document);
    const verified = await http.post('/v1/receipts/verify', { receiptId: stored.receiptId }, AUDITOR);
    expect(verified.body).toMatchObject({ isSignatureValid: true, isSchemaValid: true });

    const missingTenant = await http.get('/v1/policies', ADMIN);
    expect(missingTenant.status).toBe(400);
    expect(missingTenant.body.error.message).toContain('tenantId');
    expect((await http.get('/v1/policies?tenantId=tenant_enterprise', OPERATOR)).body.error.code).toBe('tenant_forbidden');

    const body = policyBody('tenant_alpha', [rule('A', 1, {}, 'allow')]);
    expect((await http.post('/v1/policies', body)).status).toBe(401);
    for (const token of [OPERATOR, AUDITOR]) {
      const refused = await http.post('/v1/policies', body, token);
      expect({ status: refused.status, code: refused.body.error.code }).toEqual({ status: 403, code: 'forbidden' });
    }
    expect((await http.post(`/v1/policies/${created.id}/publish`, {}, OPERATOR)).status).toBe(403);
    expect((await http.post('/v1/policies', policyBody('tenant_enterprise', [rule('A', 1, {}, 'allow')]), BRAVO_ADMIN)).body.error.code).toBe('tenant_forbidden');

    const enterprise = await createPolicy('tenant_enterprise', [rule('A', 1, {}, 'allow')], {}, ADMIN);
    const enterpriseHead = await head('tenant_enterprise');
    for (const res of [
      await http.get(`/v1/policies/${enterprise.id}`, OPERATOR),
      await http.post(`/v1/policies/${enterprise.id}/publish`, {}, BRAVO_ADMIN),
      await http.post(`/v1/policies/${enterprise.id}/rollback`, {}, BRAVO_ADMIN),
    ]) {
      expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 404, code: 'not_found' });
    }
    expect(await head('tenant_enterprise')).toBe(enterpriseHead);
    expect((await http.get('/v1/policies/pol%20bad', ADMIN)).status).toBe(400);
  });

  it('refuses invalid policies with a 400 naming the field, and writes nothing', async () => {
    const before = await head('tenant_alpha');
    const ok = rule('OK', 1, {}, 'allow');
    const cases: Array<[string, unknown, string]> = [
      ['bad end hour', policyBody('tenant_alpha', [ok, rule('B', 2, {}, 'deny'), rule('C', 3, { timeWindowUtc: { startHour: 1, endHour: 25 } }, 'deny')]), 'rules[2].match.timeWindowUtc.endHour'],
      ['equal hours', policyBody('tenant_alpha', [rule('C', 3, { timeWindowUtc: { startHour: 4, endHour: 4 } }, 'deny')]), 'rules[0].match.timeWindowUtc.endHour'],
      ['unknown rule field', policyBody('tenant_alpha', [{ ...ok, when: 'always' }]), 'rules[0].when'],
      ['unknown match field', policyBody('tenant_alpha', [rule('A', 1, { toolId: ['jira'] }, 'allow')]), 'rules[0].match.toolId'],
      ['empty list', policyBody('tenant_alpha', [rule('A', 1, { toolIds: [] }, 'allow')]), 'rules[0].match.toolIds'],
      ['unknown risk tier', policyBody('tenant_alpha', [rule('A', 1, { riskTiers: ['extreme'] }, 'allow')]), 'rules[0].match.riskTiers[0]'],
      ['duplicate rule ids', policyBody('tenant_alpha', [ok, { ...ok }]), 'rules[1].id'],
      ['bad decision', policyBody('tenant_alpha', [rule('A', 1, {}, 'maybe')]), 'rules[0].decision'],
      ['negative priority', policyBody('tenant_alpha', [rule('A', -1, {}, 'allow')]), 'rules[0].priority'],
      ['no rules', policyBody('tenant_alpha', []), 'rules'],
      ['missing rules', { tenantId: 'tenant_alpha', version: 'v1' }, 'rules'],
      ['missing version', { tenantId: 'tenant_alpha', rules: [ok] }, 'version'],
      ['bad default decision', policyBody('tenant_alpha', [ok], { defaultDecision: 'permit' }), 'defaultDecision'],
      ['bad risk weight', policyBody('tenant_alpha', [ok], { riskConfig: { targets: [{ contains: 'x', weight: 101, signal: 's' }] } }), 'riskConfig.targets[0].weight'],
      ['unknown top-level field', policyBody('tenant_alpha', [ok], { status: 'published' }), 'status'],
      ['bad tenant id', policyBody('tenant alpha', [ok]), 'tenantId'],
    ];
    for (const [label, body, field] of cases) {
      const res = await http.post('/v1/policies', body, ADMIN);
      expect({ label, status: res.status, code: res.body.error.code }).toEqual({ label, status: 400, code: 'validation_error' });
      expect({ label, message: res.body.error.message }).toEqual({ label, message: expect.stringContaining(field) });
    }
    expect(await head('tenant_alpha')).toBe(before);
    // A tenant's first write would start its stream with a key receipt: an invalid policy must not.
    await http.post('/v1/policies', policyBody('pt_fresh', [rule('A', 1, { toolIds: [] }, 'allow')]), POLICY_ADMIN);
    expect(await head('pt_fresh')).toBe(0);
  });

  it('collapses an Idempotency-Key retry (also raced) into one policy, and refuses the key for another policy', async () => {
    const key = `pol-${mode}-${Date.now()}`;
    const body = policyBody('tenant_alpha', [rule('A', 1, {}, 'allow')]);
    const before = await head('tenant_alpha');
    const first = await http.post('/v1/policies', body, ADMIN, { 'idempotency-key': key });
    const again = await http.post('/v1/policies', body, ADMIN, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const conflict = await http.post('/v1/policies', { ...body, version: 'v2' }, ADMIN, { 'idempotency-key': key });
    expect({ status: conflict.status, code: conflict.body.error.code }).toEqual({ status: 409, code: 'idempotency_conflict' });

    const raceKey = `race-${key}`;
    const answers = await Promise.all(Array.from({ length: 8 }, () => http.post('/v1/policies', body, ADMIN, { 'idempotency-key': raceKey })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await head('tenant_alpha')) - before).toBe(2);
  });

  it('publishes: new actions are decided by the published policy (id, version, hash in the receipt); publishing again writes nothing', async () => {
    const policy = await createPolicy('pt_custom', [rule('DENY-IAM', 50, { toolIds: ['iam'] }, 'deny'), rule('ALLOW-REST', 1, {}, 'allow')], {
      version: 'custom-1',
      riskConfig: { operations: { create_ticket: { weight: 5, signal: 'tenant_ticket' } } },
    });
    const published = await publish(policy.id);
    expect(published).toMatchObject({ id: policy.id, status: 'published', policyHash: policy.policyHash, rules: policy.rules });

    const cited = { policySetId: policy.id, policyVersion: 'custom-1', policyHash: policy.policyHash };
    const iam = await submit('pt_custom', { resource: { toolId: 'iam', operation: 'rotate_keys', target: 'staging' } });
    expect(iam.answer).toMatchObject({ state: 'denied', error: 'Action denied by policy.' });
    expect(iam.decision.policy).toEqual({ ...cited, decision: 'deny', ruleIds: ['DENY-IAM'], rationale: 'rule DENY-IAM' });
    const jira = await submit('pt_custom');
    expect(jira.answer.state).toBe('executed');
    expect(jira.decision.policy).toMatchObject({ ...cited, decision: 'allow', ruleIds: ['ALLOW-REST'] });
    expect(jira.decision.risk).toEqual({ score: 25, tier: 'low', signals: ['tenant_ticket'] });

    const before = await head('pt_custom');
    expect(await publish(policy.id)).toEqual(published);
    expect(await head('pt_custom')).toBe(before);
    expect((await http.get(`/v1/policies/${policy.id}`, POLICY_ADMIN)).body).toEqual(published);

    const receipts = await http.get('/v1/receipts?tenantId=pt_custom&type=policy.published', POLICY_ADMIN);
    expect(receipts.body.items).toHaveLength(1);
    expect(receipts.body.items[0].data).toMatchObject({ previousPublishedPolicyId: null, publishedPolicyIds: [policy.id], actor: 'policy_admin' });
    const trust = await http.get('/v1/trust/tenants/pt_custom/keys');
    const stream = (await runtime.store.read('pt_custom', { from: 1, limit: 10_000 })).map((e) => e.data);
    expect(verifyReceiptBundle(stream, trust.body.items, { expectFirstSequence: 1, crypto: nodeVerifierCrypto }).verificationErrors).toEqual([]);
  });

  it('keeps the built-in default for a tenant without a published policy', async () => {
    await createPolicy('tenant_bravo', [rule('DENY-ALL', 1, {}, 'deny')], {}, BRAVO_ADMIN); // a draft changes nothing
    const jira = await http.post('/v1/actions', actionBody({ tenantId: 'tenant_bravo' }), ADMIN);
    const drop = await http.post('/v1/actions', actionBody({ tenantId: 'tenant_bravo', resource: { toolId: 'database', operation: 'drop_database', target: 'db:x' } }), ADMIN);
    expect(jira.body.state).toBe('executed');
    expect(drop.body.state).toBe('denied');
    const receipt = (await http.get(`/v1/receipts/${drop.body.receiptId}`, ADMIN)).body as Receipt;
    expect(receipt.policy).toMatchObject({ policySetId: 'default_tenant_bravo', policyVersion: 'default-1', ruleIds: ['R-CRITICAL-DENY'] });
  });

  it('fails closed: no matching rule and no defaultDecision denies; a defaultDecision is honoured', async () => {
    const onlyGithub = await createPolicy('pt_nomatch', [rule('GITHUB', 1, { toolIds: ['github'] }, 'allow')]);
    await publish(onlyGithub.id);
    const denied = await submit('pt_nomatch');
    expect(denied.answer).toMatchObject({ state: 'denied', error: 'Action denied by policy.' });
    expect(denied.decision.policy).toMatchObject({ policySetId: onlyGithub.id, decision: 'deny', ruleIds: [], rationale: 'No matching rule; default deny.' });

    const quarantining = await createPolicy('pt_nomatch', [rule('GITHUB', 1, { toolIds: ['github'] }, 'allow')], { defaultDecision: 'quarantine' });
    await publish(quarantining.id);
    const quarantined = await submit('pt_nomatch');
    expect(quarantined.answer.state).toBe('quarantined');
    expect(quarantined.decision.policy).toMatchObject({ policySetId: quarantining.id, rationale: 'No matching rule; default quarantine.' });
  });

  it('rolls back to an earlier policy: decisions switch back; 409 for the one in force or one never published; 404 unknown', async () => {
    const allowAll = await createPolicy('pt_rollback', [rule('ALLOW-ALL', 1, {}, 'allow')]);
    const denyAll = await createPolicy('pt_rollback', [rule('DENY-ALL', 1, {}, 'deny')]);
    const neverPublished = await createPolicy('pt_rollback', [rule('QUARANTINE-ALL', 1, {}, 'quarantine')]);
    await publish(allowAll.id);
    await publish(denyAll.id);
    expect((await submit('pt_rollback')).decision.policy).toMatchObject({ policySetId: denyAll.id, ruleIds: ['DENY-ALL'] });

    const rolled = await http.post(`/v1/policies/${allowAll.id}/rollback`, {}, POLICY_ADMIN);
    expect(rolled.status).toBe(200);
    expect(rolled.body).toEqual({ policy: { ...allowAll, status: 'published', updatedAt: expect.any(String) }, previousPublishedPolicyId: denyAll.id });
    const after = await submit('pt_rollback');
    expect(after.answer.state).toBe('executed');
    expect(after.decision.policy).toMatchObject({ policySetId: allowAll.id, policyHash: allowAll.policyHash, ruleIds: ['ALLOW-ALL'] });

    const statuses = (await http.get('/v1/policies?tenantId=pt_rollback', POLICY_ADMIN)).body.items.map((p: { id: string; status: string }) => [p.id, p.status]);
    expect(statuses).toEqual([[allowAll.id, 'published'], [denyAll.id, 'draft'], [neverPublished.id, 'draft']]);

    const before = await head('pt_rollback');
    const refusals: Array<[string, string, number, string]> = [
      [allowAll.id, 'rollback', 409, 'policy_already_published'],
      [neverPublished.id, 'rollback', 409, 'policy_never_published'],
      [`pol_${'0'.repeat(32)}`, 'rollback', 404, 'not_found'],
      [`pol_${'0'.repeat(32)}`, 'publish', 404, 'not_found'],
    ];
    for (const [id, verb, status, code] of refusals) {
      const res = await http.post(`/v1/policies/${id}/${verb}`, {}, POLICY_ADMIN);
      expect({ id, verb, status: res.status, code: res.body.error.code }).toEqual({ id, verb, status, code });
    }
    expect((await http.post(`/v1/policies/${denyAll.id}/rollback`, {}, OPERATOR)).status).toBe(403);
    expect(await head('pt_rollback')).toBe(before);
  });

  it('matches every rule field (toolIds, operations, targetContains, riskTiers, environments, requiredDataTypes, wrapping time windows)', async () => {
    const policy = await createPolicy('pt_fields', [
      rule('R-TOOL', 100, { toolIds: ['github'] }, 'quarantine'),
      rule('R-OP', 90, { operations: ['export_all'] }, 'deny'),
      rule('R-TARGET', 80, { targetContains: 'secret' }, 'approve'),
      rule('R-TIER', 70, { riskTiers: ['high'] }, 'approve'),
      rule('R-ENV', 60, { environments: ['prod'] }, 'deny'),
      rule('R-DATA', 50, { requiredDataTypes: ['pii', 'phi'] }, 'quarantine'),
      rule('R-NIGHT', 40, { timeWindowUtc: { startHour: 22, endHour: 2 } }, 'deny'),
      rule('R-DAY', 30, { timeWindowUtc: { startHour: 8, endHour: 18 } }, 'allow'),
    ]);
    const base = { toolId: 'confluence', operation: 'create_page', target: 'space:SEC' };
    const noon = '2026-03-01T12:00:00.000Z';
    const cases: Array<[Record<string, string>, Record<string, unknown>, string | null, string, string[]]> = [
      [{ toolId: 'github' }, {}, 'R-TOOL', 'quarantine', ['toolIds']],
      [{ operation: 'export_all' }, {}, 'R-OP', 'deny', ['operations']],
      [{ target: 'space:secret-plans' }, {}, 'R-TARGET', 'approve', ['targetContains']],
      [{ target: 'space:SECRET' }, {}, 'R-DAY', 'allow', ['timeWindowUtc']],
      [{ toolId: 'iam', operation: 'rotate_keys', target: 'staging' }, {}, 'R-TIER', 'approve', ['riskTiers']],
      [{}, { environment: 'prod' }, 'R-ENV', 'deny', ['environments']],
      [{}, { environment: 'staging' }, 'R-DAY', 'allow', ['timeWindowUtc']],
      [{}, { dataTypes: ['phi', 'x', 'pii'] }, 'R-DATA', 'quarantine', ['requiredDataTypes']],
      [{}, { dataTypes: ['pii'] }, 'R-DAY', 'allow', ['timeWindowUtc']],
      [{}, { requestedAt: '2026-03-01T23:30:00Z' }, 'R-NIGHT', 'deny', ['timeWindowUtc']],
      [{}, { requestedAt: '2026-03-02T01:59:59Z' }, 'R-NIGHT', 'deny', ['timeWindowUtc']],
      [{}, { requestedAt: '2026-03-01T08:00:00+00:00' }, 'R-DAY', 'allow', ['timeWindowUtc']],
      [{}, { requestedAt: '2026-03-02T02:00:00Z' }, null, 'deny', []],
      [{}, { requestedAt: '2026-03-01T23:30:00+05:00' }, null, 'deny', []],
    ];
    for (const [resource, context, ruleId, decision, matchedConditions] of cases) {
      const res = await http.post(
        '/v1/policies/simulate',
        { tenantId: 'pt_fields', agentId: 'agent_sim', policyId: policy.id, resource: { ...base, ...resource }, context: { requestedAt: noon, ...context } },
        POLICY_ADMIN,
      );
      expect(res.status).toBe(200);
      const got = { ruleIds: res.body.ruleIds, decision: res.body.decision, matchedConditions: res.body.matchedConditions };
      expect({ resource, context, ...got }).toEqual({ resource, context, ruleIds: ruleId ? [ruleId] : [], decision, matchedConditions });
    }

    // The same rules decide real submissions once published (the server stamps its own requestedAt).
    await publish(policy.id);
    const prod = await submit('pt_fields', { resource: base, context: { environment: 'prod' } });
    expect(prod.decision.policy).toMatchObject({ policySetId: policy.id, ruleIds: ['R-ENV'], decision: 'deny' });
    const data = await submit('pt_fields', { resource: base, context: { environment: 'dev', dataTypes: ['pii', 'phi'] } });
    expect(data.answer.state).toBe('quarantined');
  });

  it('simulates without creating anything, against the named, the published or the built-in policy', async () => {
    const draft = await createPolicy('tenant_alpha', [rule('Q', 1, { operations: ['create_ticket'] }, 'quarantine')], { version: 'sim-1' }, ADMIN);
    const body = { tenantId: 'tenant_alpha', agentId: 'agent_sim', resource: { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' }, input: { any: 'thing' } };
    const before = await head('tenant_alpha');
    const receiptsBefore = (await http.get('/v1/receipts?tenantId=tenant_alpha&limit=500', AUDITOR)).body.items.length;

    const named = await http.post('/v1/policies/simulate', { ...body, policyId: draft.id }, AUDITOR);
    expect(named.status).toBe(200);
    expect(named.body).toEqual({
      simulationId: expect.stringMatching(/^sim_[0-9a-f]{32}$/),
      tenantId: 'tenant_alpha',
      policySetId: draft.id,
      policyVersion: 'sim-1',
      policyHash: draft.policyHash,
      decision: 'quarantine',
      rationale: 'rule Q',
      ruleIds: ['Q'],
      matchedConditions: ['operations'],
      risk: { score: 45, tier: 'medium', signals: ['medium_risk_operation'] },
    });
    const fallback = await http.post('/v1/policies/simulate', body, OPERATOR);
    expect(fallback.body).toMatchObject({ policySetId: 'default_tenant_alpha', policyVersion: 'default-1', decision: 'allow', ruleIds: ['R-ALLOW-DEFAULT'] });
    const tuned = await createPolicy('pt_sim', [rule('T', 1, {}, 'allow')], { riskConfig: { targets: [{ contains: 'sec', weight: 40, signal: 'security_target' }] } });
    await publish(tuned.id);
    const simHead = await head('pt_sim');
    const published = await http.post('/v1/policies/simulate', { ...body, tenantId: 'pt_sim' }, POLICY_ADMIN);
    expect(published.body).toMatchObject({ policySetId: tuned.id, decision: 'allow', ruleIds: ['T'], risk: { score: 85, tier: 'high', signals: ['medium_risk_operation', 'security_target'] } });
    expect(await head('pt_sim')).toBe(simHead);

    const refusals: Array<[string, Record<string, unknown>, string, number, string]> = [
      ['unknown policy', { policyId: `pol_${'1'.repeat(32)}` }, ADMIN, 404, 'not_found'],
      ["another tenant's policy", { policyId: tuned.id }, ADMIN, 404, 'not_found'],
      ['tenant not held', { tenantId: 'tenant_enterprise' }, OPERATOR, 403, 'tenant_forbidden'],
      ['time without a zone', { context: { requestedAt: '2026-03-01T12:00:00' } }, ADMIN, 400, 'validation_error'],
      ['unknown field', { extra: 1 }, ADMIN, 400, 'validation_error'],
      ['missing resource', { resource: undefined }, ADMIN, 400, 'validation_error'],
    ];
    for (const [label, overrides, token, status, code] of refusals) {
      const res = await http.post('/v1/policies/simulate', { ...body, ...overrides }, token);
      expect({ label, status: res.status, code: res.body.error.code }).toEqual({ label, status, code });
    }
    expect((await http.post('/v1/policies/simulate', { ...body, context: { requestedAt: '2026-03-01T12:00:00' } }, ADMIN)).body.error.message).toContain('context.requestedAt');

    expect(await head('tenant_alpha')).toBe(before);
    expect((await http.get('/v1/receipts?tenantId=tenant_alpha&limit=500', AUDITOR)).body.items).toHaveLength(receiptsBefore);
  });
});
