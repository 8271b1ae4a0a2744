import { type EvidenceBundle, type TrustedKey, nodeVerifierCrypto, verifyEvidenceBundle } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { HOSTILE } from './support/hostile-values';
import { ADMIN, AUDITOR, OPERATOR, TestHttp, actionBody } from './support/http';
import type { StoreMode } from './support/test-runtime';
import { startTestApp } from './support/test-app';
import { until } from './support/until';

describe.each<StoreMode>(['embedded', 'jetstream'])('evidence exports (%s)', (mode) => {
  let http: TestHttp;
  let runtime: Runtime;
  let close: () => Promise<void>;
  let keys: TrustedKey[];
  const tenantId = 'tenant_alpha';
  const window = () => ({ dateFrom: new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'), dateTo: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z') });

  beforeAll(async () => {
    ({ runtime, http, close } = await startTestApp(mode));
    for (const toolId of ['jira', 'jira', 'slack']) {
      const res = await http.post('/v1/actions', actionBody({ tenantId, resource: { toolId, operation: 'create_ticket', target: 'project:SEC' } }), ADMIN);
      expect(res.status).toBeLessThan(300);
    }
    const denied = await http.post('/v1/actions', actionBody({ tenantId, resource: { toolId: 'db', operation: 'delete', target: 'prod:db' } }), ADMIN);
    expect(denied.status).toBeLessThan(300);
    keys = (await http.get(`/v1/trust/tenants/${tenantId}/keys`)).body.items as TrustedKey[];
  });

  afterAll(() => close());

  it('answers a v1 export inline with a self-verifying bundle, recorded as a receipt', async () => {
    const res = await http.post<EvidenceBundle>('/v1/evidence/exports', { tenantId, framework: 'soc2', ...window() }, AUDITOR);
    expect(res.status).toBe(200);
    const bundle = res.body;
    expect(bundle).toMatchObject({ bundleVersion: '2.0.0', tenantId, framework: 'soc2', integrity: { signatureAlg: 'Ed25519', signatureDomain: 'oars.evidence-bundle.v1:' } });
    expect(bundle.bundleId).toMatch(/^evb_/);
    expect(bundle.summary.actionCount).toBe(4);
    expect(bundle.receipts.length).toBe(bundle.summary.receiptCount);
    expect(bundle.artifactHashes).toEqual(bundle.receipts.map((r) => r.integrity.receiptHash));
    expect(bundle.proofs).toHaveLength(bundle.receipts.length);
    expect(bundle.checkpoint?.type).toBe('ledger.checkpoint');
    expect(verifyEvidenceBundle(bundle, nodeVerifierCrypto, { trustedKeys: keys })).toMatchObject({ isValid: true, errors: [] });

    const verified = await http.post('/v1/evidence/exports/verify', { bundle }, AUDITOR);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ isHashValid: true, isSignatureValid: true, isValid: true, errors: [] });

    await runtime.catchUp([tenantId]);
    const recorded = await http.get(`/v1/receipts?tenantId=${tenantId}&type=evidence.bundle.generated`, AUDITOR);
    expect(recorded.body.items.map((r: { data: { bundleId: string } }) => r.data.bundleId)).toContain(bundle.bundleId);
  });

  it('names what was altered in a bundle', async () => {
    const bundle = (await http.post<EvidenceBundle>('/v1/evidence/exports', { tenantId, framework: 'iso_42001', ...window() }, AUDITOR)).body;
    const forged = structuredClone(bundle);
    forged.artifacts[0]!.decision = forged.artifacts[0]!.decision === 'deny' ? 'allow' : 'deny';
    const res = await http.post('/v1/evidence/exports/verify', { bundle: forged }, AUDITOR);
    expect(res.status).toBe(200);
    expect(res.body.isValid).toBe(false);
    expect(res.body.isHashValid).toBe(false);
    expect(res.body.findings.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['artifacts[0].decision']));
    const other = await http.post('/v1/evidence/exports/verify', { bundle: { ...bundle, tenantId: 'tenant_enterprise' } }, AUDITOR);
    expect(other.status).toBe(403);
  });

  it('narrows the bundle to the tools asked for', async () => {
    const res = await http.post<EvidenceBundle>('/v1/evidence/exports', { tenantId, framework: 'eu_ai_act', ...window(), toolIds: ['slack'] }, AUDITOR);
    expect(res.status).toBe(200);
    const tools = new Set(res.body.receipts.map((r) => r.resource?.toolId ?? null));
    expect([...tools].filter((t) => t !== null)).toEqual(['slack']);
    expect(res.body.scope.toolIds).toEqual(['slack']);
  });

  it('scopes a bundle to controls: only their evidence, listed per control; an unknown control is a 404 naming it', async () => {
    const res = await http.post<EvidenceBundle>('/v1/evidence/exports', { tenantId, framework: 'soc2', ...window(), controlIds: ['CC6.2'] }, AUDITOR);
    expect(res.status).toBe(200);
    // CC6.2 asks for receipts that name the actor: the actions' receipts, not the key or bundle receipts.
    expect(res.body.receipts.length).toBeGreaterThan(0);
    expect(res.body.receipts.every((r) => r.actor !== null && r.actionId !== null)).toBe(true);
    const all = await http.post<EvidenceBundle>('/v1/evidence/exports', { tenantId, framework: 'soc2', ...window() }, AUDITOR);
    expect(all.body.receipts.some((r) => r.type === 'key.generated')).toBe(true);
    expect(res.body.controls).toEqual([{ controlId: 'CC6.2', description: expect.any(String), evidenceReceiptIds: res.body.receipts.map((r) => r.receiptId) }]);
    expect(verifyEvidenceBundle(res.body, nodeVerifierCrypto, { trustedKeys: keys })).toMatchObject({ isValid: true });
    const unknown = await http.post('/v1/evidence/exports', { tenantId, framework: 'soc2', ...window(), controlIds: ['CC6.2', 'ART-14'] }, AUDITOR);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('controlIds[1]');
  });

  it('runs an asynchronous export as a job on request: 202, poll, download one bundle', async () => {
    const body = { tenantId, framework: 'soc2', ...window() };
    const res = await http.post('/v1/evidence/exports', body, AUDITOR, { prefer: 'respond-async', 'idempotency-key': `job-${mode}` });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/v1/evidence/exports/${res.body.jobId}`);
    expect(res.body).toMatchObject({ status: 'queued', tenantId, framework: 'soc2' });
    const again = await http.post('/v1/evidence/exports', body, AUDITOR, { prefer: 'respond-async', 'idempotency-key': `job-${mode}` });
    expect(again.body.jobId).toBe(res.body.jobId);
    const job = await until('the job to complete', async () => {
      const j = await http.get(`/v1/evidence/exports/${res.body.jobId}`, AUDITOR);
      return j.body.status === 'completed' && j.body;
    }, 20_000);
    expect(job).toMatchObject({ bundleId: res.body.bundleId, error: null });
    const bundle = await http.get<EvidenceBundle>(`/v1/evidence/exports/${res.body.jobId}/bundle`, AUDITOR);
    expect(bundle.status).toBe(200);
    expect(bundle.body.bundleId).toBe(res.body.bundleId);
    expect(bundle.body.integrity.bundleHash).toBe(job.bundleHash);
    expect(verifyEvidenceBundle(bundle.body, nodeVerifierCrypto, { trustedKeys: keys }).isValid).toBe(true);
    // The job ran once: one generated receipt, and running it again changes nothing.
    expect(await runtime.evidence.run(tenantId, res.body.jobId)).toBe(false);
    await runtime.catchUp([tenantId]);
    const generated = await http.get(`/v1/receipts?tenantId=${tenantId}&type=evidence.bundle.generated&limit=500`, AUDITOR);
    expect(generated.body.items.filter((r: { data: { jobId: string | null } }) => r.data.jobId === res.body.jobId)).toHaveLength(1);
    const slo = await http.get('/v1/admin/ops/slo', ADMIN);
    const exportSlo = slo.body.objectives.find((o: { id: string }) => o.id === 'evidence_export');
    expect(exportSlo.status).not.toBe('no_data');
    // Other tenants' callers do not see the job.
    const outsider = await http.get(`/v1/evidence/exports/${res.body.jobId}`, 'dev_outsider_token');
    expect([401, 404]).toContain(outsider.status);
  });

  it('finishes an interrupted job with the bundle it had already stored', async () => {
    const jobId = `exj_interrupted_${mode}`;
    const spec = { tenantId, framework: 'soc2' as const, scope: window() };
    // A job whose first run stored its bundle and then died before recording it: queued, bundle stored.
    const stopped = await runtime.evidence.request(spec, jobId, 'auditor_user');
    const built = await runtime.evidence.build(spec, stopped.bundleId, stopped.requestedAt);
    await runtime.sql.query('INSERT INTO evidence_bundles (bundle_id, tenant_id, job_id, bundle_hash, receipt_count, body) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
      built.bundleId, tenantId, jobId, built.integrity.bundleHash, built.receipts.length, JSON.stringify(built),
    ]);
    const job = await until('the job to complete', async () => {
      const j = await runtime.evidence.job(tenantId, jobId);
      return j?.status === 'completed' && j;
    }, 20_000);
    expect(job.bundleHash).toBe(built.integrity.bundleHash);
    const { rows } = await runtime.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM evidence_bundles WHERE job_id = $1', [jobId]);
    expect(rows[0]!.n).toBe('1');
  });

  it('refuses bad requests with a 4xx naming the field, and changes nothing', async () => {
    const head = (await runtime.store.head(tenantId)).sequence;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ tenantId, framework: 'hipaa', ...window() }, 'framework'],
      [{ tenantId, framework: 'soc2', dateFrom: '2026-03-01T00:00:00Z', dateTo: '2026-01-01T00:00:00Z' }, 'dateFrom'],
      [{ tenantId, framework: 'soc2', dateFrom: '2026-01-01T00:00:00Z' }, 'dateTo'],
      [{ tenantId, framework: 'soc2', dateFrom: '2000-01-01T00:00:00Z', dateTo: '2026-01-01T00:00:00Z' }, 'dateTo'],
      [{ tenantId, framework: 'soc2', dateFrom: 'yesterday', dateTo: '2026-01-01T00:00:00Z' }, 'dateFrom'],
      [{ tenantId, framework: 'soc2', ...window(), toolIds: [] }, 'toolIds'],
      [{ tenantId, framework: 'soc2', ...window(), async: 'yes' }, 'async'],
    ];
    for (const [body, field] of cases) {
      const res = await http.post('/v1/evidence/exports', body, AUDITOR);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(`${res.body.error.message} ${JSON.stringify(res.body.error.details ?? '')}`).toContain(field);
      expect(res.body.error.requestId).toBeTruthy();
    }
    const w = window();
    for (const hostile of HOSTILE.filter((h) => h.refused)) {
      for (const field of ['toolIds', 'agentIds', 'policyIds', 'controlIds']) {
        const raw = `{"tenantId":"${tenantId}","framework":"soc2","dateFrom":"${w.dateFrom}","dateTo":"${w.dateTo}","${field}":[${hostile.json}]}`;
        const res = await http.request('POST', '/v1/evidence/exports', { token: AUDITOR, raw });
        expect({ hostile: hostile.name, field, status: res.status }).toEqual({ hostile: hostile.name, field, status: 400 });
      }
      const raw = `{"tenantId":"${tenantId}","framework":${hostile.json},"dateFrom":"${w.dateFrom}","dateTo":"${w.dateTo}"}`;
      expect((await http.request('POST', '/v1/evidence/exports', { token: AUDITOR, raw })).status).toBe(400);
    }
    expect((await http.post('/v1/evidence/exports', { tenantId, framework: 'soc2', ...window() }, OPERATOR)).status).toBe(200);
    expect((await http.get('/v1/evidence/exports/exj_nothing', AUDITOR)).status).toBe(404);
    expect((await http.post('/v1/evidence/exports/verify', { bundle: 'no' }, AUDITOR)).status).toBe(400);
    // The operator's successful export appended its receipt; the refused requests appended nothing.
    expect((await runtime.store.head(tenantId)).sequence).toBeLessThanOrEqual(head + 2);
  });
});
