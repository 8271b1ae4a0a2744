/**
 * Writes the receipt known-answer vectors to libs/receipts/test-vectors/receipt-vectors.json.
 * Everything is fixed (seeds, ids, times), so running it again MUST reproduce the file byte for byte;
 * the receipts tests prove node:crypto and the portable verifier agree with every vector.
 *
 * Run from the repository root:
 *   npx swc scripts/generate-receipt-vectors.ts libs/receipts/src -d dist/vectors \
 *     && node dist/vectors/scripts/generate-receipt-vectors.js
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RECEIPT_SIGNATURE_DOMAIN,
  RECEIPT_VERSION,
  canonicalize,
  computeReceiptHash,
  hashCanonical,
  privateKeyFromSeed,
  publicKeyPemOf,
  signReceipt,
  signatureMessage,
  type KeyReceiptData,
  type KeyringEntry,
  type Receipt,
  type UnsignedReceipt,
} from '@oars/receipts';

const OUTPUT = join(process.cwd(), 'libs', 'receipts', 'test-vectors', 'receipt-vectors.json');
const TENANT = 'tenant_vectors';
const REGION = 'eu-west-1';

/** Test-only seeds: sha256("oars receipt test vector key 1" | "... key 2"). Never use them for anything real. */
const KEYS = [
  { keyId: 'key_5d0f2b7e9a1c4e3f8b6a0d2c4e6f8a1b', seedHex: 'c932fba770088ff7cb478e17494a21a7227c55ee3070b6a31e3372e77a1af49f' },
  { keyId: 'key_9e4c1a7b3d5f2e8c0a6b4d2f1e3c5a7b', seedHex: '52b49888fae02389ff6ef05fb33f59deebd30ea25d860f0a74e8ef9df9a39b76' },
].map((k) => {
  const privateKey = privateKeyFromSeed(Buffer.from(k.seedHex, 'hex'));
  return { ...k, privateKey, publicKeyPem: publicKeyPemOf(privateKey) };
});

const id = (prefix: string, n: number) => prefix + createHash('sha256').update(`oars vector ${prefix}${n}`).digest('hex').slice(0, 32);
const ACTION_ID = id('act_', 1);
const POLICY = {
  policySetId: `default_${TENANT}`,
  policyVersion: 'default-1',
  policyHash: hashCanonical({ version: 'default-1', rules: [{ id: 'R-APPROVE-HIGH', effect: 'approve' }] }),
  decision: 'allow' as const,
  ruleIds: ['R-ALLOW-DEFAULT'],
  rationale: 'All remaining actions are allowed. Ünïcödé and emoji 🚀 stay UTF-8.',
};
const ACTOR = { userId: 'admin_user', agentId: 'agent_x', serviceId: 'oars-gateway', delegationChain: ['admin_user', 'agent_x', 'oars-gateway'] };
const RESOURCE = { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC/Zürich' };
const RISK = { score: 45, tier: 'medium' as const, signals: ['medium_risk_operation'] };
const TELEMETRY = { traceId: id('trc_', 1), spanId: id('spn_', 1), requestId: id('req_', 1) };
const INPUT_HASH = hashCanonical({ summary: 'Rotate the on-call rota', priority: 2, labels: ['ops', 'sec'] });

function envelope(sequence: number, type: string, timestamp: string, keyIndex: number, data: object): UnsignedReceipt {
  return {
    receiptId: id('rcpt_', sequence),
    version: RECEIPT_VERSION,
    tenantId: TENANT,
    region: REGION,
    sequence,
    type,
    timestamp,
    actionId: null,
    actor: null,
    resource: null,
    policy: null,
    risk: null,
    inputHash: null,
    telemetry: null,
    data: data as Record<string, unknown>,
    integrity: { prevEventHash: null, prevReceiptHash: null, signingKeyId: KEYS[keyIndex].keyId, signatureAlg: 'Ed25519' },
  };
}

function action(sequence: number, type: string, timestamp: string, data: Record<string, unknown>): UnsignedReceipt {
  return { ...envelope(sequence, type, timestamp, 0, data), actionId: ACTION_ID, actor: ACTOR, resource: RESOURCE, policy: POLICY, risk: RISK, inputHash: INPUT_HASH, telemetry: TELEMETRY };
}

const [keyA, keyB] = KEYS;
const GENERATED_AT = '2026-02-14T10:00:00.000Z';
const ROTATED_AT = '2026-02-15T09:30:00.000Z';
const ringEntry = (key: (typeof KEYS)[number], status: string, createdAt: string, rotatedAt: string | null): KeyringEntry => ({
  keyId: key.keyId,
  tenantId: TENANT,
  status,
  createdAt,
  rotatedAt,
  publicKeyPem: key.publicKeyPem,
});
const plan: Array<{ name: string; description: string; keyIndex: number; receipt: UnsignedReceipt }> = [
  { name: 'key-generated', description: 'Sequence 1: key.generated, signed by the key it announces.', keyIndex: 0,
    receipt: envelope(1, 'key.generated', GENERATED_AT, 0, {
      keyring: { activeKeyId: keyA.keyId, keys: [ringEntry(keyA, 'active', GENERATED_AT, null)] },
      newKeyId: keyA.keyId,
      previousKeyId: null,
    } satisfies KeyReceiptData) },
  { name: 'action-requested', description: 'Sequence 2: action.requested, first receipt of the action (prevReceiptHash null).', keyIndex: 0,
    receipt: action(2, 'action.requested', '2026-02-14T10:00:01.123Z', { context: { environment: 'prod', dataTypes: ['pii'], requestedAt: '2026-02-14T10:00:01.120Z' }, idempotencyRequestHash: null }) },
  { name: 'action-approved', description: 'Sequence 3: action.approved, chained to the requested receipt.', keyIndex: 0,
    receipt: action(3, 'action.approved', '2026-02-14T10:00:01.130Z', {}) },
  { name: 'action-executed', description: 'Sequence 4: action.executed, chained to the approved receipt; binds the output hash.', keyIndex: 0,
    receipt: action(4, 'action.executed', '2026-02-14T10:00:01.480Z', { referenceId: 'SEC-1042', outputHash: hashCanonical({ key: 'SEC-1042', url: 'https://jira.example/SEC-1042' }) }) },
  { name: 'key-rotated', description: 'Sequence 5: key.rotated, signed by the previous key and carrying the new public key.', keyIndex: 0,
    receipt: envelope(5, 'key.rotated', ROTATED_AT, 0, {
      keyring: { activeKeyId: keyB.keyId, keys: [ringEntry(keyB, 'active', ROTATED_AT, null), ringEntry(keyA, 'retired', GENERATED_AT, ROTATED_AT)] },
      newKeyId: keyB.keyId,
      previousKeyId: keyA.keyId,
    } satisfies KeyReceiptData) },
];

export function buildReceiptVectors() {
  let previous: Receipt | null = null;
  let previousOfAction: Receipt | null = null;
  const vectors = plan.map(({ name, description, keyIndex, receipt }) => {
    const key = KEYS[keyIndex];
    const unsignedReceipt: UnsignedReceipt = {
      ...receipt,
      integrity: {
        ...receipt.integrity,
        prevEventHash: previous?.integrity.receiptHash ?? null,
        prevReceiptHash: receipt.actionId ? (previousOfAction?.integrity.receiptHash ?? null) : null,
      },
    };
    const signed = signReceipt(unsignedReceipt, { keyId: key.keyId, privateKey: key.privateKey });
    previous = signed;
    if (receipt.actionId) previousOfAction = signed;
    return {
      name,
      description,
      keyId: key.keyId,
      privateKeySeedHex: key.seedHex,
      publicKeyPem: key.publicKeyPem,
      unsignedReceipt,
      canonicalJson: canonicalize({ ...unsignedReceipt }),
      receiptHash: computeReceiptHash(unsignedReceipt),
      signedMessage: signatureMessage(signed.integrity.receiptHash),
      signature: signed.integrity.signature,
      receipt: signed,
    };
  });
  return {
    description: 'OARS receipt v2 known-answer vectors. TEST KEYS ONLY: the seeds are public.',
    scheme: {
      canonicalization: 'RFC 8785 (JCS) of the receipt without integrity.receiptHash and integrity.signature',
      hash: 'SHA-256, lowercase hex (receiptHash)',
      signedMessage: `ASCII bytes of "${RECEIPT_SIGNATURE_DOMAIN}" + receiptHash`,
      signature: 'Ed25519 (RFC 8032), standard base64',
    },
    keys: KEYS.map(({ keyId, seedHex, publicKeyPem }) => ({ keyId, privateKeySeedHex: seedHex, publicKeyPem })),
    vectors,
  };
}

if (require.main === module) {
  writeFileSync(OUTPUT, JSON.stringify(buildReceiptVectors(), null, 2) + '\n');
  process.stdout.write(`wrote ${OUTPUT}\n`);
}
