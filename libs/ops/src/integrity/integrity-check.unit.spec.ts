import { readFileSync, readdirSync } from 'node:fs';
import type { StoredEvent } from '@oars/eventstore';
import { type GeneratedSigningKey, RECEIPT_VERSION, type Receipt, generateSigningKey, nodeVerifierCrypto, signReceipt } from '@oars/receipts';
import { type IntegrityFinding, START_POSITION, checkStreamEvents } from './integrity-check';
import { IntegrityCheckWorker } from './integrity-check-worker';

const TENANT = 'tenant_chk';

/** A signed, chained stream written the way the chain writer writes it. */
class SignedStream {
  readonly receipts: Receipt[] = [];
  signer: GeneratedSigningKey;

  constructor(readonly first = generateSigningKey()) {
    this.signer = first;
    this.add('key.generated', { newKeyId: first.keyId, previousKeyId: null, keyring: ring([first]) });
  }

  add(type: string, data: Record<string, unknown> = {}, signer = this.signer): Receipt {
    const sequence = this.receipts.length + 1;
    const receipt = signReceipt(
      {
        receiptId: `rcpt_${String(sequence).padStart(32, '0')}`,
        version: RECEIPT_VERSION,
        tenantId: TENANT,
        region: 'local',
        sequence,
        type,
        timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString(),
        actionId: null,
        actor: null,
        resource: null,
        policy: null,
        risk: null,
        inputHash: null,
        telemetry: null,
        data,
        integrity: { prevEventHash: this.receipts[sequence - 2]?.integrity.receiptHash ?? null, prevReceiptHash: null, signingKeyId: signer.keyId, signatureAlg: 'Ed25519' },
      },
      signer,
    );
    this.receipts.push(receipt);
    return receipt;
  }

  rotate(): GeneratedSigningKey {
    const next = generateSigningKey();
    this.add('key.rotated', { newKeyId: next.keyId, previousKeyId: this.signer.keyId, keyring: ring([next, this.signer]) });
    this.signer = next;
    return next;
  }

  events(receipts = this.receipts): StoredEvent[] {
    return receipts.map((r) => ({ id: r.receiptId, type: r.type, subject: 'x.y', stream: TENANT, sequence: r.sequence, data: r as unknown as Record<string, unknown> }));
  }
}

function ring(keys: GeneratedSigningKey[]) {
  return { activeKeyId: keys[0]!.keyId, keys: keys.map((k) => ({ keyId: k.keyId, tenantId: TENANT, status: 'active', createdAt: '2026-01-01T00:00:00.000Z', rotatedAt: null, publicKeyPem: k.publicKeyPem })) };
}

const kinds = (findings: IntegrityFinding[]) => findings.map((f) => [f.sequence, f.kind]);

describe('checkStreamEvents', () => {
  it('accepts a stream signed by its own keys across a rotation, in any number of steps', () => {
    const s = new SignedStream();
    s.add('policy.published');
    s.rotate();
    s.add('alert.raised');
    const whole = checkStreamEvents(TENANT, START_POSITION, s.events(), nodeVerifierCrypto);
    expect(whole.findings).toEqual([]);
    expect(whole.position.position).toBe(4);
    expect(Object.keys(whole.position.keys)).toHaveLength(2);
    const firstHalf = checkStreamEvents(TENANT, START_POSITION, s.events().slice(0, 2), nodeVerifierCrypto);
    const rest = checkStreamEvents(TENANT, firstHalf.position, s.events().slice(2), nodeVerifierCrypto);
    expect(rest).toEqual(whole);
  });

  it('finds a tampered receipt (bad signature) and a broken link', () => {
    const s = new SignedStream();
    s.add('a.one');
    s.add('a.two');
    const tampered = { ...s.receipts[1]!, data: { changed: true } };
    const relinked = { ...s.receipts[2]!, integrity: { ...s.receipts[2]!.integrity, prevEventHash: 'f'.repeat(64) } };
    const { findings } = checkStreamEvents(TENANT, START_POSITION, s.events([s.receipts[0]!, tampered, relinked]), nodeVerifierCrypto);
    expect(kinds(findings)).toEqual([[2, 'bad_signature'], [3, 'chain_break'], [3, 'bad_signature']]);
    expect(findings[0]!.detail).toMatch(/hash mismatch/);
  });

  it('finds a sequence gap without a second finding for the link across it', () => {
    const s = new SignedStream();
    s.add('a.one');
    s.add('a.two');
    s.add('a.three');
    const { findings, position } = checkStreamEvents(TENANT, START_POSITION, s.events([s.receipts[0]!, s.receipts[3]!]), nodeVerifierCrypto);
    expect(kinds(findings)).toEqual([[2, 'sequence_gap']]);
    expect(findings[0]!.detail).toBe('The stream skips sequences 2 to 3.');
    expect(position.position).toBe(4);
  });

  it('finds receipts signed by a key the stream never introduced, and a second key.generated', () => {
    const s = new SignedStream();
    const stranger = generateSigningKey();
    s.add('a.one', {}, stranger);
    s.add('key.generated', { newKeyId: stranger.keyId, previousKeyId: null, keyring: ring([stranger]) }, stranger);
    s.add('a.two', {}, stranger);
    const { findings } = checkStreamEvents(TENANT, START_POSITION, s.events(), nodeVerifierCrypto);
    expect(kinds(findings)).toEqual([[2, 'unknown_key'], [3, 'key_custody'], [3, 'unknown_key'], [4, 'unknown_key']]);
  });

  it('finds a key.rotated not signed by the key it replaces', () => {
    const s = new SignedStream();
    const next = generateSigningKey();
    s.add('key.rotated', { newKeyId: next.keyId, previousKeyId: s.first.keyId, keyring: ring([next, s.first]) }, next);
    const { findings, position } = checkStreamEvents(TENANT, START_POSITION, s.events(), nodeVerifierCrypto);
    expect(kinds(findings)).toEqual([[2, 'key_custody'], [2, 'unknown_key']]);
    expect(Object.keys(position.keys)).toEqual([s.first.keyId]);
  });

  it('finds a receipt that is not one of this stream position', () => {
    const s = new SignedStream();
    s.add('a.one');
    const wrong = { ...s.receipts[1]!, sequence: 7 };
    const foreign = { ...s.receipts[1]!, tenantId: 'other' };
    expect(kinds(checkStreamEvents(TENANT, START_POSITION, s.events([s.receipts[0]!, wrong]).map((e, i) => ({ ...e, sequence: i + 1 })), nodeVerifierCrypto).findings)).toEqual([[2, 'malformed_receipt']]);
    expect(kinds(checkStreamEvents(TENANT, START_POSITION, s.events([s.receipts[0]!, foreign]), nodeVerifierCrypto).findings)).toEqual([[2, 'malformed_receipt']]);
    const junk = { id: 'x', type: 't', subject: 'a.b', stream: TENANT, sequence: 1, data: { hello: 'world' } };
    expect(kinds(checkStreamEvents(TENANT, START_POSITION, [junk], nodeVerifierCrypto).findings)).toEqual([[1, 'malformed_receipt']]);
  });
});

describe('IntegrityCheckWorker', () => {
  const worker = new IntegrityCheckWorker({ nice: 19 });
  afterAll(() => worker.close());

  it('gives the verdicts of checkStreamEvents, from a worker thread running at the lowest CPU priority', async () => {
    const s = new SignedStream();
    s.add('a.one');
    s.rotate();
    s.add('a.two');
    const tampered = { ...s.receipts[3]!, data: { changed: true } };
    const events = s.events([s.receipts[0]!, s.receipts[1]!, s.receipts[2]!, tampered]);
    const inline = checkStreamEvents(TENANT, START_POSITION, events, nodeVerifierCrypto);
    expect(kinds(inline.findings)).toEqual([[4, 'bad_signature']]);
    await expect(worker.check(TENANT, START_POSITION, events)).resolves.toEqual(inline);
    const clean = checkStreamEvents(TENANT, START_POSITION, s.events(), nodeVerifierCrypto);
    await expect(worker.check(TENANT, START_POSITION, s.events())).resolves.toEqual(clean);
    // Linux keeps a nice value per thread: exactly the worker's thread of this process runs at 19.
    const nices = readdirSync('/proc/self/task').map((t) => Number(readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
    expect(nices.filter((n) => n === 19)).toHaveLength(1);
    expect(nices.filter((n) => n === 0).length).toBeGreaterThan(0);
  });

  it('rejects the checks of a closed worker', async () => {
    const closed = new IntegrityCheckWorker();
    await closed.close();
    await expect(closed.check(TENANT, START_POSITION, [])).rejects.toThrow(/closed/);
  });
});
