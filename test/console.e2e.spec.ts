import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type Receipt, computeReceiptHash, nodeVerifierCrypto, verifyReceiptBundle } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { countOf, launchChromium, pollText, saveScreenshot, watchPageProblems } from './support/browser';
import { ADMIN, OPERATOR, TestHttp, actionBody } from './support/http';
import { type StoreMode, createTestRuntime } from './support/test-runtime';

const TENANT = 'tenant_alpha';

describe.each<StoreMode>(['embedded', 'jetstream'])('ops console in headless Chromium (%s event store)', (mode) => {
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let app: NestFastifyApplication;
  let http: TestHttp;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let pageProblems: string[];

  beforeAll(async () => {
    const t = await createTestRuntime(mode);
    runtime = t.runtime;
    cleanup = t.cleanup;
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    pageProblems = watchPageProblems(page);
  }, 120_000);

  afterAll(async () => {
    try {
      await browser?.close();
    } finally {
      await app?.close();
      await cleanup?.();
    }
  });

  const count = async (testId: string) => countOf((await page.getByTestId(testId).textContent()) ?? '');
  /** Evaluates an expression in the page (a string: the test compiles without DOM types). */
  const inPage = (expression: string): Promise<unknown> => page.evaluate(expression);

  it('serves the console under a strict Content-Security-Policy, and nothing outside its folder', async () => {
    const index = await http.get('/console');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
    expect(index.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = await http.get('/console/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('content-security-policy')).toBe(csp);
    for (const path of ['/console/nothing.js', '/console/%2e%2e%2fpackage.json', '/console/..%2f..%2f.swcrc']) {
      const res = await http.get(path);
      expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
  });

  it('derives p95 latency and rates from two Prometheus scrapes (the page\'s own parser)', async () => {
    await page.goto(`${http.baseUrl}/console`);
    // A string, so the test's own compiler leaves the page's dynamic import alone.
    const result = await page.evaluate(`(async () => {
      const m = await import('/console/prometheus-text.js');
      const scrape = (requests, errors, buckets) => m.parsePrometheusText([
        '# TYPE oars_http_requests_total counter',
        'oars_http_requests_total{method="POST",route="/v1/actions",status="202"} ' + (requests - errors),
        'oars_http_requests_total{method="POST",route="/v1/actions",status="500"} ' + errors,
        'oars_http_requests_total{method="GET",route="/metrics",status="200"} 999',
        ...['0.005', '0.01', '0.05', '+Inf'].map((le, i) => 'oars_http_request_duration_seconds_bucket{method="POST",route="/v1/actions",le="' + le + '"} ' + buckets[i]),
        ...['0.001', '0.005', '+Inf'].map((le, i) => 'oars_policy_decision_duration_seconds_bucket{le="' + le + '"} ' + (requests / 5) * [0.5, 1, 1][i]),
      ].join('\\n'));
      const a = m.snapshotOf(scrape(100, 0, [50, 90, 100, 100]), 0);
      const b = m.snapshotOf(scrape(300, 2, [50, 190, 290, 300]), 2000);
      return m.goldenBetween(a, b);
    })()`);
    // 200 new requests in 2 s (the scrapes of /metrics not counted), 2 of them 5xx; 100 took 5-10 ms,
    // 90 took 10-50 ms and 10 longer: the 190th (95 %) is the last of the 10-50 ms bucket -> 50 ms.
    // 40 new decisions: 20 under 1 ms, 20 at 1-5 ms: the 38th is 18/20 into that bucket -> 4.6 ms.
    expect(result).toMatchObject({ requestsPerSecond: 100, errorRate: 0.01, p95Ms: 50, actionsPerSecond: 0 });
    expect((result as { decisionP95Ms: number }).decisionP95Ms).toBeCloseTo(4.6, 6);
  });

  it('recognises integrity findings in the shapes a verifier may report (the page\'s own reader)', async () => {
    const found = await page.evaluate(`(async () => {
      const { integrityProblems } = await import('/console/shape.js');
      return [
        { state: 'OK', position: 120, signatureFailures: 0, chainGaps: 0, lastCheckedSequence: 120 },
        { tenants: { tenant_alpha: { signatureFailures: 1, lastFailureAt: '2026-01-01T00:00:00Z' } } },
        { lastResult: { ok: false, checkedThrough: 41 } },
        { status: 'ERROR', findings: [{ kind: 'bad_signature', sequence: 42 }] },
        { verifier: { state: 'OK', findings: 2 }, tenant: { position: 9, head: 9, lastResult: 'ok', findingsTotal: 0 }, violationsRecorded: 0 },
        { verifier: { state: 'OK', findings: 2 }, tenant: { position: 9, head: 9, lastResult: 'violations', findingsTotal: 1, lastFinding: { sequence: 9, kind: 'bad_signature', detail: 'signature does not verify' } }, violationsRecorded: 1 },
      ].map((s) => integrityProblems(s));
    })()`);
    expect(found).toEqual([
      [],
      ['tenants.tenant_alpha.signatureFailures: 1'],
      ['lastResult.ok: false'],
      ['status: ERROR', 'findings: 1 (kind bad_signature, sequence 42)'],
      // The dashboard's own shape: findings in other tenants (verifier.findings) are not this tenant's.
      [],
      ["1 integrity violation in this tenant's stream; last: bad_signature at sequence 9 (signature does not verify)"],
    ]);
  });

  it('signs in, shows tenant_alpha, and its numbers change as actions are submitted', async () => {
    await page.goto(`${http.baseUrl}/console`);
    await page.getByLabel('API bearer token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await inPage("sessionStorage.getItem('oars.console.token')")).toBe(ADMIN);
    expect(await inPage('localStorage.length + document.cookie.length')).toBe(0);
    expect(page.url()).not.toContain(ADMIN);

    await page.getByRole('combobox', { name: 'Tenant' }).fill(TENANT);
    await page.getByRole('button', { name: 'Show' }).click();
    await pollText(page, '[data-testid="actions-total"]', (t) => Number.isFinite(countOf(t)), 'the decision mix to load');
    const before = { total: await count('actions-total'), executed: await count('state-executed'), denied: await count('state-denied') };

    for (let i = 0; i < 3; i++) expect((await http.post('/v1/actions', actionBody({ agentId: `agent_console_${i}` }), ADMIN)).body.state).toBe('executed');
    const denied = await http.post('/v1/actions', actionBody({ resource: { toolId: 'database', operation: 'drop_database', target: 'db:prod' } }), ADMIN);
    expect(denied.body.state).toBe('denied');
    const approval = await http.post('/v1/actions', actionBody({ resource: { toolId: 'iam', operation: 'change_permissions', target: 'prod:finance' } }), ADMIN);
    expect(approval.body.state).toBe('approval_required');

    await pollText(page, '[data-testid="actions-total"]', (t) => countOf(t) >= before.total + 5, `the action total to reach ${before.total + 5}`);
    await pollText(page, '[data-testid="state-executed"]', (t) => countOf(t) >= before.executed + 3, 'three more executed actions');
    await pollText(page, '[data-testid="state-denied"]', (t) => countOf(t) >= before.denied + 1, 'one more denied action');
    await pollText(page, '#panel-alerts', (t) => t.includes('POLICY_DENIED'), 'the POLICY_DENIED alert');
    await pollText(page, '[data-testid="rps-value"]', (t) => Number.isFinite(countOf(t)) && countOf(t) > 0, 'a requests/s sample');
    await pollText(page, '[data-testid="p95-value"]', (t) => /ms$/.test(t), 'a p95 latency sample');
    await pollText(page, '[data-testid="projector-state"]', (t) => /^(Ok|Warn)$/.test(t), 'the projector state');
    // Pending approvals land with the approvals work: either the list or a clear "not available".
    await pollText(page, '#panel-approvals', (t) => /Pending: [1-9]|Not available/.test(t), 'the approvals panel');
    await saveScreenshot(page, `console-live-${mode}`);
    expect(pageProblems).toEqual([]);
  }, 120_000);

  it('shows an integrity alert after a forged receipt is injected into the tenant stream', async () => {
    expect((await http.post('/v1/actions', actionBody({ agentId: 'agent_before_forgery' }), ADMIN)).status).toBe(202);
    const head = await runtime.store.head(TENANT);
    const genuine = head.last!.data as unknown as Receipt;
    // A copy of the head receipt at the next sequence, correctly chained and hashed, but carrying
    // the genuine receipt's signature: only the signature check can catch it.
    const forged: Receipt = {
      ...genuine,
      receiptId: `rcpt_${randomBytes(16).toString('hex')}`,
      sequence: head.sequence + 1,
      timestamp: new Date().toISOString(),
      integrity: { ...genuine.integrity, prevEventHash: genuine.integrity.receiptHash, prevReceiptHash: genuine.actionId ? genuine.integrity.receiptHash : null },
    };
    forged.integrity.receiptHash = computeReceiptHash(forged);
    const keys = (await http.get(`/v1/trust/tenants/${TENANT}/keys`)).body.items;
    expect(verifyReceiptBundle([genuine, forged], keys, { crypto: nodeVerifierCrypto }).verificationErrors.join(' ')).toMatch(/signature/i);
    await runtime.store.append(TENANT, [{ id: forged.receiptId, type: forged.type, subject: head.last!.subject, data: forged as unknown as Record<string, unknown> }], { expectedVersion: head.sequence });

    try {
      await pollText(page, '#panel-integrity', (t) => t.includes('Integrity alert'), 'the integrity verifier to report the forged receipt', 60_000);
      expect(await page.getByTestId('integrity-alert').getAttribute('role')).toBe('alert');
    } finally {
      await saveScreenshot(page, `console-integrity-${mode}`);
    }
  }, 120_000);

  it('shows the open incidents with the time left to acknowledge, acknowledges one, and shows its timeline', async () => {
    // The forged receipt above raised INTEGRITY_VIOLATION, which opened a SEV1 incident.
    const row = page.locator('#panel-incidents li', { hasText: 'INTEGRITY_VIOLATION' });
    await pollText(page, '#panel-incidents', (t) => t.includes('INTEGRITY_VIOLATION') && /left to acknowledge|overdue by/.test(t), 'the integrity incident with its time left', 60_000);
    expect(await row.locator('.badge').textContent()).toBe('SEV1');
    const incidentId = (await row.getAttribute('data-incident-id'))!;
    const countdown = await row.getByTestId('ack-countdown').textContent();
    await pollText(page, `#panel-incidents li[data-incident-id="${incidentId}"] [data-testid="ack-countdown"]`, (t) => t !== countdown, 'the time left to tick');

    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await pollText(page, '[data-testid="incident-notice"]', (t) => t.includes(`Acknowledged ${incidentId}`), 'the acknowledgement');
    await pollText(page, `#panel-incidents li[data-incident-id="${incidentId}"]`, (t) => t.includes('acknowledged by admin_user'), 'the row to show who acknowledged');
    expect(await row.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
    expect((await http.get(`/v1/incidents/${incidentId}`, ADMIN)).body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'admin_user' });

    await row.getByRole('button', { name: 'Timeline' }).click();
    await pollText(page, '[data-testid="incident-timeline"]', (t) => ['Opened', 'Escalated', 'Acknowledged'].every((s) => t.includes(s)), 'the incident timeline');
    expect(await row.getByRole('button', { name: 'Timeline' }).getAttribute('aria-expanded')).toBe('true');
    await saveScreenshot(page, `console-incidents-${mode}`);
    expect(pageProblems).toEqual([]);
  }, 120_000);

  it('signs out and forgets the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await pollText(page, '#sign-in-error', (t) => t.includes('Signed out'), 'the sign-in form');
    expect(await inPage('sessionStorage.length')).toBe(0);
    await page.reload();
    expect(await page.getByLabel('API bearer token').isVisible()).toBe(true);
    expect(await page.locator('#board').isHidden()).toBe(true);
    expect(pageProblems).toEqual([]);
  });

  it('says so when the token cannot see a tenant, and drops a token the API rejects', async () => {
    await page.getByLabel('API bearer token').fill(OPERATOR);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox', { name: 'Tenant' }).fill('tenant_enterprise');
    await page.getByRole('button', { name: 'Show' }).click();
    await pollText(page, '#board-error', (t) => t.includes('no access to tenant tenant_enterprise'), 'the tenant refusal');
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByLabel('API bearer token').fill('not_a_real_token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('combobox', { name: 'Tenant' }).fill(TENANT);
    await page.getByRole('button', { name: 'Show' }).click();
    await pollText(page, '#sign-in-error', (t) => t.includes('rejected this token'), 'the token to be refused');
    expect(await inPage("sessionStorage.getItem('oars.console.token')")).toBeNull();
    expect(pageProblems).toEqual([]);
  });
});
