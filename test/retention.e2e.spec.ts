import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RETENTION_SUBJECT, retentionOf } from '@oars/domain';
import { latestReceipt } from '@oars/ledger';
import { type InclusionProofDocument, type Receipt, type TrustedKey, nodeVerifierCrypto, verifyInclusionProof } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { verifyCommand } from '../apps/cli/src/commands/verify.command';
import { ADMIN, AUDITOR, OPERATOR, TestHttp, actionBody } from './support/http';
import type { StoreMode } from './support/test-runtime';
import { startTestApp } from './support/test-app';
import { until } from './support/until';

describe.each<StoreMode>(['embedded', 'jetstream'])('ledger retention: archive, signed prune point, legal holds (%s)', (mode) => {
  let http: TestHttp;
  let runtime: Runtime;
  let close: () => Promise<void>;
  let dir: string;
  const tenantId = 'tenant_alpha';
  const DAY = 86_400_000;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oars-retention-'));
    ({ runtime, http, close } = await startTestApp(mode, { OARS_ARCHIVE_DIR: dir }));
  });

  afterAll(async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function verifiedToHead(): Promise<number> {
    const head = (await runtime.store.head(tenantId)).sequence;
    await until('the integrity verifier at the head', async () => (await runtime.ops.integrity!.tenantStatus(tenantId)).position >= head, 30_000);
    return head;
  }

  it('answers the v1 default policy, then records a policy as a receipt (admins only)', async () => {
    const initial = await http.get(`/v1/admin/ledger/retention?tenantId=${tenantId}`, AUDITOR);
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({ id: 'default_retention_policy', tenantId, retentionDays: 365, legalHold: false, reason: null, updatedBy: 'system', holds: [], lastPrune: null });
    for (let i = 0; i < 6; i++) expect((await http.post('/v1/actions', actionBody({ tenantId }), ADMIN)).status).toBeLessThan(300);
    const set = await http.post('/v1/admin/ledger/retention', { tenantId, retentionDays: 1, legalHold: false, reason: 'one day for the test' }, ADMIN);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ tenantId, retentionDays: 1, legalHold: false, reason: 'one day for the test', updatedBy: 'admin_user' });
    expect(set.body.id).toMatch(/^rtn_/);
    expect((await http.post('/v1/admin/ledger/retention', { tenantId, retentionDays: 1, legalHold: false }, OPERATOR)).status).toBe(403);
    expect((await http.get(`/v1/admin/ledger/retention?tenantId=${tenantId}`, AUDITOR)).body.retentionDays).toBe(1);
  });

  it('refuses to prune under a legal hold (the v1 flag or an incident hold), and nothing changes', async () => {
    await verifiedToHead();
    const hold = await http.post('/v1/admin/ledger/holds', { tenantId, reason: 'incident inc_42 evidence', incidentId: 'inc_42' }, ADMIN);
    expect(hold.status).toBe(201);
    expect(hold.body).toMatchObject({ reason: 'incident inc_42 evidence', incidentId: 'inc_42', placedBy: 'admin_user' });
    const head = (await runtime.store.head(tenantId)).sequence;
    const refused = await http.post('/v1/admin/ledger/retention/apply', { tenantId }, ADMIN);
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('request_error');
    expect(refused.body.error.message).toMatch(/^Retention cannot be applied while legal hold is active.*inc_42/);
    await expect(runtime.retention.apply(tenantId, 'admin_user', new Date(Date.now() + 2 * DAY))).rejects.toMatchObject({ code: 'legal_hold_active' });
    expect((await runtime.store.head(tenantId)).sequence).toBe(head);
    expect(await runtime.store.firstSequence(tenantId)).toBe(1);
    const released = await http.post(`/v1/admin/ledger/holds/${hold.body.holdId}/release`, { tenantId }, ADMIN);
    expect(released.status).toBe(200);
    expect(released.body.holds).toEqual([]);
    expect((await http.post(`/v1/admin/ledger/holds/${hold.body.holdId}/release`, { tenantId }, ADMIN)).status).toBe(404);
  });

  it('finds nothing old enough today', async () => {
    const res = await http.post('/v1/admin/ledger/retention/apply', { tenantId }, ADMIN);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('nothing_to_prune');
  });

  it('archives the prefix, records a signed prune point, removes the prefix, and the rest still verifies and works', async () => {
    await verifiedToHead();
    const policyReceipt = await latestReceipt(runtime.store, tenantId, RETENTION_SUBJECT);
    const outcome = await runtime.retention.apply(tenantId, 'admin_user', new Date(Date.now() + 2 * DAY));
    // Everything before the latest retention receipt (live state) is pruned; nothing newer.
    expect(outcome.prunedThrough).toBe(policyReceipt!.sequence - 1);
    expect(outcome.firstSequence).toBe(outcome.prunedThrough + 1);
    expect(await runtime.store.firstSequence(tenantId)).toBe(outcome.prunedThrough + 1);
    expect(await runtime.store.get(tenantId, 1)).toBeNull();

    // The archive holds exactly the pruned receipts, and its hash is the one the signed receipt names.
    const archived = readFileSync(outcome.archive.location, 'utf8');
    expect(createHash('sha256').update(archived).digest('hex')).toBe(outcome.archive.sha256);
    const lines = archived.trimEnd().split('\n').map((l) => JSON.parse(l) as Receipt);
    expect(lines.map((r) => r.sequence)).toEqual(Array.from({ length: outcome.prunedThrough }, (_, i) => i + 1));
    // The archive verifies offline as the stream's first events.
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify((await http.get(`/v1/trust/tenants/${tenantId}/keys`)).body));
    expect(await verifyCommand([outcome.archive.location, '--keys', keysFile, '--expect-first-sequence', '1'], { out: () => undefined, err: () => undefined })).toBe(0);
    const retention = await latestReceipt(runtime.store, tenantId, RETENTION_SUBJECT);
    expect(retention!.type).toBe('ledger.retention_applied');
    expect(retentionOf(retention!.data).lastPrune).toMatchObject({ prunedThrough: outcome.prunedThrough, lastReceiptHash: lines[lines.length - 1]!.integrity.receiptHash });

    // A replay from sequence 1 starts at the signed prune point and finds nothing wrong.
    const res = await fetch(`${http.baseUrl}/v1/admin/forensics/replay?tenantId=${tenantId}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const replayed = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l));
    const summary = replayed.pop().summary;
    expect(summary).toMatchObject({ ok: true, trust: 'retention' });
    expect(replayed[0].sequence).toBe(outcome.prunedThrough + 1);

    // The read model no longer lists the pruned receipts.
    await runtime.catchUp([tenantId]);
    const listed = await http.get(`/v1/receipts?tenantId=${tenantId}&limit=500&includeCheckpoints=true`, AUDITOR);
    expect(Math.min(...(listed.body.items as Receipt[]).map((r) => r.sequence))).toBe(outcome.prunedThrough + 1);

    // The writer still signs (its key ring was restated), also after reloading the head from the store.
    runtime.writer.reset(tenantId);
    const submitted = await http.post('/v1/actions', actionBody({ tenantId }), ADMIN);
    expect(submitted.status).toBeLessThan(300);
    const keys = (await http.get(`/v1/trust/tenants/${tenantId}/keys`)).body.items as TrustedKey[];
    expect(keys.length).toBeGreaterThan(0);

    // Proofs continue from the prune's frontier.
    const proof = await http.get<InclusionProofDocument>(`/v1/receipts/${submitted.body.receiptId}/proof`, AUDITOR);
    expect(proof.status).toBe(200);
    const receipt = (await http.get<Receipt>(`/v1/receipts/${submitted.body.receiptId}`, AUDITOR)).body;
    expect(verifyInclusionProof(proof.body, { keys, receipt, crypto: nodeVerifierCrypto })).toEqual({ isValid: true, errors: [] });

    // The continuous verifier stays clean past the prune point.
    const head = await verifiedToHead();
    expect(await runtime.ops.integrity!.tenantStatus(tenantId)).toMatchObject({ position: head, lastResult: 'ok', findingsTotal: 0 });
    const state = await http.get(`/v1/admin/ledger/retention?tenantId=${tenantId}`, AUDITOR);
    expect(state.body.lastPrune).toMatchObject({ prunedThrough: outcome.prunedThrough, appliedBy: 'admin_user' });
  });

  it('refuses bad retention input with a 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ tenantId, retentionDays: 0, legalHold: false }, 'retentionDays'],
      [{ tenantId, retentionDays: 36_501, legalHold: false }, 'retentionDays'],
      [{ tenantId, retentionDays: 1.5, legalHold: false }, 'retentionDays'],
      [{ tenantId, retentionDays: 30 }, 'legalHold'],
      [{ tenantId, retentionDays: 30, legalHold: false, reason: 'no' }, 'reason'],
      [{ tenantId: 'bad tenant', retentionDays: 30, legalHold: false }, 'tenantId'],
      [{ tenantId, retentionDays: 30, legalHold: false, reason: 'a\u0000b' }, 'reason'],
    ];
    for (const [body, field] of cases) {
      const res = await http.post('/v1/admin/ledger/retention', body, ADMIN);
      expect({ body, status: res.status, named: JSON.stringify(res.body.error).includes(field) }).toEqual({ body, status: 400, named: true });
    }
    expect((await http.post('/v1/admin/ledger/holds', { tenantId, reason: 'x' }, ADMIN)).status).toBe(400);
    expect((await http.post('/v1/admin/ledger/holds', { tenantId: 'tenant_enterprise', reason: 'outside' }, 'dev_operator_token')).status).toBe(403);
  });
});
