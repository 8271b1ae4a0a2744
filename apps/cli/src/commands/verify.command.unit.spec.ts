import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MerkleLog,
  RECEIPT_VERSION,
  buildEvidenceBundle,
  evidenceBundleSigner,
  generateSigningKey,
  merkleLeafHash,
  signReceipt,
  type EvidenceBundle,
  type Receipt,
} from '@oars/receipts';
import type { CliIo } from '../cli-io';
import { verifyCommand, type EvidenceBundleReport, type VerifyReport } from './verify.command';

const vectorFile = JSON.parse(readFileSync(join(__dirname, '../../../../libs/receipts/test-vectors/receipt-vectors.json'), 'utf8')) as {
  keys: Array<{ keyId: string; publicKeyPem: string }>;
  vectors: Array<{ receipt: Receipt }>;
};
const receipts = vectorFile.vectors.map((v) => v.receipt);
const [keyA, keyB] = vectorFile.keys;

let dir: string;
const path = (name: string) => join(dir, name);
const write = (name: string, content: string) => {
  writeFileSync(path(name), content);
  return path(name);
};
const ndjson = (items: unknown[]) => items.map((r) => JSON.stringify(r)).join('\n') + '\n';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await verifyCommand(argv, io);
  return { code, out: out.join('\n'), err };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oars-verify-'));
  const trustResponse = { tenantId: 'tenant_vectors', items: vectorFile.keys.map((k, i) => ({ ...k, tenantId: 'tenant_vectors', status: i === 0 ? 'retiring' : 'active', createdAt: '2026-02-14T10:00:00.000Z', rotatedAt: null })) };
  write('keys.json', JSON.stringify(trustResponse));
  write('keys-b-only.json', JSON.stringify([keyB]));
  write('stream.ndjson', ndjson(receipts));
  write('array.json', JSON.stringify(receipts, null, 2));
  write('single.json', JSON.stringify(receipts[3], null, 2));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A signed evidence bundle of a three-receipt stream (key.generated first) and the checkpoint after it. */
function givenEvidenceBundle(): { bundle: EvidenceBundle; key: { keyId: string; publicKeyPem: string } } {
  const key = generateSigningKey();
  const entry = { keyId: key.keyId, tenantId: 'tenant_cli', status: 'active', createdAt: '2026-02-14T10:00:00.000Z', rotatedAt: null, publicKeyPem: key.publicKeyPem };
  const stream: Receipt[] = [];
  const append = (type: string, data: Record<string, unknown>) => {
    const prev = stream[stream.length - 1]?.integrity.receiptHash ?? null;
    const sequence = stream.length + 1;
    stream.push(signReceipt({
      receiptId: `rcpt_${sequence.toString(16).padStart(32, '0')}`, version: RECEIPT_VERSION, tenantId: 'tenant_cli', region: 'eu-west-1', sequence, type,
      timestamp: `2026-02-14T10:00:0${sequence}.000Z`, actionId: null, actor: null, resource: null, policy: null, risk: null, inputHash: null, telemetry: null, data,
      integrity: { prevEventHash: prev, prevReceiptHash: null, signingKeyId: key.keyId, signatureAlg: 'Ed25519' },
    }, key));
  };
  append('key.generated', { newKeyId: key.keyId, previousKeyId: null, keyring: { activeKeyId: key.keyId, keys: [entry] } });
  append('policy.published', { n: 1 });
  append('policy.published', { n: 2 });
  const log = new MerkleLog(stream.map((r) => merkleLeafHash(r.integrity.receiptHash)));
  append('ledger.checkpoint', { treeSize: 3, rootHash: log.root(3), algorithm: 'rfc6962-sha256', lastReceiptHash: stream[2].integrity.receiptHash });
  const scope = { dateFrom: '2026-02-14T00:00:00.000Z', dateTo: '2026-02-15T00:00:00.000Z' };
  const input = { bundleId: 'evb_cli', tenantId: 'tenant_cli', framework: 'soc2' as const, generatedAt: '2026-02-15T00:00:00.000Z', scope, receipts: stream.slice(0, 3), keys: [entry], checkpoint: stream[3], log };
  return { bundle: buildEvidenceBundle(input, evidenceBundleSigner(key)), key };
}

describe('oars verify', () => {
  it.each(['stream.ndjson', 'array.json', 'single.json'])('accepts a valid %s and exits 0', async (name) => {
    const result = await run(path(name), '--keys', path('keys.json'));
    expect(result.out).toContain('Result:     VALID');
    expect(result.out).toContain('Signatures: OK');
    expect(result.code).toBe(0);
  });

  it('checks a whole stream from sequence 1 and prints the result object with --json', async () => {
    const result = await run(path('stream.ndjson'), '--keys', path('keys.json'), '--expect-first-sequence', '1', '--json');
    const report = JSON.parse(result.out) as VerifyReport;
    expect(report).toMatchObject({ isValid: true, checked: 5, signatureFailures: 0, verificationErrors: [], keys: { fromKeysFile: 2, embedded: 0, trustOnFirstUse: false } });
    expect(result.code).toBe(0);
  });

  it('fails a tampered receipt with exit 1 and names it', async () => {
    const tampered = receipts.map((r) => (r.sequence === 3 ? { ...r, resource: { ...r.resource!, target: 'project:OTHER' } } : r));
    const result = await run(write('tampered.ndjson', ndjson(tampered)), '--keys', path('keys.json'));
    expect(result.out).toContain(`Sequence 3 (${receipts[2].receiptId}): Receipt hash mismatch.`);
    expect(result.out).toContain('Signatures: FAILED (1 failed)');
    expect(result.out).toContain('Result:     INVALID');
    expect(result.code).toBe(1);
  });

  it('fails a stream with a missing receipt', async () => {
    const result = await run(write('gap.ndjson', ndjson(receipts.filter((r) => r.sequence !== 3))), '--keys', path('keys.json'));
    expect(result.out).toContain('Chain:      FAILED (2 errors)');
    expect(result.out).toContain('Chain gap: sequence 3 missing.');
    // Sequence 4 is the action's next receipt: its prevReceiptHash points at the missing one.
    expect(result.out).toContain('Action chain broken at sequence 4');
    expect(result.code).toBe(1);
  });

  it('fails receipts signed by a key the keys file does not hold', async () => {
    const result = await run(path('stream.ndjson'), '--keys', path('keys-b-only.json'));
    expect(result.out).toContain(`Unknown signing key: ${keyA.keyId} (5 receipts).`);
    expect(result.code).toBe(1);
  });

  it('names unreadable NDJSON lines', async () => {
    const lines = ndjson(receipts).split('\n');
    lines.splice(2, 0, '{"receiptId": broken');
    const result = await run(write('corrupt.ndjson', lines.join('\n')), '--keys', path('keys.json'));
    expect(result.out).toContain('Line 3: not valid JSON.');
    expect(result.code).toBe(1);
  });

  it('uses keys embedded in the file only with --trust-embedded-keys, and says it is trust on first use', async () => {
    const result = await run(path('stream.ndjson'), '--trust-embedded-keys');
    expect(result.out).toContain('Keys:       2 embedded in the file');
    expect(result.out).toContain('Trust on first use');
    expect(result.code).toBe(0);
  });

  it('reports progress on stderr every 10,000 receipts', async () => {
    const key = generateSigningKey();
    const lines: string[] = [];
    let prev: string | null = null;
    for (let sequence = 1; sequence <= 10_001; sequence++) {
      const receipt = signReceipt(
        {
          receiptId: `rcpt_${sequence.toString(16).padStart(32, '0')}`, version: RECEIPT_VERSION, tenantId: 'tenant_big', region: 'eu-west-1',
          sequence, type: 'policy.published', timestamp: '2026-02-14T10:00:00.000Z', actionId: null, actor: null, resource: null,
          policy: null, risk: null, inputHash: null, telemetry: null, data: { n: sequence },
          integrity: { prevEventHash: prev, prevReceiptHash: null, signingKeyId: key.keyId, signatureAlg: 'Ed25519' },
        },
        key,
      );
      prev = receipt.integrity.receiptHash;
      lines.push(JSON.stringify(receipt));
    }
    write('big-keys.json', JSON.stringify([{ keyId: key.keyId, publicKeyPem: key.publicKeyPem }]));
    const result = await run(write('big.ndjson', lines.join('\n')), '--keys', path('big-keys.json'));
    expect(result.err).toEqual(['verify: 10,000 receipts checked']);
    expect(result.out).toContain('Verified 10,001 receipts from big.ndjson');
    expect(result.code).toBe(0);
  });

  it.each([
    [[], 'missing <file> to verify.'],
    [['a.ndjson', 'b.ndjson', '--keys', 'k.json'], 'expected one <file>, got 2'],
    [['stream.ndjson', '--bogus'], "Unknown option '--bogus'"],
    [['stream.ndjson'], 'no trusted keys: pass --keys <keys.json>'],
    [['stream.ndjson', '--keys', 'missing.json'], 'cannot read keys file'],
    [['stream.ndjson', '--keys', 'stream.ndjson'], 'is not usable'],
    [['nothing-here.ndjson', '--keys', 'keys.json'], 'cannot read'],
    [['keys-b-only.json', '--keys', 'keys.json', '--expect-first-sequence', 'zero'], '--expect-first-sequence must be a positive integer'],
  ])('exits 2 on the usage error %j and names it', async (argv, message) => {
    const absolute = argv.map((a) => (a.endsWith('.json') || a.endsWith('.ndjson') ? path(a) : a));
    const result = await run(...absolute);
    expect(result.err.join('\n')).toContain(message);
    expect(result.err.join('\n')).toContain('Usage: oars verify');
    expect(result.code).toBe(2);
  });

  it('exits 2 on a file that is not receipts at all', async () => {
    const result = await run(write('notes.txt', 'hello\n'), '--keys', path('keys.json'));
    expect(result.err.join('\n')).toContain('is not JSON or NDJSON receipts');
    expect(result.code).toBe(2);
  });

  describe('an evidence bundle', () => {
    const { bundle, key } = givenEvidenceBundle();

    it('is detected and verified offline with its own keys, saying that proves self-consistency only', async () => {
      const result = await run(write('bundle.json', JSON.stringify(bundle, null, 2)));
      expect(result.out).toContain('Verified evidence bundle evb_cli of tenant_cli from bundle.json');
      expect(result.out).toContain('Checked:    3 receipts, 3 inclusion proofs');
      expect(result.out).toContain("Keys:       the bundle's own");
      expect(result.out).toContain('Result:     VALID');
      expect(result.code).toBe(0);
    });

    it('checks its signers against --keys, and prints the result object with --json', async () => {
      write('bundle-keys.json', JSON.stringify([key]));
      const trusted = await run(write('bundle-line.json', JSON.stringify(bundle)), '--keys', path('bundle-keys.json'), '--json');
      expect(JSON.parse(trusted.out) as EvidenceBundleReport).toMatchObject({ kind: 'evidence_bundle', bundleId: 'evb_cli', isValid: true, errors: [], trustedKeys: 1 });
      expect(trusted.code).toBe(0);
      const untrusted = await run(path('bundle-line.json'), '--keys', path('keys.json'));
      expect(untrusted.out).toContain('  - keys[0].keyId: untrusted_key: ');
      expect(untrusted.code).toBe(1);
    });

    it('names each error with its path and exits 1 when the bundle was altered', async () => {
      const tampered = JSON.parse(JSON.stringify(bundle)) as EvidenceBundle;
      tampered.receipts[1].data = { n: 3 };
      const result = await run(write('tampered-bundle.json', JSON.stringify(tampered)));
      expect(result.out).toContain('  - integrity.bundleHash: bundle_hash_mismatch: ');
      expect(result.out).toContain('  - receipts[1].integrity.receiptHash: receipt_hash_mismatch: ');
      expect(result.out).toContain('Result:     INVALID');
      expect(result.code).toBe(1);
    });
  });
});
