import { CHECKPOINT_SUBJECT, LEDGER_CHECKPOINT } from '@oars/domain';
import { latestReceipt } from '@oars/ledger';
import {
  type ConsistencyProofDocument,
  type InclusionProofDocument,
  type Receipt,
  type TrustedKey,
  nodeVerifierCrypto,
  verifyConsistencyProof,
  verifyInclusionProof,
} from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCommand } from '../apps/cli/src/commands/verify.command';
import { ADMIN, AUDITOR, TestHttp, actionBody } from './support/http';
import type { StoreMode } from './support/test-runtime';
import { startTestApp } from './support/test-app';
import { until } from './support/until';

/** Every leaf (string, number, boolean) of a JSON value, with a path and a way to change it. */
function leaves(value: unknown, path: (string | number)[] = []): Array<(string | number)[]> {
  if (value === null || typeof value !== 'object') return [path];
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, Array.isArray(value) ? Number(k) : k]));
}

function altered<T>(doc: T, path: (string | number)[]): T {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const v = at[last];
  at[last] = typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : typeof v === 'string' ? (v.length > 0 && v[0] !== 'f' ? `f${v.slice(1)}` : `0${v.slice(1)}`) : 'x';
  return copy as T;
}

describe.each<StoreMode>(['embedded', 'jetstream'])('transparency: signed checkpoints and proofs (%s)', (mode) => {
  let http: TestHttp;
  let runtime: Runtime;
  let close: () => Promise<void>;
  let keys: TrustedKey[];
  const tenantId = 'tenant_alpha';

  beforeAll(async () => {
    ({ runtime, http, close } = await startTestApp(mode, { OARS_CHECKPOINT_INTERVAL_MS: '300' }));
  });

  afterAll(() => close());

  async function submit(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await http.post('/v1/actions', actionBody({ tenantId }), ADMIN);
      expect([200, 201, 202]).toContain(res.status);
      ids.push(res.body.receiptId as string);
    }
    return ids;
  }

  it('appends checkpoints by itself while the stream grows, and v1 listings do not show them', async () => {
    await submit(3);
    const checkpoint = await until('a checkpoint', () => latestReceipt(runtime.store, tenantId, CHECKPOINT_SUBJECT), 15_000);
    expect(checkpoint!.type).toBe(LEDGER_CHECKPOINT);
    expect(checkpoint!.data).toMatchObject({ algorithm: 'rfc6962-sha256', treeSize: checkpoint!.sequence - 1 });
    keys = (await http.get(`/v1/trust/tenants/${tenantId}/keys`)).body.items as TrustedKey[];
    await runtime.catchUp([tenantId]);
    const v1 = await http.get(`/v1/receipts?tenantId=${tenantId}&limit=500`, AUDITOR);
    expect((v1.body.items as Receipt[]).some((r) => r.type === LEDGER_CHECKPOINT)).toBe(false);
    const all = await http.get(`/v1/receipts?tenantId=${tenantId}&limit=500&includeCheckpoints=true`, AUDITOR);
    expect((all.body.items as Receipt[]).some((r) => r.type === LEDGER_CHECKPOINT)).toBe(true);
    const listed = await http.get(`/v1/transparency/checkpoints?tenantId=${tenantId}`, AUDITOR);
    expect(listed.status).toBe(200);
    expect((listed.body.items as Receipt[]).every((r) => r.type === LEDGER_CHECKPOINT)).toBe(true);
  });

  it('proves a receipt included in a signed checkpoint, checkable offline; any altered byte fails', async () => {
    const [receiptId] = await submit(5);
    const res = await http.get<InclusionProofDocument>(`/v1/receipts/${receiptId}/proof`, AUDITOR);
    expect(res.status).toBe(200);
    const proof = res.body;
    const receipt = (await http.get<Receipt>(`/v1/receipts/${receiptId}`, AUDITOR)).body;
    expect(proof).toMatchObject({ receiptId, tenantId, sequence: receipt.sequence, leafIndex: receipt.sequence - 1 });
    expect(proof.treeSize).toBeGreaterThanOrEqual(receipt.sequence);
    expect(verifyInclusionProof(proof, { keys, receipt, crypto: nodeVerifierCrypto })).toEqual({ isValid: true, errors: [] });

    for (const path of leaves(proof)) {
      const check = verifyInclusionProof(altered(proof, path), { keys, receipt, crypto: nodeVerifierCrypto });
      if (check.isValid) throw new Error(`altering ${path.join('.')} still verifies`);
      expect(check.errors.length).toBeGreaterThan(0);
    }
    // Another receipt cannot borrow the proof; an untrusted key cannot sign the checkpoint.
    const other = (await http.get<Receipt>(`/v1/receipts?tenantId=${tenantId}&limit=1`, AUDITOR)).body as unknown as { items: Receipt[] };
    expect(verifyInclusionProof(proof, { keys, receipt: other.items[0]!, crypto: nodeVerifierCrypto }).errors.map((e) => e.code)).toContain('leaf_hash_mismatch');
    expect(verifyInclusionProof(proof, { keys: [], receipt, crypto: nodeVerifierCrypto }).errors.map((e) => e.code)).toEqual(['unknown_signing_key']);
  });

  it('lets oars verify check a proof offline with the tenant keys and the receipt', async () => {
    const [receiptId] = await submit(1);
    const proof = (await http.get<InclusionProofDocument>(`/v1/receipts/${receiptId}/proof`, AUDITOR)).body;
    const receipt = (await http.get<Receipt>(`/v1/receipts/${receiptId}`, AUDITOR)).body;
    const dir = mkdtempSync(join(tmpdir(), 'oars-proof-'));
    try {
      const file = (name: string, value: unknown) => {
        writeFileSync(join(dir, name), JSON.stringify(value));
        return join(dir, name);
      };
      const keysFile = file('keys.json', { items: keys });
      const run = async (args: string[]) => verifyCommand(args, { out: () => undefined, err: () => undefined });
      expect(await run([file('proof.json', proof), '--keys', keysFile, '--receipt', file('receipt.json', receipt)])).toBe(0);
      expect(await run([file('forged.json', { ...proof, leafIndex: proof.leafIndex + 1, sequence: proof.sequence + 1 }), '--keys', keysFile])).toBe(1);
      expect(await run([join(dir, 'proof.json')])).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('proves that a later checkpoint extends an earlier one', async () => {
    const first = await latestReceipt(runtime.store, tenantId, CHECKPOINT_SUBJECT);
    await submit(4);
    const later = await until('a later checkpoint', async () => {
      const r = await latestReceipt(runtime.store, tenantId, CHECKPOINT_SUBJECT);
      return r !== null && r.sequence > first!.sequence && r;
    }, 15_000);
    const from = (first!.data as { treeSize: number }).treeSize;
    const res = await http.get<ConsistencyProofDocument>(`/v1/transparency/consistency?tenantId=${tenantId}&fromTreeSize=${from}`, AUDITOR);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenantId, oldSize: from, newSize: (later!.data as { treeSize: number }).treeSize });
    expect(verifyConsistencyProof(res.body, { keys, crypto: nodeVerifierCrypto })).toEqual({ isValid: true, errors: [] });
    for (const path of leaves(res.body)) {
      if (verifyConsistencyProof(altered(res.body, path), { keys, crypto: nodeVerifierCrypto }).isValid) throw new Error(`altering ${path.join('.')} still verifies`);
    }
  });

  it('answers bad proof requests with a 4xx naming the field, and hides other tenants', async () => {
    const bad = await http.get(`/v1/transparency/consistency?tenantId=${tenantId}&fromTreeSize=0`, AUDITOR);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('fromTreeSize');
    const missing = await http.get(`/v1/transparency/consistency?tenantId=${tenantId}&fromTreeSize=999999`, AUDITOR);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('fromTreeSize');
    expect((await http.get('/v1/receipts/rcpt_doesnotexist/proof', AUDITOR)).status).toBe(404);
    expect((await http.get('/v1/receipts/rcpt_%00bad/proof', AUDITOR)).status).toBe(400);
    const forbidden = await http.get('/v1/transparency/checkpoints?tenantId=tenant_enterprise', AUDITOR);
    expect(forbidden.status).toBe(403);
  });

  it('leaves a chain the integrity verifier accepts', async () => {
    const head = (await runtime.store.head(tenantId)).sequence;
    const tenant = await until('the verifier at the head', async () => {
      const status = await runtime.ops.integrity!.tenantStatus(tenantId);
      return status.position >= head && status;
    }, 30_000);
    expect(tenant).toMatchObject({ lastResult: 'ok', findingsTotal: 0, error: null });
  });
});
