import { gzipSync } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Receipt, nodeVerifierCrypto, verifyReceiptBundle } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, AUDITOR, type HttpAnswer, TestHttp, actionBody } from './support/http';
import { type FieldPath, HOSTILE, HOSTILE_MEMBERS, type Hostile, fieldName, fieldPaths, objectPaths, pick, prng, urlEncode, urlText, withMember, withValue } from './support/hostile-values';
import { metricSample } from './support/prometheus';
import { type StoreMode, createTestRuntime } from './support/test-runtime';
import { until } from './support/until';

/**
 * Property: whatever hostile value lands in whatever field of whatever route (body members, query
 * parameters, path parameters), the answer is 2xx or a 4xx in the error envelope, never 5xx; a
 * value the input check refuses (NUL, lone surrogates, `__proto__`, 3,000 levels) is a 400 naming
 * the field; a write that is refused moves no stream head; afterwards the tenant's chain verifies,
 * the read models reach the stream head without parking anything, and no receipt holds NUL or a
 * lone surrogate. Values come from a seeded PRNG, so a failure replays.
 */

const TENANT = 'tenant_alpha';
const AGENT_TOKEN = 'hostile_e2e_agent_token';
const AGENT_TOKENS = JSON.stringify([{ token: AGENT_TOKEN, tokenId: 'hostile_agent', subject: 'agent_hostile', role: 'agent', tenantIds: [TENANT], scopes: ['actions:write', 'actions:read'] }]);
/** Random hostile values per field, besides one the check must refuse. */
const VALUES_PER_FIELD = 3;
/** A URL carries at most this much of a value: Node answers a request head over 16 KiB with a bare 431. */
const MAX_URL_VALUE = 4096;

interface Route {
  method: 'GET' | 'POST';
  /** With `:name` placeholders, filled from `params`. */
  path: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

interface Setup {
  executed: { actionId: string; receiptId: string };
  cancelable: string;
  approvalId: string;
  policyId: string;
  receipt: Receipt;
  key: { keyId: string; publicKeyPem: string };
  jobId: string;
  holdId: string;
  checkpointTreeSize: number;
  incidentId: string;
  rotationId: string;
}

function routes(s: Setup): Route[] {
  const T = { tenantId: TENANT };
  const resource = { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' };
  const context = { environment: 'prod', dataTypes: ['pii'], requestedAt: new Date().toISOString() };
  const match = { toolIds: ['jira'], operations: ['create_ticket'], targetContains: 'project', riskTiers: ['low'], environments: ['prod'], requiredDataTypes: ['pii'], timeWindowUtc: { startHour: 0, endHour: 24 } };
  const riskConfig = { baseScore: 10, inheritDefaults: true, operations: { create_ticket: { weight: 5, signal: 'ticket' } }, targets: [{ contains: 'prod', weight: 20, signal: 'prod' }], dataTypes: [{ dataType: 'pii', weight: 10, signal: 'pii' }] };
  const action = { params: { actionId: s.executed.actionId } };
  const tenant = { params: T };
  const incident = { params: { incidentId: s.incidentId } };
  return [
    { method: 'GET', path: '/health' },
    { method: 'GET', path: '/health/ready' },
    { method: 'GET', path: '/metrics' },
    { method: 'GET', path: '/console' },
    { method: 'GET', path: '/console/:file', params: { file: 'index.html' } },
    { method: 'POST', path: '/v1/actions', body: { ...T, agentId: 'agent_fuzz', userContext: { userId: 'admin_user', sessionId: 'sess_1' }, context, resource, input: { summary: 'Rotate', tags: ['a', 'b'], nested: { n: 1 } } } },
    { method: 'GET', path: '/v1/actions/:actionId', ...action },
    { method: 'POST', path: '/v1/actions/:actionId/cancel', params: { actionId: s.cancelable }, body: { reason: 'no longer needed' } },
    { method: 'POST', path: '/v1/actions/:actionId/result', ...action, body: { status: 'executed', outputHash: 'a'.repeat(64) } },
    { method: 'POST', path: '/v1/actions/:actionId/result', ...action, body: { status: 'failed', error: 'connector timed out' } },
    { method: 'POST', path: '/v1/policies', body: { ...T, version: 'fuzz-1', rules: [{ id: 'allow-jira', description: 'Jira tickets', priority: 10, match, decision: 'allow' }], defaultDecision: 'deny', riskConfig } },
    { method: 'POST', path: '/v1/policies/simulate', body: { ...T, agentId: 'agent_fuzz', userId: 'admin_user', policyId: s.policyId, context, resource, input: { summary: 'x' } } },
    { method: 'GET', path: '/v1/policies', query: T },
    { method: 'GET', path: '/v1/policies/:policyId', params: { policyId: s.policyId } },
    { method: 'POST', path: '/v1/policies/:policyId/publish', params: { policyId: s.policyId } },
    { method: 'POST', path: '/v1/policies/:policyId/rollback', params: { policyId: s.policyId } },
    { method: 'POST', path: '/v1/approvals/:approvalId/decision', params: { approvalId: s.approvalId }, body: { decision: 'approve', reason: 'checked the change ticket', approverId: 'admin_user', stepUpCode: 'stepup_dev_code' } },
    { method: 'GET', path: '/v1/approvals', query: { ...T, status: 'pending', approverId: 'operator_user', limit: '5' } },
    { method: 'GET', path: '/v1/approvals/:approvalId', params: { approvalId: s.approvalId } },
    { method: 'GET', path: '/v1/admin/tenants/:tenantId/approval-workflow', ...tenant },
    { method: 'POST', path: '/v1/admin/tenants/:tenantId/approval-workflow', ...tenant, body: { stages: [{ name: 'security', mode: 'serial', requiredApprovals: 1, approverIds: ['operator_user'], slaSeconds: 3600, escalateTo: ['admin_user'] }] } },
    { method: 'POST', path: '/v1/admin/tenants/:tenantId/step-up/enrollments', ...tenant, body: { subject: 'carol' } },
    { method: 'POST', path: '/v1/admin/approvals/escalations/scan', body: { ...T, nowIso: new Date().toISOString() } },
    {
      method: 'GET',
      path: '/v1/receipts',
      query: { ...T, toolId: 'jira', operation: 'create_ticket', actorUserId: 'admin_user', actorAgentId: 'agent_e2e', policyDecision: 'allow', policyVersion: 'v1', policyRuleId: 'allow', type: 'action.requested', actionId: s.executed.actionId, limit: '5' },
    },
    { method: 'GET', path: '/v1/receipts/:receiptId', params: { receiptId: s.executed.receiptId } },
    { method: 'POST', path: '/v1/receipts/verify', body: { receiptId: s.executed.receiptId } },
    { method: 'POST', path: '/v1/receipts/verify', body: { receipt: s.receipt, chain: [structuredClone(s.receipt)], publicKeyPem: s.key.publicKeyPem, publicKeys: [s.key] } },
    { method: 'GET', path: '/v1/alerts', query: { ...T, severity: 'high', limit: '5', cursor: 'x' } },
    { method: 'GET', path: '/v1/trust/tenants/:tenantId/keys', ...tenant },
    { method: 'GET', path: '/v1/admin/tenants/:tenantId/keys', ...tenant },
    { method: 'POST', path: '/v1/admin/tenants/:tenantId/keys/rotate', ...tenant },
    { method: 'GET', path: '/v1/trust/platform/keys' },
    { method: 'GET', path: '/v1/admin/platform/receipts' },
    { method: 'GET', path: '/v1/admin/ops/dashboard', query: T },
    { method: 'GET', path: '/v1/admin/ops/slo' },
    { method: 'GET', path: '/v1/admin/ops/integrity', query: T },
    { method: 'GET', path: '/v1/admin/ops/alert-routing', query: T },
    { method: 'POST', path: '/v1/admin/ops/alert-routing', body: { ...T, severity: 'high', channels: ['slack_secops', 'pagerduty'], escalationMinutes: 15 } },
    { method: 'GET', path: '/v1/admin/ops/alert-deliveries', query: { ...T, status: 'dead', alertId: 'alrt_x', channelId: 'slack_secops', limit: '5', cursor: 'x' } },
    { method: 'POST', path: '/v1/admin/ops/alert-deliveries/:deliveryId/replay', params: { deliveryId: 'dlv_00000000000000000000000000000000' }, body: T },
    { method: 'GET', path: '/v1/security-events', query: { ...T, limit: '5', cursor: 'x' } },
    { method: 'GET', path: '/v1/admin/security/mtls/status' },
    // Transparency, evidence and compliance, the ledger and forensics.
    { method: 'GET', path: '/v1/receipts/:receiptId/proof', params: { receiptId: s.executed.receiptId } },
    { method: 'GET', path: '/v1/transparency/checkpoints', query: { ...T, limit: '5' } },
    { method: 'GET', path: '/v1/transparency/consistency', query: { ...T, fromTreeSize: String(s.checkpointTreeSize) } },
    { method: 'POST', path: '/v1/evidence/exports', body: { ...T, framework: 'soc2', dateFrom: '2026-01-01T00:00:00Z', dateTo: '2036-01-01T00:00:00Z', toolIds: ['jira'], agentIds: ['agent_e2e'], policyIds: ['pol_x'], controlIds: ['CC6.1'] } },
    { method: 'POST', path: '/v1/evidence/exports/verify', body: { bundle: { tenantId: TENANT, bundleVersion: '2.0.0', integrity: { signatureDomain: 'oars.evidence-bundle.v1:' } } } },
    { method: 'GET', path: '/v1/evidence/exports/:jobId', params: { jobId: s.jobId } },
    { method: 'GET', path: '/v1/evidence/exports/:jobId/bundle', params: { jobId: s.jobId } },
    { method: 'GET', path: '/v1/admin/compliance/control-mappings', query: { ...T, framework: 'soc2' } },
    { method: 'POST', path: '/v1/admin/compliance/control-mappings', body: { ...T, framework: 'soc2', controlId: 'CC-X', controlDescription: 'Own control', requiredNodeTypes: ['receipt', 'approval_decision'], receiptFilters: { toolIds: ['jira'], policyDecisions: ['allow'] } } },
    { method: 'POST', path: '/v1/admin/compliance/coverage/scan', body: { ...T, framework: 'soc2', dateFrom: '2026-01-01T00:00:00Z', dateTo: '2026-02-01T00:00:00Z' } },
    { method: 'GET', path: '/v1/admin/evidence/graph/status', query: T },
    { method: 'GET', path: '/v1/admin/evidence/graph/nodes', query: { ...T, nodeType: 'receipt', page: '1', pageSize: '5' } },
    { method: 'GET', path: '/v1/admin/ledger/status' },
    { method: 'GET', path: '/v1/admin/ledger/entries', query: { ...T, limit: '5' } },
    { method: 'GET', path: '/v1/admin/ledger/verify' },
    { method: 'GET', path: '/v1/admin/ledger/retention', query: T },
    { method: 'POST', path: '/v1/admin/ledger/retention', body: { ...T, retentionDays: 400, legalHold: false, reason: 'keep it longer' } },
    { method: 'POST', path: '/v1/admin/ledger/retention/apply', body: T },
    { method: 'GET', path: '/v1/admin/ledger/holds', query: T },
    { method: 'POST', path: '/v1/admin/ledger/holds', body: { ...T, reason: 'another hold', incidentId: 'inc_1' } },
    { method: 'POST', path: '/v1/admin/ledger/holds/:holdId/release', params: { holdId: s.holdId }, body: T },
    { method: 'GET', path: '/v1/admin/forensics/replay', query: { ...T, fromSequence: '1', toSequence: '3' } },
    // Incidents, incident command and on-call (docs/incidents.md).
    { method: 'GET', path: '/v1/incidents', query: { ...T, status: 'open', severity: 'SEV3', limit: '5', cursor: 'x' } },
    { method: 'GET', path: '/v1/incidents/:incidentId', ...incident },
    { method: 'POST', path: '/v1/incidents', body: { ...T, severity: 'SEV3', commander: 'carol', summary: 'Fuzzed incident' } },
    { method: 'POST', path: '/v1/incidents/:incidentId/acknowledge', ...incident, body: T },
    { method: 'POST', path: '/v1/incidents/:incidentId/updates', ...incident, body: { ...T, message: 'Investigating.', stage: 'investigating' } },
    { method: 'POST', path: '/v1/incidents/:incidentId/preserve-evidence', ...incident, body: { ...T, tenantIds: [TENANT] } },
    { method: 'POST', path: '/v1/incidents/:incidentId/resolve', ...incident, body: { ...T, resolution: 'Certificate renewed.' } },
    { method: 'POST', path: '/v1/incidents/:incidentId/close', ...incident, body: { ...T, rca: { summary: 'Outage', rootCause: 'Expired certificate', impact: 'Delays' }, correctiveActions: [{ description: 'Alert on expiry', owner: 'dave', dueDate: '2026-07-01', status: 'open' }] } },
    { method: 'POST', path: '/v1/incidents/:incidentId/corrective-actions/:correctiveActionId', params: { incidentId: s.incidentId, correctiveActionId: 'ca_1' }, body: { ...T, status: 'done' } },
    { method: 'GET', path: '/v1/admin/oncall/rotations', query: T },
    { method: 'POST', path: '/v1/admin/oncall/rotations', body: { ...T, name: 'Fuzz rotation', members: ['ann', 'bob'], handoff: { every: 'week', at: '09:00', weekday: 'monday' }, startsAt: '2026-03-02T09:00:00Z' } },
    { method: 'POST', path: '/v1/admin/oncall/rotations/:rotationId/overrides', params: { rotationId: s.rotationId }, body: { ...T, role: 'primary', userId: 'dan', from: new Date().toISOString(), to: new Date(Date.now() + 86_400_000).toISOString(), reason: 'covering' } },
    { method: 'GET', path: '/v1/admin/oncall/now', query: { ...T, at: '2026-03-03T00:00:00Z' } },
  ];
}

/** A hostile value as a URL carries it: its text, cut to at most `MAX_URL_VALUE` encoded characters. */
function urlValue(h: Hostile): { encoded: string; hasNul: boolean } {
  let encoded = '';
  let hasNul = false;
  for (const ch of urlText(h)) {
    const next = urlEncode(ch);
    if (encoded.length + next.length > MAX_URL_VALUE) break;
    encoded += next;
    hasNul ||= ch === '\u0000';
  }
  return { encoded, hasNul };
}

function urlOf(route: Route, params = route.params ?? {}, query: Record<string, string> = route.query ?? {}): string {
  const path = route.path.replace(/:(\w+)/g, (_, name: string) => params[name]!);
  const search = Object.entries(query).map(([k, v]) => `${k}=${v}`).join('&');
  return search ? `${path}?${search}` : path;
}

const encodeAll = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encodeURIComponent(v)]));

/** Every string, member name included, of a JSON value. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
}
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe.each<StoreMode>(['embedded', 'jetstream'])('hostile input on every route (%s event store)', (mode) => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  const random = prng(mode === 'embedded' ? 7 : 11);

  beforeAll(async () => {
    const t = await createTestRuntime(mode, { OARS_API_TOKENS: AGENT_TOKENS });
    runtime = t.runtime;
    cleanup = t.cleanup;
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  const head = async () => (await runtime.store.head(TENANT)).sequence;

  /** 2xx, or a 4xx in the envelope; never 5xx. */
  function expectAnswered(res: HttpAnswer, what: string): void {
    expect({ what, status: res.status, serverError: res.status >= 500 }).toEqual({ what, status: res.status, serverError: false });
    if (res.status >= 400) {
      expect({ what, keys: Object.keys(res.body?.error ?? {}) }).toEqual({ what, keys: expect.arrayContaining(['code', 'message', 'requestId']) });
      expect({ what, requestId: res.body.error.requestId }).toEqual({ what, requestId: res.headers.get('x-request-id') });
    }
  }

  /** The 400 of the input check, naming `field` (or a field inside it). */
  function expectRefused(res: HttpAnswer, field: string, what: string): void {
    const first = res.body?.error?.details?.[0]?.field as string | undefined;
    expect({ what, status: res.status, code: res.body?.error?.code, names: first !== undefined && first.startsWith(field) && res.body.error.message.includes(first) }).toEqual({
      what,
      status: 400,
      code: 'validation_error',
      names: true,
    });
  }

  /** Sends one request; a write that was not accepted must leave the stream head where it was. */
  async function send(route: Route, what: string, options: { url?: string; raw?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
    const before = route.method === 'POST' ? await head() : 0;
    const body = options.raw ?? (route.body === undefined ? undefined : JSON.stringify(route.body));
    const res = await http.request(route.method, options.url ?? urlOf(route, encodeAll(route.params ?? {}), encodeAll(route.query ?? {})), { token: ADMIN, raw: body, headers: options.headers });
    expectAnswered(res, what);
    if (route.method === 'POST' && res.status >= 400) expect({ what, moved: (await head()) - before }).toEqual({ what, moved: 0 });
    return res;
  }

  /** Random hostile values plus one the check must refuse (taking turns), for one field. */
  function valuesForField(): Hostile[] {
    const refused = HOSTILE.filter((h) => h.refused);
    return [...pick(HOSTILE, VALUES_PER_FIELD, random), refused[Math.floor(random() * refused.length)]!];
  }

  async function fuzzUrl(route: Route, part: 'params' | 'query'): Promise<number> {
    let sent = 0;
    // Every GET also gets a member it does not know, so routes without a query are fuzzed too.
    const values = { ...(route[part] ?? {}), ...(part === 'query' && route.method === 'GET' ? { x: 'y' } : {}) };
    for (const key of Object.keys(values)) {
      for (const h of valuesForField()) {
        const { encoded, hasNul } = urlValue(h);
        const changed = { ...encodeAll(values), [key]: encoded };
        const url = part === 'params' ? urlOf(route, changed, encodeAll(route.query ?? {})) : urlOf(route, encodeAll(route.params ?? {}), changed);
        const what = `${route.method} ${route.path} ${part}.${key}=${h.name}`;
        const res = await send(route, what, { url });
        if (hasNul) expectRefused(res, key, what);
        sent++;
      }
    }
    return sent;
  }

  async function fuzzBody(route: Route): Promise<number> {
    let sent = 0;
    for (const path of fieldPaths(route.body)) {
      for (const h of valuesForField()) {
        const what = `${route.method} ${route.path} ${fieldName(path)}=${h.name}`;
        const res = await send(route, what, { raw: withValue(route.body, path, h.json) });
        if (h.refused) expectRefused(res, fieldName(path), what);
        sent++;
      }
    }
    for (const path of objectPaths(route.body)) {
      const member = HOSTILE_MEMBERS[Math.floor(random() * HOSTILE_MEMBERS.length)]!;
      const name = JSON.parse(`{${member}}`) && member.slice(1, member.indexOf('"', 1));
      const field = fieldName([...path, name] as FieldPath);
      const res = await send(route, `${route.method} ${route.path} member ${field}`, { raw: withMember(route.body, path, member) });
      expectRefused(res, field, `${route.path} member ${field}`);
      sent++;
    }
    return sent;
  }

  /** Bodies no field substitution gives: hostile whole bodies, compressed bodies. */
  async function fuzzWholeBody(route: Route): Promise<number> {
    const refusedAt: Array<[string, string]> = [
      ['['.repeat(3000) + ']'.repeat(3000), 'body'],
      ['{"a":'.repeat(3500) + '1' + '}'.repeat(3500), 'a'],
      ['{"__proto__":{"admin":true}}', '__proto__'],
      ['"\\ud800"', 'body'],
      [`{"tenantId":"${TENANT}","agentId":"\\u0000"}`, 'agentId'],
    ];
    for (const [raw, field] of refusedAt) expectRefused(await send(route, `${route.path} raw ${raw.slice(0, 24)}`, { raw }), field, `${route.path} raw ${raw.slice(0, 24)}`);
    for (const raw of ['1e400', '[]', 'null', '"x"', '{}', '{"tenantId":1e308}']) await send(route, `${route.path} raw ${raw}`, { raw });
    const json = JSON.stringify(route.body ?? {});
    const gzip = await fetch(http.baseUrl + urlOf(route, encodeAll(route.params ?? {})), {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(json),
    });
    expect({ path: route.path, status: gzip.status, code: ((await gzip.json()) as { error?: { code?: string } }).error?.code }).toEqual({ path: route.path, status: 415, code: 'unsupported_media_type' });
    const deflate = await send(route, `${route.path} deflate`, { raw: json, headers: { 'content-encoding': 'deflate' } });
    expect(deflate.body.error.code).toBe('unsupported_media_type');
    return refusedAt.length + 8;
  }

  async function setUp(): Promise<Setup> {
    const executed = await http.post('/v1/actions', actionBody(), ADMIN);
    const critical = { resource: { toolId: 'iam', operation: 'change_permissions', target: 'prod:finance' } };
    const pending = await http.post('/v1/actions', actionBody(critical), ADMIN);
    const cancelable = await http.post('/v1/actions', actionBody(critical), ADMIN);
    const draft = await http.post('/v1/policies', { tenantId: TENANT, version: 'fuzz-0', rules: [{ id: 'allow', description: 'all', priority: 1, match: {}, decision: 'allow' }] }, ADMIN);
    expect([executed.status, pending.status, cancelable.status, draft.status]).toEqual([202, 202, 202, 201]);
    const receipt = (await http.get(`/v1/receipts/${executed.body.receiptId}`, AUDITOR)).body as Receipt;
    const keys = (await http.get(`/v1/trust/tenants/${TENANT}/keys`)).body.items as Array<{ keyId: string; publicKeyPem: string }>;
    const key = keys.find((k) => k.keyId === receipt.integrity.signingKeyId)!;
    const window = { dateFrom: '2026-01-01T00:00:00Z', dateTo: '2036-01-01T00:00:00Z' };
    const job = await http.post('/v1/evidence/exports', { tenantId: TENANT, framework: 'soc2', ...window }, AUDITOR, { prefer: 'respond-async' });
    const hold = await http.post('/v1/admin/ledger/holds', { tenantId: TENANT, reason: 'fuzzing evidence' }, ADMIN);
    const proof = await http.get(`/v1/receipts/${executed.body.receiptId}/proof`, AUDITOR);
    const declared = await http.post('/v1/incidents', { tenantId: TENANT, severity: 'SEV3', commander: 'carol', summary: 'Fuzzing incident' }, ADMIN);
    const rotation = await http.post('/v1/admin/oncall/rotations', { tenantId: TENANT, name: 'Fuzz', members: ['ann'], handoff: { every: 'day', at: '09:00' } }, ADMIN);
    expect([job.status, hold.status, proof.status, declared.status, rotation.status]).toEqual([202, 201, 200, 201, 201]);
    // The job ends before the fuzzing starts: its receipt must not land during a refused request.
    await until('the export job to end', async () => (await http.get(`/v1/evidence/exports/${job.body.jobId}`, AUDITOR)).body.status === 'completed', 20_000);
    return {
      executed: { actionId: executed.body.actionId, receiptId: executed.body.receiptId },
      cancelable: cancelable.body.actionId,
      approvalId: pending.body.approvalId,
      policyId: draft.body.policyId ?? draft.body.id,
      receipt,
      key: { keyId: key.keyId, publicKeyPem: key.publicKeyPem },
      jobId: job.body.jobId,
      holdId: hold.body.holdId,
      checkpointTreeSize: proof.body.treeSize,
      incidentId: declared.body.incidentId,
      rotationId: rotation.body.rotationId,
    };
  }

  it('refuses the reported inputs with a 400 naming the field, and appends nothing', async () => {
    expect((await http.post('/v1/actions', actionBody(), ADMIN)).status).toBe(202);
    const deep = '['.repeat(3000) + ']'.repeat(3000);
    const cases: Array<[string, string, string | undefined, string]> = [
      ['POST', '/v1/actions', JSON.stringify(actionBody({ agentId: 'agent\u0000x' })), 'agentId'],
      ['POST', '/v1/actions', JSON.stringify(actionBody({ resource: { toolId: 'jira\u0000', operation: 'create_ticket', target: 't' } })), 'resource.toolId'],
      ['POST', '/v1/actions', JSON.stringify(actionBody({ resource: { toolId: 'jira', operation: '\u0000', target: 't' } })), 'resource.operation'],
      ['POST', '/v1/actions', JSON.stringify(actionBody({ userContext: { userId: 'admin_user\u0000' } })), 'userContext.userId'],
      ['POST', '/v1/actions', JSON.stringify(actionBody({ agentId: '   ' })), 'agentId'],
      ['POST', '/v1/actions', JSON.stringify(actionBody({ input: { note: 'a\u0000b' } })), 'input.note'],
      ['POST', '/v1/actions', '{"tenantId":"tenant_alpha","agentId":"a","__proto__":{"admin":true},"resource":{"toolId":"jira","operation":"o","target":"t"},"input":{}}', '__proto__'],
      ['POST', '/v1/policies', JSON.stringify({ tenantId: TENANT, version: 'v1\u0000', rules: [{ id: 'a', description: 'a', priority: 1, match: {}, decision: 'allow' }] }), 'version'],
      ['POST', `/v1/admin/tenants/${TENANT}/step-up/enrollments`, '{"subject":"carol\\ud800"}', 'subject'],
      ['GET', `/v1/receipts?tenantId=${TENANT}&toolId=%00`, undefined, 'toolId'],
      ['GET', `/v1/approvals?tenantId=${TENANT}&approverId=%00`, undefined, 'approverId'],
      ...['/v1/actions', '/v1/policies', '/v1/policies/simulate', '/v1/receipts/verify', '/v1/admin/approvals/escalations/scan', `/v1/admin/tenants/${TENANT}/approval-workflow`].map(
        (path): [string, string, string, string] => ['POST', path, `{"input":${deep}}`, 'input'],
      ),
    ];
    for (const [method, path, raw, field] of cases) {
      const before = await head();
      const res = await http.request(method, path, { token: ADMIN, raw });
      expect({ path, field, status: res.status, code: res.body?.error?.code, field0: res.body?.error?.details?.[0]?.field?.startsWith(field) }).toEqual({ path, field, status: 400, code: 'validation_error', field0: true });
      expect(res.body.error.message).toContain(field);
      expect(await head()).toBe(before);
    }
  });

  it('records at most 10 failures a minute per source for a tenant; the rest only count', async () => {
    expect((await http.post('/v1/actions', actionBody(), ADMIN)).status).toBe(202); // the tenant exists
    const metrics = async () => metricSample((await http.get('/metrics')).body, 'oars_auth_failure_security_events_total', { outcome: 'rate_limited' });
    const before = await metrics();
    for (let i = 0; i < 30; i++) expect((await http.get(`/v1/receipts?tenantId=${TENANT}`)).status).toBe(401);
    const events = await http.get(`/v1/security-events?tenantId=${TENANT}&limit=500`, ADMIN);
    expect(events.body.items.filter((e: { eventType: string }) => e.eventType === 'auth.unauthorized')).toHaveLength(10);
    expect((await metrics()) - before).toBe(20);
  });

  it('shows readiness detail to admins, operators and auditors only', async () => {
    const statesOnly = (res: HttpAnswer) => Object.values(res.body.components).every((c) => Object.keys(c as object).join() === 'state');
    for (const token of [undefined, AGENT_TOKEN, 'not_a_token']) {
      const res = await http.get('/health/ready', token);
      expect({ token, status: res.status, statesOnly: statesOnly(res) }).toEqual({ token, status: 200, statesOnly: true });
    }
    const detailed = await http.get('/health/ready', AUDITOR);
    expect(detailed.status).toBe(200);
    expect(detailed.body.components.eventStore.message).toEqual(expect.any(String));
  });

  it('answers 2xx or a 4xx envelope to every hostile request, then the chain verifies and the read models reach the head', async () => {
    const setup = await setUp();
    const table = routes(setup);
    // Every documented route is in the table (the console is not documented, and is in it).
    const documented = Object.entries((await http.get('/docs/openapi.json')).body.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.filter((r) => !table.some((t) => `${t.method} ${t.path}` === r))).toEqual([]);

    let requests = 0;
    for (const route of table) {
      await send(route, `${route.method} ${route.path} as given`);
      requests += 1 + (await fuzzUrl(route, 'params')) + (await fuzzUrl(route, 'query'));
      if (route.method === 'POST') requests += (await fuzzBody(route)) + (await fuzzWholeBody(route));
    }
    expect(requests).toBeGreaterThan(800);

    const stream = (await runtime.store.read(TENANT, { limit: 100_000 })).map((e) => e.data as unknown as Receipt);
    const keys = await http.get(`/v1/trust/tenants/${TENANT}/keys`);
    expect(verifyReceiptBundle(stream, keys.body.items, { expectFirstSequence: 1, crypto: nodeVerifierCrypto }).verificationErrors).toEqual([]);
    const last = await http.post('/v1/receipts/verify', { receiptId: stream[stream.length - 1]!.receiptId }, AUDITOR);
    expect(last.body).toMatchObject({ isSignatureValid: true, isChainValid: true, isSchemaValid: true, verificationErrors: [] });
    expect(stream.filter((r) => stringsOf(r).some((s) => UNSTORABLE.test(s))).map((r) => r.receiptId)).toEqual([]);
    expect(await runtime.waitForPosition(TENANT, await head())).toBe(true);
    const integrity = await http.get(`/v1/admin/ops/integrity?tenantId=${TENANT}`, ADMIN);
    expect(integrity.body.projections.deadLetters.items).toEqual([]);
  }, 120_000);
});
