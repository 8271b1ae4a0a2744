import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Receipt, nodeVerifierCrypto, verifyReceiptBundle } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { findInputProblem } from '../apps/api/src/http/hostile-input';
import { ADMIN, type HttpAnswer, TestHttp, actionBody } from './support/http';
import { type StoreMode, createTestRuntime } from './support/test-runtime';

/**
 * Property: whatever hostile value lands in whatever field of whatever route, the answer is 2xx or
 * a 4xx in the error envelope (never 5xx); afterwards the tenant's chain verifies and the read
 * models reach the stream head. Values come from a seeded PRNG, so a failure replays.
 */

const TENANT = 'tenant_alpha';

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const deep = (levels: number) => JSON.parse('['.repeat(levels) + ']'.repeat(levels)) as unknown;
const HOSTILE: unknown[] = [
  'agent\u0000x', '\u0000', 'a\u0001b', '\u001b[31m', 'x\u007f', '\uD800', 'tail\uDFFF', '\uDC00\uD800', '   ', '\t',
  'x'.repeat(64 * 1024), '', 1e308, -0, 2 ** 53 + 1, -1e-308, true, null, [], {}, ['\u0000'], { __proto__x: 1 },
  { a: { b: { c: '\u0000' } } }, deep(40),
];

/** Routes with a valid request each; `{id}` placeholders are filled from state created first. */
interface Route {
  method: 'GET' | 'POST';
  path: string;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
}

function routes(ids: { actionId: string; approvalId: string; receiptId: string; policyId: string }): Route[] {
  const policy = { tenantId: TENANT, version: 'fuzz-1', rules: [{ id: 'allow', description: 'all', priority: 1, match: {}, decision: 'allow' }] };
  return [
    { method: 'POST', path: '/v1/actions', body: actionBody({ userContext: { userId: 'u1', sessionId: 's1' }, context: { environment: 'prod', dataTypes: ['pii'] } }) },
    { method: 'POST', path: '/v1/policies', body: policy },
    { method: 'POST', path: '/v1/policies/simulate', body: { tenantId: TENANT, agentId: 'a', resource: { toolId: 'iam', operation: 'delete', target: 'prod:db' } } },
    { method: 'POST', path: `/v1/approvals/${ids.approvalId}/decision`, body: { decision: 'approve', reason: 'ok', stepUpCode: 'stepup_dev_code' } },
    { method: 'POST', path: '/v1/receipts/verify', body: { receiptId: ids.receiptId } },
    { method: 'POST', path: `/v1/actions/${ids.actionId}/cancel`, body: { reason: 'no' } },
    { method: 'POST', path: `/v1/actions/${ids.actionId}/result`, body: { status: 'executed', outputHash: 'a'.repeat(64) } },
    { method: 'POST', path: `/v1/admin/tenants/${TENANT}/step-up/enrollments`, body: { subject: 'carol' } },
    { method: 'POST', path: '/v1/admin/approvals/escalations/scan', body: { tenantId: TENANT } },
    { method: 'POST', path: `/v1/policies/${ids.policyId}/publish`, body: {} },
    { method: 'GET', path: '/v1/receipts', query: { tenantId: TENANT, toolId: 'jira', limit: '5' } },
    { method: 'GET', path: '/v1/approvals', query: { tenantId: TENANT, status: 'pending', approverId: 'x' } },
    { method: 'GET', path: '/v1/alerts', query: { tenantId: TENANT, limit: '5' } },
    { method: 'GET', path: '/v1/security-events', query: { tenantId: TENANT, limit: '5' } },
    { method: 'GET', path: '/v1/admin/ops/dashboard', query: { tenantId: TENANT } },
    { method: 'GET', path: `/v1/actions/${ids.actionId}` },
  ];
}

/** Every path to a leaf (or object) of a body, e.g. ['resource', 'toolId']. */
function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) out.push(...fieldPaths(v, [...prefix, k]));
  return out;
}

function withValue(body: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

function expectEnvelope(res: HttpAnswer, what: string): void {
  expect({ what, status: res.status, fiveHundred: res.status >= 500 }).toEqual({ what, status: res.status, fiveHundred: false });
  if (res.status >= 400) {
    expect({ what, error: Object.keys(res.body?.error ?? {}).sort() }).toEqual({ what, error: expect.arrayContaining(['code', 'message', 'requestId']) });
  }
}

describe('the shared input check', () => {
  it('names the bad field', () => {
    expect(findInputProblem({ agentId: 'a\u0000' })).toMatchObject({ field: 'agentId' });
    expect(findInputProblem({ resource: { toolId: '\uD800' } })).toMatchObject({ field: 'resource.toolId' });
    expect(findInputProblem({ input: { note: 'x\u0000' } })).toMatchObject({ field: 'input.note' });
    expect(findInputProblem(JSON.parse('{"a":{"__proto__":{"x":1}}}'))).toMatchObject({ field: 'a.__proto__' });
    expect(findInputProblem({ tenantId: '  ' })).toMatchObject({ field: 'tenantId', message: 'tenantId must not be blank' });
    expect(findInputProblem(deep(3000))).toMatchObject({ message: expect.stringContaining('nested more than 64') });
    expect(findInputProblem({ agentId: 'x'.repeat(257) })).toMatchObject({ field: 'agentId' });
  });

  it('accepts ordinary requests, text with line breaks and large free-form input', () => {
    expect(findInputProblem(actionBody({ input: { summary: 'line one\nline two\ttabbed', blob: 'y'.repeat(100_000), emoji: '✓ 😀' } }))).toBeNull();
    expect(findInputProblem({ reason: 'checked\r\nthe ticket' })).toBeNull();
  });
});

describe.each<StoreMode>(['embedded', 'jetstream'])('hostile input on every route (%s event store)', (mode) => {
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

  it('answers 2xx or a 4xx envelope to every mutation, then the chain verifies and the read models reach the head', async () => {
    const executed = await http.post('/v1/actions', actionBody(), ADMIN);
    const pending = await http.post('/v1/actions', actionBody({ resource: { toolId: 'iam', operation: 'change_permissions', target: 'prod:finance' } }), ADMIN);
    const draft = await http.post('/v1/policies', { tenantId: TENANT, version: 'fuzz-0', rules: [{ id: 'allow', description: 'all', priority: 1, match: {}, decision: 'allow' }] }, ADMIN);
    expect([executed.status, pending.status, draft.status]).toEqual([202, 202, 201]);
    const ids = { actionId: pending.body.actionId, approvalId: pending.body.approvalId, receiptId: executed.body.receiptId, policyId: draft.body.policyId ?? draft.body.id };
    const random = prng(mode === 'embedded' ? 7 : 11);
    let requests = 0;

    for (const route of routes(ids)) {
      const targets = route.body ? fieldPaths(route.body) : Object.keys(route.query ?? {}).map((k) => [k]);
      for (const path of targets) {
        for (let n = 0; n < 4; n++) {
          const value = HOSTILE[Math.floor(random() * HOSTILE.length)];
          const headBefore = (await runtime.store.head(TENANT)).sequence;
          let res: HttpAnswer;
          if (route.method === 'GET') {
            const query = new URLSearchParams({ ...route.query, [path[0]!]: typeof value === 'string' ? value.slice(0, 2048) : JSON.stringify(value) });
            res = await http.request('GET', `${route.path}?${query}`, { token: ADMIN });
          } else {
            res = await http.request('POST', route.path, { token: ADMIN, body: withValue(route.body!, path, value) });
          }
          requests++;
          const what = `${route.method} ${route.path} ${path.join('.')}=${JSON.stringify(value)?.slice(0, 40)}`;
          expectEnvelope(res, what);
          if (res.status === 400 && res.body.error.code === 'validation_error') {
            expect({ what, moved: (await runtime.store.head(TENANT)).sequence - headBefore }).toEqual({ what, moved: 0 });
          }
        }
      }
      // The raw texts JSON.stringify cannot produce: deep nesting, a lone surrogate escape, __proto__.
      if (route.method === 'POST') {
        for (const raw of ['['.repeat(3000) + ']'.repeat(3000), `{"tenantId":"${TENANT}","agentId":"\\ud800"}`, '{"__proto__":{"admin":true}}', '{"tenantId":"\\u0000"}']) {
          const res = await http.request('POST', route.path, { token: ADMIN, raw });
          expectEnvelope(res, `${route.path} raw ${raw.slice(0, 30)}`);
          expect(res.status).toBeLessThan(500);
        }
        const gz = await http.request('POST', route.path, { token: ADMIN, body: route.body, headers: { 'content-encoding': 'gzip' } });
        expect({ path: route.path, status: gz.status, code: gz.body?.error?.code }).toEqual({ path: route.path, status: 415, code: 'unsupported_media_type' });
      }
    }
    expect(requests).toBeGreaterThan(100);

    const stream = (await runtime.store.read(TENANT, { limit: 100_000 })).map((e) => e.data as unknown as Receipt);
    const keys = await http.get(`/v1/trust/tenants/${TENANT}/keys`);
    expect(verifyReceiptBundle(stream, keys.body.items, { expectFirstSequence: 1, crypto: nodeVerifierCrypto }).verificationErrors).toEqual([]);
    const head = (await runtime.store.head(TENANT)).sequence;
    expect(await runtime.waitForPosition(TENANT, head)).toBe(true);
    // No NUL, control character or lone surrogate made it into a receipt.
    expect(stream.filter((r) => findInputProblem({ actor: r.actor, resource: r.resource }) !== null)).toEqual([]);
  });
});
