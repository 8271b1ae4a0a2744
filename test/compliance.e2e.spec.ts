import type { Receipt } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { TestHttp, actionBody } from './support/http';
import { urlEncode } from './support/hostile-values';
import type { StoreMode } from './support/test-runtime';
import { startTestApp } from './support/test-app';
import { settled } from './support/settled';

const TENANTS = ['cmp_a', 'cmp_b', 'cmp_graph', 'cmp_bad'];
const tokenOf = (subject: string) => `tok_${subject}_compliance_e2e`;
const [ADMIN, APPROVER, AUDITOR, OPERATOR, B_ADMIN] = ['cmp_admin', 'approver', 'auditor', 'operator', 'b_admin'].map(tokenOf) as [string, string, string, string, string];
const API_TOKENS = JSON.stringify([
  {
    token: ADMIN, tokenId: 'tok_cmp_admin', subject: 'cmp_admin', role: 'admin', tenantIds: TENANTS,
    scopes: ['compliance:read', 'compliance:write', 'evidence:read', 'actions:write', 'actions:read', 'receipts:read', 'receipts:verify'],
  },
  { token: APPROVER, tokenId: 'tok_approver', subject: 'approver', role: 'operator', tenantIds: TENANTS, scopes: ['approvals:write', 'actions:read'] },
  { token: AUDITOR, tokenId: 'tok_auditor', subject: 'auditor', role: 'auditor', tenantIds: TENANTS, scopes: ['compliance:read', 'evidence:read', 'receipts:read'] },
  { token: OPERATOR, tokenId: 'tok_operator', subject: 'operator', role: 'operator', tenantIds: TENANTS, scopes: ['compliance:read', 'compliance:write'] },
  { token: B_ADMIN, tokenId: 'tok_b_admin', subject: 'b_admin', role: 'admin', tenantIds: ['cmp_b'], scopes: ['compliance:read', 'compliance:write', 'receipts:read'] },
]);
/** High risk (80) on a built-in connector: approval required, executed once approved. */
const HIGH = { toolId: 'iam', operation: 'rotate_keys', target: 'staging' };
const mappingBody = (overrides: Record<string, unknown> = {}) => ({
  tenantId: 'cmp_a', framework: 'eu_ai_act', controlId: 'ART-14', controlDescription: 'Human oversight', requiredNodeTypes: ['approval_decision'], ...overrides,
});

describe.each<StoreMode>(['embedded', 'jetstream'])('compliance and the evidence graph end to end over HTTP (%s event store)', (mode) => {
  let http: TestHttp;
  let runtime: Runtime;
  let stop: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    ({ runtime, http, close: stop } = await startTestApp(mode, { OARS_API_TOKENS: API_TOKENS }));
  });
  afterAll(() => stop());

  const head = async (tenantId: string) => (await runtime.store.head(tenantId)).sequence;
  const scan = (body: Record<string, unknown>, token = AUDITOR) => http.post('/v1/admin/compliance/coverage/scan', body, token);
  const control = (report: { controls: Array<{ controlId: string }> }, controlId: string) => report.controls.find((c) => c.controlId === controlId) as Record<string, any>;
  const refusal = (res: { status: number; body: any }) => ({ status: res.status, code: res.body?.error?.code, message: res.body?.error?.message });

  it('lists the shipped catalogue; upserts the tenant mapping as a signed receipt (admin only); keeps tenants apart', async () => {
    const shipped = await http.get('/v1/admin/compliance/control-mappings?tenantId=cmp_a&framework=eu_ai_act', AUDITOR);
    expect(shipped.status).toBe(200);
    expect(shipped.body.items.every((i: { source: string }) => i.source === 'catalogue')).toBe(true);
    expect(shipped.body.items.map((i: { controlId: string }) => i.controlId)).toEqual(['Art. 12', 'Art. 14', 'Art. 19', 'Art. 26(2)', 'Art. 26(5)', 'Art. 26(6)']);
    const art14 = shipped.body.items.find((i: { controlId: string }) => i.controlId === 'Art. 14');
    expect(art14).toMatchObject({ framework: 'eu_ai_act', title: 'Human oversight', requiredNodeTypes: ['approval_decision'], requiredEvidence: [{ kind: 'human_approval', nodeType: 'approval_decision' }] });
    expect(art14.requiredEvidence[0].doesNotCount).toContain('allowed by itself');
    const everything = await http.get('/v1/admin/compliance/control-mappings?tenantId=cmp_a', AUDITOR);
    expect(new Set(everything.body.items.map((i: { framework: string }) => i.framework))).toEqual(new Set(['eu_ai_act', 'iso_42001', 'soc2']));

    const before = await head('cmp_a');
    const body = mappingBody({ requiredNodeTypes: ['approval_decision', 'receipt', 'approval_decision'], receiptFilters: { toolIds: ['iam', 'github', 'iam'] } });
    const created = await http.post('/v1/admin/compliance/control-mappings', body, ADMIN);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^ctl_[0-9a-f]{32}$/), tenantId: 'cmp_a', framework: 'eu_ai_act', controlId: 'ART-14', controlDescription: 'Human oversight',
      requiredNodeTypes: ['approval_decision', 'receipt'], receiptFilters: { toolIds: ['github', 'iam'] },
      createdAt: expect.any(String), updatedAt: created.body.createdAt, createdBy: 'cmp_admin',
    });
    const stored = (await runtime.store.lastBySubject('cmp_a', `controlmapping.${created.body.id}`))!.data as unknown as Receipt;
    expect(stored).toMatchObject({ type: 'compliance.control_mapping.upserted', data: { mapping: created.body, actor: 'cmp_admin' } });
    expect((await http.post('/v1/receipts/verify', { receiptId: stored.receiptId }, ADMIN)).body).toMatchObject({ isSignatureValid: true, isChainValid: true });
    const afterCreate = await head('cmp_a');
    expect(afterCreate).toBeGreaterThan(before);

    // The same content again records nothing; new content keeps the id and creation.
    expect((await http.post('/v1/admin/compliance/control-mappings', body, ADMIN)).body).toEqual(created.body);
    expect(await head('cmp_a')).toBe(afterCreate);
    const updated = await http.post('/v1/admin/compliance/control-mappings', mappingBody({ controlDescription: 'People oversee the agents' }), ADMIN);
    expect(updated.body).toMatchObject({ id: created.body.id, createdAt: created.body.createdAt, controlDescription: 'People oversee the agents' });
    expect(updated.body).not.toHaveProperty('receiptFilters');

    const listed = await http.get('/v1/admin/compliance/control-mappings?tenantId=cmp_a&framework=eu_ai_act', AUDITOR);
    expect(listed.body.items[0]).toEqual({ source: 'tenant', ...updated.body });
    expect(listed.body.items.map((i: { controlId: string }) => i.controlId)).toEqual(['ART-14', 'Art. 12', 'Art. 14', 'Art. 19', 'Art. 26(2)', 'Art. 26(5)', 'Art. 26(6)']);

    const writes = await head('cmp_a');
    expect(refusal(await http.post('/v1/admin/compliance/control-mappings', body))).toMatchObject({ status: 401 });
    expect(refusal(await http.post('/v1/admin/compliance/control-mappings', body, AUDITOR))).toMatchObject({ status: 403, code: 'forbidden', message: 'Missing required scope: compliance:write' });
    expect(refusal(await http.post('/v1/admin/compliance/control-mappings', body, OPERATOR))).toMatchObject({ status: 403, code: 'forbidden', message: expect.stringContaining('admin-only') });
    expect(refusal(await http.post('/v1/admin/compliance/control-mappings', body, B_ADMIN))).toMatchObject({ status: 403, code: 'tenant_forbidden' });
    expect(refusal(await http.get('/v1/admin/compliance/control-mappings?tenantId=cmp_a', B_ADMIN))).toMatchObject({ status: 403, code: 'tenant_forbidden' });
    expect(await head('cmp_a')).toBe(writes);
    // Another tenant's mapping is not there for cmp_b: not listed, and its control is not found.
    const bList = await http.get('/v1/admin/compliance/control-mappings?tenantId=cmp_b&framework=eu_ai_act', B_ADMIN);
    expect(bList.body.items.some((i: { source: string }) => i.source === 'tenant')).toBe(false);
    expect(refusal(await http.get('/v1/receipts?tenantId=cmp_b&framework=eu_ai_act&controlId=ART-14', B_ADMIN))).toEqual({ status: 404, code: 'not_found', message: 'Control mapping not found.' });
  });

  it('graphs the actions, a human approval but not an auto-allowed action; coverage counts it inside the window only', async () => {
    const tenantId = 'cmp_graph';
    const start = new Date(Date.now() - 1000).toISOString();
    const auto = await http.post('/v1/actions', actionBody({ tenantId }), ADMIN);
    expect(auto.body).toMatchObject({ state: 'executed' });

    // Only the auto-allowed action: its action.approved is no human oversight.
    const autoOnly = await scan({ tenantId, framework: 'eu_ai_act' });
    expect(autoOnly.status).toBe(200);
    expect(control(autoOnly.body, 'Art. 14')).toMatchObject({ covered: false, evidenceCount: 0 });
    expect(autoOnly.body.missingControls).toContainEqual({ controlId: 'Art. 14', controlDescription: expect.any(String), missingNodeTypes: ['approval_decision'], missingEvidence: ['human_approval'] });
    expect((await http.get(`/v1/admin/evidence/graph/status?tenantId=${tenantId}`, AUDITOR)).body.nodeCounts.approval_decision).toBe(0);

    const pending = await http.post('/v1/actions', actionBody({ tenantId, resource: HIGH }), ADMIN);
    expect(pending.body).toMatchObject({ state: 'approval_required' });
    const decided = await http.post(`/v1/approvals/${pending.body.approvalId}/decision`, { decision: 'approve', reason: 'rotation is due' }, APPROVER);
    expect(decided.body).toMatchObject({ state: 'executed' });
    const end = new Date(Date.now() + 1000).toISOString();
    // The high-risk execution's alert opens an incident after the request answered: let it land.
    await settled(runtime, [tenantId]);

    const status = await http.get(`/v1/admin/evidence/graph/status?tenantId=${tenantId}`, AUDITOR);
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      tenantId,
      nodeCounts: { action: 2, receipt: await head(tenantId), policy_version: 1, actor: 3, approval_decision: 1, evidence_bundle: 0, control_mapping: 0 },
      edgeCount: expect.any(Number),
      generatedAt: expect.any(String),
    });
    const approvals = await http.get(`/v1/admin/evidence/graph/nodes?tenantId=${tenantId}&nodeType=approval_decision`, AUDITOR);
    expect(approvals.body).toMatchObject({ total: 1, page: 1, pageSize: 100 });
    expect(approvals.body.items[0]).toMatchObject({ nodeType: 'approval_decision', refId: pending.body.approvalId, payload: { actionId: pending.body.actionId, approverIds: ['approver'] } });
    const page = await http.get(`/v1/admin/evidence/graph/nodes?tenantId=${tenantId}&page=2&pageSize=3`, AUDITOR);
    expect(page.body).toMatchObject({ page: 2, pageSize: 3, total: Object.values(status.body.nodeCounts as Record<string, number>).reduce((a, b) => a + b, 0) });
    expect(page.body.items).toHaveLength(3);
    expect(refusal(await http.get(`/v1/admin/evidence/graph/status?tenantId=${tenantId}`, APPROVER))).toMatchObject({ status: 403, code: 'forbidden' });

    const eu = await scan({ tenantId, framework: 'eu_ai_act' });
    expect(control(eu.body, 'Art. 14')).toMatchObject({ covered: true, evidenceCount: 1, source: 'catalogue', evidence: [{ kind: 'human_approval', nodeType: 'approval_decision', count: 1 }] });
    expect(eu.body).toMatchObject({ tenantId, framework: 'eu_ai_act', totalControls: 6, dateTo: expect.any(String), generatedAt: expect.any(String) });
    expect(Date.parse(eu.body.dateTo) - Date.parse(eu.body.dateFrom)).toBe(90 * 86_400_000);
    expect(eu.body.coveredControls).toBe(eu.body.totalControls - eu.body.missingControls.length);
    const soc2 = await scan({ tenantId, framework: 'soc2' });
    // CC6.3 needs a refused action too: none yet.
    expect(soc2.body.missingControls).toContainEqual(expect.objectContaining({ controlId: 'CC6.3', missingEvidence: ['denied_action'], missingNodeTypes: ['receipt'] }));

    const inside = await scan({ tenantId, framework: 'eu_ai_act', dateFrom: start, dateTo: end });
    expect(control(inside.body, 'Art. 14')).toMatchObject({ covered: true, evidenceCount: 1 });
    const later = new Date(Date.parse(end) + 3_600_000).toISOString();
    for (const window of [{ dateFrom: end, dateTo: later }, { dateFrom: '2020-01-01T00:00:00Z', dateTo: start }]) {
      const outside = await scan({ tenantId, framework: 'eu_ai_act', ...window });
      expect(outside.status).toBe(200);
      expect(control(outside.body, 'Art. 14')).toMatchObject({ covered: false, evidenceCount: 0 });
      expect(outside.body.coveredControls).toBe(0);
    }

    // A tenant mapping of the shipped control narrows its evidence to its tools (and never drops the human approval it needs).
    await http.post('/v1/admin/compliance/control-mappings', mappingBody({ tenantId, controlId: 'Art. 14', requiredNodeTypes: ['receipt'], receiptFilters: { toolIds: ['jira'] } }), ADMIN);
    const narrowed = control((await scan({ tenantId, framework: 'eu_ai_act' })).body, 'Art. 14');
    expect(narrowed).toMatchObject({ covered: false, evidence: [{ kind: 'human_approval', count: 0 }, { kind: 'signed_receipts', count: 3 }] });
  });

  it('filters receipts by framework and controlId: the mapping ANDed in, pages by cursor, 400 and 404 naming what is wrong', async () => {
    const tenantId = 'cmp_b';
    for (const toolId of ['jira', 'confluence', 'jira']) {
      expect((await http.post('/v1/actions', actionBody({ tenantId, resource: { toolId, operation: 'create_page', target: 'space:SEC' } }), ADMIN)).status).toBe(202);
    }
    await http.post('/v1/admin/compliance/control-mappings', mappingBody({ tenantId, framework: 'soc2', controlId: 'CC-JIRA', requiredNodeTypes: ['receipt'], receiptFilters: { toolIds: ['jira'], policyDecisions: ['allow'] } }), B_ADMIN);

    const byControl = `/v1/receipts?tenantId=${tenantId}&framework=soc2&controlId=CC-JIRA`;
    const first = await http.get(`${byControl}&limit=4`, AUDITOR);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(4);
    const rest = await http.get(`${byControl}&limit=4&cursor=${first.body.nextCursor}`, AUDITOR);
    const items = [...first.body.items, ...rest.body.items] as Receipt[];
    expect(items.length).toBe(4 + rest.body.items.length);
    expect(new Set(items.map((r) => r.resource?.toolId))).toEqual(new Set(['jira']));
    expect(items.every((r) => r.policy?.decision === 'allow')).toBe(true);
    for (const type of ['action.requested', 'action.approved']) expect((await http.get(`${byControl}&type=${type}`, AUDITOR)).body.items).toHaveLength(2);
    expect((await http.get(`${byControl}&toolId=confluence`, AUDITOR)).body.items).toHaveLength(0);
    const shipped = await http.get(`/v1/receipts?tenantId=${tenantId}&framework=soc2&controlId=CC6.1&limit=500`, AUDITOR);
    expect(shipped.body.items.length).toBeGreaterThan(items.length);

    expect(refusal(await http.get(`/v1/receipts?tenantId=${tenantId}&framework=soc2`, AUDITOR))).toEqual({ status: 400, code: 'validation_error', message: expect.stringContaining('controlId') });
    expect(refusal(await http.get(`/v1/receipts?tenantId=${tenantId}&controlId=CC-JIRA`, AUDITOR))).toEqual({ status: 400, code: 'validation_error', message: expect.stringContaining('framework') });
    expect(refusal(await http.get(`/v1/receipts?tenantId=${tenantId}&framework=hipaa&controlId=CC-JIRA`, AUDITOR))).toEqual({ status: 400, code: 'unknown_framework', message: expect.stringContaining('framework') });
    expect(refusal(await http.get(`/v1/receipts?tenantId=${tenantId}&framework=soc2&controlId=CC-NONE`, AUDITOR))).toEqual({ status: 404, code: 'not_found', message: 'Control mapping not found.' });
    expect((await http.get(`/v1/receipts?tenantId=${tenantId}&framework=eu_ai_act&controlId=CC-JIRA`, AUDITOR)).status).toBe(404);
  });

  it('refuses bad input with a 400 naming the field, and changes nothing', async () => {
    const tenantId = 'cmp_bad';
    await http.post('/v1/admin/compliance/control-mappings', mappingBody({ tenantId }), ADMIN);
    const before = await head(tenantId);
    const upsertCases: Array<[string, Record<string, unknown>, string, string]> = [
      ['unknown framework', { framework: 'hipaa' }, 'unknown_framework', 'framework'],
      ['missing framework', { framework: undefined }, 'unknown_framework', 'framework'],
      ['empty control id', { controlId: '' }, 'validation_error', 'controlId'],
      ['no node types', { requiredNodeTypes: [] }, 'validation_error', 'requiredNodeTypes'],
      ['unknown node type', { requiredNodeTypes: ['approval'] }, 'validation_error', 'requiredNodeTypes[0]'],
      ['empty filter list', { receiptFilters: { toolIds: [] } }, 'validation_error', 'receiptFilters.toolIds'],
      ['unknown filter', { receiptFilters: { tools: ['jira'] } }, 'validation_error', 'receiptFilters.tools'],
      ['bad decision filter', { receiptFilters: { policyDecisions: ['maybe'] } }, 'validation_error', 'receiptFilters.policyDecisions[0]'],
      ['unknown field', { status: 'on' }, 'validation_error', 'status'],
      ['bad tenant id', { tenantId: 'cmp bad' }, 'validation_error', 'tenantId'],
    ];
    for (const [label, overrides, code, field] of upsertCases) {
      const res = await http.post('/v1/admin/compliance/control-mappings', mappingBody({ tenantId, ...overrides }), ADMIN);
      expect({ label, ...refusal(res) }).toEqual({ label, status: 400, code, message: expect.stringContaining(field) });
      expect(res.body.error.requestId).toEqual(expect.any(String));
    }
    const scanCases: Array<[string, Record<string, unknown>, string, string]> = [
      ['unknown framework', { framework: 'pci' }, 'unknown_framework', 'framework'],
      ['inverted window', { dateFrom: '2026-02-01T00:00:00Z', dateTo: '2026-01-01T00:00:00Z' }, 'validation_error', 'dateFrom'],
      ['unparseable dateTo', { dateTo: 'tomorrow' }, 'validation_error', 'dateTo'],
      ['no calendar date', { dateFrom: '2026-02-30' }, 'validation_error', 'dateFrom'],
      ['a window over ten years', { dateFrom: '2000-01-01T00:00:00Z', dateTo: '2026-01-01T00:00:00Z' }, 'validation_error', 'dateFrom'],
      ['unknown field', { controls: ['CC6.1'] }, 'validation_error', 'controls'],
    ];
    for (const [label, overrides, code, field] of scanCases) {
      expect({ label, ...refusal(await scan({ tenantId, framework: 'soc2', ...overrides })) }).toEqual({ label, status: 400, code, message: expect.stringContaining(field) });
    }
    const queryCases: Array<[string, string]> = [
      [`/v1/admin/compliance/control-mappings?tenantId=${tenantId}&framework=pci`, 'framework'],
      [`/v1/admin/evidence/graph/nodes?tenantId=${tenantId}&nodeType=bogus`, 'nodeType'],
      [`/v1/admin/evidence/graph/nodes?tenantId=${tenantId}&pageSize=501`, 'pageSize'],
      [`/v1/admin/evidence/graph/nodes?tenantId=${tenantId}&page=0`, 'page'],
      ['/v1/admin/evidence/graph/status', 'tenantId'],
    ];
    for (const [path, field] of queryCases) {
      expect({ path, ...refusal(await http.get(path, ADMIN)) }).toEqual({ path, status: 400, code: expect.any(String), message: expect.stringContaining(field) });
    }
    expect(await head(tenantId)).toBe(before);
  });

  it('refuses hostile strings (NUL, lone surrogates) with a 400 naming the field, and changes nothing', async () => {
    const tenantId = 'cmp_bad';
    const before = await head(tenantId);
    const listedBefore = (await http.get(`/v1/admin/compliance/control-mappings?tenantId=${tenantId}`, ADMIN)).body;
    const raw = (json: string) => http.request('POST', '/v1/admin/compliance/control-mappings', { token: ADMIN, raw: json });
    const base = JSON.stringify(mappingBody({ tenantId, receiptFilters: { toolIds: ['jira'] } }));
    const bodies: Array<[string, string]> = [
      [base.replace('"ART-14"', '"ART\\u0000-14"'), 'controlId'],
      [base.replace('"Human oversight"', '"Human\\u0000oversight"'), 'controlDescription'],
      [base.replace('"jira"', '"jira\\ud800"'), 'receiptFilters.toolIds[0]'],
      [base.replace('"Human oversight"', '"\\udfffHuman"'), 'controlDescription'],
    ];
    for (const [json, field] of bodies) {
      const res = await raw(json);
      expect({ field, ...refusal(res) }).toEqual({ field, status: 400, code: 'validation_error', message: expect.stringContaining(field) });
    }
    const scanned = await http.request('POST', '/v1/admin/compliance/coverage/scan', { token: ADMIN, raw: JSON.stringify({ tenantId, framework: 'soc2', dateFrom: 'x' }).replace('"x"', '"2026\\u0000"') });
    expect(refusal(scanned)).toEqual({ status: 400, code: 'validation_error', message: expect.stringContaining('dateFrom') });
    // In a URL a lone surrogate arrives as WTF-8 bytes, which decode to U+FFFD: no such framework.
    for (const [value, code] of [['soc2\u0000', 'validation_error'], ['soc2\ud800', 'unknown_framework']] as const) {
      const res = await http.get(`/v1/receipts?tenantId=${tenantId}&framework=${urlEncode(value)}&controlId=ART-14`, ADMIN);
      expect(refusal(res)).toEqual({ status: 400, code, message: expect.stringContaining('framework') });
    }
    const nulControl = await http.get(`/v1/admin/evidence/graph/nodes?tenantId=${tenantId}&nodeType=${urlEncode('receipt\u0000')}`, ADMIN);
    expect(refusal(nulControl)).toEqual({ status: 400, code: 'validation_error', message: expect.stringContaining('nodeType') });
    expect(await head(tenantId)).toBe(before);
    expect((await http.get(`/v1/admin/compliance/control-mappings?tenantId=${tenantId}`, ADMIN)).body).toEqual(listedBefore);
  });
});
