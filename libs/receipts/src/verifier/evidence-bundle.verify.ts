import { canonicalize } from '../canonical-json';
import type { Receipt } from '../receipt.types';
import { decodeBase64 } from './base64';
import {
  CHECKPOINT_RECEIPT_TYPE,
  EVIDENCE_BUNDLE_SIGNATURE_DOMAIN,
  EVIDENCE_BUNDLE_VERSION,
  EVIDENCE_FRAMEWORKS,
  EVIDENCE_MANIFEST_SECTIONS,
  evidenceArtifactOf,
  citedPoliciesOf,
  evidenceBundleHashInput,
  evidenceBundleSignatureMessage,
  humanApprovalsOf,
  humanApprovalConclusionOf,
  evidenceManifestOf,
  outOfScopeFieldOf,
  citedPolicyKey,
  evidenceSummaryOf,
  type CheckpointReceiptData,
  type EvidenceBundle,
} from './evidence-bundle.types';
import { MERKLE_ALGORITHM, merkleLeafHash, verifyInclusion } from './merkle';
import { checkReceiptSchema } from './receipt-schema.check';
import { HASH_MISMATCH, verifyReceiptSignature } from './receipt-signature.verify';
import { embeddedKeysOf, keyCustodyErrorOf, type TrustedKey } from './trusted-keys';
import type { VerifierCrypto } from './verifier-crypto';
import { isRecord } from './json-shape';

/** One thing wrong with a bundle: where (a JSON path such as `receipts[3].integrity.signature`), a stable snake_case code, and what. */
export interface EvidenceBundleError {
  path: string;
  code: string;
  message: string;
}

export interface EvidenceBundleVerification {
  isValid: boolean;
  errors: EvidenceBundleError[];
  /** Entries of each section examined. */
  checked: { receipts: number; proofs: number; policies: number; approvals: number; keys: number; controls: number; manifestEntries: number };
}

export interface EvidenceBundleVerificationOptions {
  /**
   * The tenant's keys from a source other than the bundle (its trust endpoint). Given, every key
   * that signs the bundle, a receipt or the checkpoint MUST be one of them with the same public key;
   * without them the bundle's own `keys` are trusted, which shows only that it is consistent with itself.
   */
  trustedKeys?: readonly TrustedKey[];
}

type Errors = EvidenceBundleError[];
type Check = (value: unknown, path: string, errors: Errors) => void;

/**
 * Verifies an evidence bundle offline (anything parsed from JSON) and names every problem found:
 * shape and version; the bundle hash over everything but `integrity`; the Ed25519 signature in the
 * bundle domain by the key `integrity.signingKeyId` names in `keys` (and in `trustedKeys` when given);
 * each receipt's hash, signature, key custody, tenant, scope, order and chain links; that artifacts,
 * artifactHashes, summary, policies and approvals are exactly what the receipts imply; the checkpoint
 * receipt and that it covers every receipt; an inclusion proof per receipt against its root; controls;
 * and every manifest entry. Never throws.
 */
export function verifyEvidenceBundle(bundle: unknown, crypto: VerifierCrypto, options: EvidenceBundleVerificationOptions = {}): EvidenceBundleVerification {
  const errors: Errors = [];
  const checked = { receipts: 0, proofs: 0, policies: 0, approvals: 0, keys: 0, controls: 0, manifestEntries: 0 };
  try {
    BUNDLE_SHAPE(bundle, '', errors);
    const b = bundle as EvidenceBundle;
    const malformed = errors.filter((e) => e.code === 'malformed_bundle' || e.code === 'unsupported_bundle_version');
    if (isRecord(bundle) && !malformed.some((e) => /^(integrity|keys)\b/.test(e.path))) checkBundleIntegrity(b, crypto, errors);
    if (malformed.length === 0) checkContents(b, crypto, options, errors, checked);
  } catch (error) {
    errors.push({ path: '', code: 'malformed_bundle', message: `The bundle could not be checked: ${(error as Error).message}` });
  }
  return { isValid: errors.length === 0, errors, checked };
}

function checkBundleIntegrity(b: EvidenceBundle, crypto: VerifierCrypto, errors: Errors): void {
  const { bundleHash, signature, signingKeyId } = b.integrity;
  const recomputed = crypto.sha256Hex(canonicalize(evidenceBundleHashInput(b)));
  if (recomputed !== bundleHash) push(errors, 'integrity.bundleHash', 'bundle_hash_mismatch', `The bundle hashes to ${recomputed}, not ${bundleHash}: something outside integrity was changed.`);
  const key = b.keys.find((k) => k.keyId === signingKeyId);
  if (!key) return push(errors, 'integrity.signingKeyId', 'unknown_signing_key', `The bundle is signed by ${signingKeyId}, which is not among its keys.`);
  let bytes: Uint8Array | null = null;
  try {
    bytes = decodeBase64(signature);
  } catch {
    // reported below
  }
  // Checked over the stated hash: a changed body shows as bundle_hash_mismatch, a changed signature as this.
  if (!bytes || !crypto.verifyEd25519(new TextEncoder().encode(evidenceBundleSignatureMessage(bundleHash)), bytes, key.publicKeyPem)) {
    push(errors, 'integrity.signature', 'bad_bundle_signature', `The signature is not ${signingKeyId}'s Ed25519 signature over "${EVIDENCE_BUNDLE_SIGNATURE_DOMAIN}" + bundleHash.`);
  }
}

function checkContents(b: EvidenceBundle, crypto: VerifierCrypto, options: EvidenceBundleVerificationOptions, errors: Errors, checked: EvidenceBundleVerification['checked']): void {
  const keys = checkKeys(b, options, errors);
  checked.keys = b.keys.length;
  b.receipts.forEach((r, i) => {
    const path = `receipts[${i}]`;
    checkSignedReceipt(r, path, keys, crypto, errors);
    if (r.tenantId !== b.tenantId) push(errors, `${path}.tenantId`, 'wrong_tenant', `${r.receiptId} belongs to ${r.tenantId}, not ${b.tenantId}.`);
    const outside = outOfScopeFieldOf(r, b.scope);
    if (outside) push(errors, `${path}.${outside}`, 'receipt_outside_scope', `${r.receiptId} is outside the bundle's scope (${outside}).`);
    const prev = b.receipts[i - 1];
    if (prev && r.sequence <= prev.sequence) push(errors, `${path}.sequence`, 'sequence_not_increasing', `Sequence ${r.sequence} follows sequence ${prev.sequence}.`);
    if (prev && r.sequence === prev.sequence + 1 && r.integrity.prevEventHash !== prev.integrity.receiptHash) {
      push(errors, `${path}.integrity.prevEventHash`, 'chain_break', `prevEventHash of sequence ${r.sequence} is not the hash of sequence ${prev.sequence}.`);
    }
    checked.receipts++;
  });
  checkDerived(b, errors, checked);
  checkCheckpointAndProofs(b, keys, crypto, errors, checked);
  const receiptIds = new Set(b.receipts.map((r) => r.receiptId));
  (b.controls ?? []).forEach((c, i) => {
    if (b.scope.controlIds && !b.scope.controlIds.includes(c.controlId)) {
      push(errors, `controls[${i}].controlId`, 'control_outside_scope', `Control ${c.controlId} is not among the scope's controlIds.`);
    }
    c.evidenceReceiptIds.forEach((id, j) => {
      if (!receiptIds.has(id)) push(errors, `controls[${i}].evidenceReceiptIds[${j}]`, 'unknown_receipt', `${id} is not a receipt of the bundle.`);
    });
    checked.controls++;
  });
  const manifest: Errors = [];
  diff(b.manifest.entries, evidenceManifestOf(b, crypto.sha256Hex).entries, 'manifest.entries', 'manifest_mismatch', manifest);
  for (const e of manifest) {
    const section = /^manifest\.entries\[(\d+)\]/.exec(e.path);
    errors.push(section ? { ...e, message: `${e.message} (section ${EVIDENCE_MANIFEST_SECTIONS[Number(section[1])] ?? 'none'})` } : e);
  }
  checked.manifestEntries = b.manifest.entries.length;
}

/** keyId → public key of the bundle's keys, after checking them against each other, the receipts' key rings and the trusted keys. */
function checkKeys(b: EvidenceBundle, options: EvidenceBundleVerificationOptions, errors: Errors): Map<string, string> {
  const keys = new Map<string, string>();
  const embedded = new Map(b.receipts.flatMap((r) => embeddedKeysOf(r)).map((k) => [k.keyId, k.publicKeyPem]));
  const used = new Set([b.integrity.signingKeyId, ...[...b.receipts, ...(b.checkpoint ? [b.checkpoint] : [])].map((r) => r.integrity.signingKeyId)]);
  b.keys.forEach((k, i) => {
    const path = `keys[${i}]`;
    const known = keys.get(k.keyId) ?? embedded.get(k.keyId);
    if (known !== undefined && known.trim() !== k.publicKeyPem.trim()) {
      push(errors, `${path}.publicKeyPem`, 'key_mismatch', `Key ${k.keyId} has another public key elsewhere in the bundle.`);
    }
    if (k.tenantId !== b.tenantId) push(errors, `${path}.tenantId`, 'wrong_tenant', `Key ${k.keyId} belongs to ${k.tenantId}, not ${b.tenantId}.`);
    if (options.trustedKeys && used.has(k.keyId)) {
      const trusted = options.trustedKeys.find((t) => t.keyId === k.keyId);
      if (!trusted) push(errors, `${path}.keyId`, 'untrusted_key', `Key ${k.keyId} signs in the bundle but is not a trusted key.`);
      else if (trusted.publicKeyPem.trim() !== k.publicKeyPem.trim()) push(errors, `${path}.publicKeyPem`, 'untrusted_key', `Key ${k.keyId} is not the trusted key of that id.`);
    }
    if (!keys.has(k.keyId)) keys.set(k.keyId, k.publicKeyPem);
  });
  return keys;
}

function checkSignedReceipt(r: Receipt, path: string, keys: Map<string, string>, crypto: VerifierCrypto, errors: Errors): void {
  const pem = keys.get(r.integrity.signingKeyId);
  if (pem === undefined) {
    push(errors, `${path}.integrity.signingKeyId`, 'unknown_signing_key', `${r.receiptId} is signed by ${r.integrity.signingKeyId}, which is not among the bundle's keys.`);
  } else {
    const verdict = verifyReceiptSignature(r, pem, crypto);
    if (verdict.errors.includes(HASH_MISMATCH)) push(errors, `${path}.integrity.receiptHash`, 'receipt_hash_mismatch', `${r.receiptId}: ${HASH_MISMATCH}`);
    else if (!verdict.isSignatureValid) push(errors, `${path}.integrity.signature`, 'bad_receipt_signature', `${r.receiptId}: ${verdict.errors.join(' ')}`);
  }
  const custody = keyCustodyErrorOf(r);
  if (custody) push(errors, `${path}.integrity.signingKeyId`, 'key_custody', custody);
}

/** The sections that restate the receipts MUST be exactly what the receipts imply. */
function checkDerived(b: EvidenceBundle, errors: Errors, checked: EvidenceBundleVerification['checked']): void {
  diff(b.artifacts, b.receipts.map(evidenceArtifactOf), 'artifacts', 'artifact_mismatch', errors);
  diff(b.artifactHashes, b.receipts.map((r) => r.integrity.receiptHash), 'artifactHashes', 'artifact_mismatch', errors);
  diff(b.summary, evidenceSummaryOf(b.receipts), 'summary', 'summary_mismatch', errors);
  const listed = new Set(b.policies.map(citedPolicyKey));
  const reported = new Set<string>();
  b.receipts.forEach((r, i) => {
    if (r.policy && !listed.has(citedPolicyKey(r.policy)) && !reported.has(citedPolicyKey(r.policy))) {
      reported.add(citedPolicyKey(r.policy));
      push(errors, `receipts[${i}].policy`, 'unlisted_policy', `${r.receiptId} cites policy ${r.policy.policySetId} version ${r.policy.policyVersion} (${r.policy.policyHash}), which policies does not list.`);
    }
  });
  diff(b.policies, citedPoliciesOf(b.receipts), 'policies', 'policy_mismatch', errors);
  checked.policies = b.policies.length;
  const byId = new Map(b.receipts.map((r) => [r.receiptId, r]));
  const approvalIds = new Set(b.approvals.map((a) => a.receiptId));
  b.approvals.forEach((a, i) => {
    const r = byId.get(a.receiptId);
    if (!r) push(errors, `approvals[${i}].receiptId`, 'unknown_receipt', `${a.receiptId} is not a receipt of the bundle.`);
    else if (!humanApprovalConclusionOf(r)) push(errors, `approvals[${i}].receiptId`, 'not_an_approval', `${a.receiptId} (${r.type}) does not conclude an approval people decided.`);
    checked.approvals++;
  });
  b.receipts.forEach((r, i) => {
    if (humanApprovalConclusionOf(r) && !approvalIds.has(r.receiptId)) push(errors, `receipts[${i}]`, 'unlisted_approval', `${r.receiptId} concludes an approval that approvals does not list.`);
  });
  diff(b.approvals, humanApprovalsOf(b.receipts), 'approvals', 'approval_mismatch', errors);
}

function checkCheckpointAndProofs(b: EvidenceBundle, keys: Map<string, string>, crypto: VerifierCrypto, errors: Errors, checked: EvidenceBundleVerification['checked']): void {
  const cp = b.checkpoint;
  if (!cp) {
    if (b.receipts.length > 0) push(errors, 'checkpoint', 'missing_checkpoint', 'The bundle has receipts but no checkpoint to prove them against.');
    b.proofs.forEach((_, j) => push(errors, `proofs[${j}]`, 'unexpected_proof', 'A proof without a checkpoint.'));
    return;
  }
  checkSignedReceipt(cp, 'checkpoint', keys, crypto, errors);
  const data = cp.data as unknown as CheckpointReceiptData;
  if (cp.type !== CHECKPOINT_RECEIPT_TYPE) push(errors, 'checkpoint.type', 'bad_checkpoint', `The checkpoint is a ${cp.type} receipt, not ${CHECKPOINT_RECEIPT_TYPE}.`);
  if (cp.tenantId !== b.tenantId) push(errors, 'checkpoint.tenantId', 'wrong_tenant', `The checkpoint belongs to ${cp.tenantId}, not ${b.tenantId}.`);
  if (cp.sequence !== data.treeSize + 1) push(errors, 'checkpoint.sequence', 'bad_checkpoint', `A checkpoint of tree size ${data.treeSize} is at sequence ${data.treeSize + 1}, not ${cp.sequence}.`);
  if (cp.integrity.prevEventHash !== data.lastReceiptHash) push(errors, 'checkpoint.data.lastReceiptHash', 'bad_checkpoint', 'lastReceiptHash is not the prevEventHash of the checkpoint.');
  const proofs = new Map<string, number>();
  const receiptIds = new Set(b.receipts.map((r) => r.receiptId));
  b.proofs.forEach((p, j) => {
    if (proofs.has(p.receiptId) || !receiptIds.has(p.receiptId)) {
      push(errors, `proofs[${j}].receiptId`, 'unexpected_proof', `${p.receiptId} is not a receipt of the bundle, or has a proof already.`);
    } else proofs.set(p.receiptId, j);
  });
  b.receipts.forEach((r, i) => {
    if (r.sequence === data.treeSize && r.integrity.receiptHash !== data.lastReceiptHash) {
      push(errors, 'checkpoint.data.lastReceiptHash', 'bad_checkpoint', `lastReceiptHash is not the hash of ${r.receiptId} at sequence ${r.sequence}.`);
    }
    if (r.sequence > data.treeSize) return push(errors, `receipts[${i}].sequence`, 'receipt_not_covered', `The checkpoint covers sequences 1 to ${data.treeSize}, not ${r.sequence}.`);
    const j = proofs.get(r.receiptId);
    if (j === undefined) return push(errors, `receipts[${i}]`, 'missing_proof', `No inclusion proof for ${r.receiptId}.`);
    const p = b.proofs[j];
    const expected = { sequence: r.sequence, leafIndex: r.sequence - 1, treeSize: data.treeSize };
    for (const field of ['sequence', 'leafIndex', 'treeSize'] as const) {
      if (p[field] !== expected[field]) push(errors, `proofs[${j}].${field}`, 'proof_mismatch', `The proof of ${r.receiptId} says ${field} ${p[field]}, not ${expected[field]}.`);
    }
    if (!verifyInclusion(merkleLeafHash(r.integrity.receiptHash), r.sequence - 1, data.treeSize, p.hashes, data.rootHash)) {
      push(errors, `proofs[${j}].hashes`, 'bad_inclusion_proof', `The audit path does not lead from ${r.receiptId} (leaf ${r.sequence - 1}) to the checkpoint's root.`);
    }
    checked.proofs++;
  });
}

/** Reports every place where `actual` differs from `expected` (what the rest of the bundle implies), down to the leaf. */
function diff(actual: unknown, expected: unknown, path: string, code: string, errors: Errors): void {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) push(errors, path, code, `${path} has ${actual.length} entries; the bundle implies ${expected.length}.`);
    for (let i = 0; i < Math.min(actual.length, expected.length); i++) diff(actual[i], expected[i], `${path}[${i}]`, code, errors);
  } else if (isRecord(actual) && isRecord(expected)) {
    for (const field of new Set([...Object.keys(actual), ...Object.keys(expected)])) diff(actual[field], expected[field], `${path}.${field}`, code, errors);
  } else if (canonicalize(actual ?? null) !== canonicalize(expected ?? null)) {
    push(errors, path, code, `${path} is ${canonicalize(actual ?? null)}; the bundle implies ${canonicalize(expected ?? null)}.`);
  }
}

function push(errors: Errors, path: string, code: string, message: string): void {
  errors.push({ path, code, message });
}


const join = (path: string, field: string) => (path ? `${path}.${field}` : field);

function is(test: (v: unknown) => boolean, what: string, code = 'malformed_bundle'): Check {
  return (v, path, errors) => {
    if (!test(v)) push(errors, path, code, `${path} ${v === undefined ? 'is missing' : `must be ${what}`}.`);
  };
}

const str = is((v) => typeof v === 'string', 'a string');
const id = is((v) => typeof v === 'string' && v.length > 0, 'a non-empty string');
const hex64 = is((v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v), '64 lowercase hex characters');
const timestamp = is((v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)), 'an ISO-8601 timestamp');
const count = is((v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a non-negative integer');
const oneOf = (allowed: readonly unknown[], code?: string) => is((v) => allowed.includes(v), `one of ${allowed.join(', ')}`, code);
const orNull = (check: Check): Check => (v, path, errors) => v !== null && check(v, path, errors);
const optional = (check: Check): Check => (v, path, errors) => v !== undefined && check(v, path, errors);

function list(item: Check): Check {
  return (v, path, errors) => (Array.isArray(v) ? v.forEach((x, i) => item(x, `${path}[${i}]`, errors)) : push(errors, path, 'malformed_bundle', `${path} ${v === undefined ? 'is missing' : 'must be an array'}.`));
}

function object(fields: Record<string, Check>): Check {
  return (v, path, errors) => {
    if (!isRecord(v)) return push(errors, path, 'malformed_bundle', `${path || 'The bundle'} ${v === undefined ? 'is missing' : 'must be an object'}.`);
    for (const [field, check] of Object.entries(fields)) check(v[field], join(path, field), errors);
  };
}

/** The receipt schema (`checkReceiptSchema`), each missing or invalid field named by its path. */
const receipt: Check = (v, path, errors) => {
  for (const message of checkReceiptSchema(v).errors) {
    const fields = /^Receipt schema fields (missing|invalid): (.+)$/.exec(message);
    if (!fields) push(errors, path, 'malformed_bundle', `${path}: ${message}`);
    else for (const field of fields[2].split(', ')) push(errors, `${path}.${field}`, 'malformed_bundle', `${path}.${field} is ${fields[1]} (${message}).`);
  }
};

const checkpointReceipt: Check = (v, path, errors) => {
  const before = errors.length;
  receipt(v, path, errors);
  if (errors.length === before) {
    object({ treeSize: count, rootHash: hex64, algorithm: oneOf([MERKLE_ALGORITHM]), lastReceiptHash: hex64 })((v as Receipt).data, `${path}.data`, errors);
  }
};

const BUNDLE_SHAPE: Check = object({
  bundleVersion: oneOf([EVIDENCE_BUNDLE_VERSION], 'unsupported_bundle_version'),
  bundleId: is((v) => typeof v === 'string' && /^evb_.+/.test(v), 'an evb_ id'),
  tenantId: id,
  framework: oneOf(EVIDENCE_FRAMEWORKS),
  generatedAt: timestamp,
  scope: object({ dateFrom: timestamp, dateTo: timestamp, toolIds: optional(list(str)), agentIds: optional(list(str)), policyIds: optional(list(str)), controlIds: optional(list(str)) }),
  summary: object({ actionCount: count, receiptCount: count }),
  artifactHashes: list(hex64),
  artifacts: list(object({ receiptId: id, type: id, actionId: orNull(str), timestamp: timestamp, decision: orNull(str), receiptHash: hex64 })),
  receipts: list(receipt),
  policies: list(object({ policySetId: str, policyVersion: str, policyHash: hex64, receiptId: orNull(str) })),
  approvals: list(
    object({ receiptId: id, actionId: id, approvalId: id, decision: oneOf(['approved', 'rejected']), decidedBy: list(str), decidedAt: timestamp, decisionReceiptId: orNull(str) }),
  ),
  keys: list(object({ keyId: id, tenantId: str, status: str, createdAt: str, rotatedAt: orNull(str), publicKeyPem: str })),
  checkpoint: orNull(checkpointReceipt),
  proofs: list(object({ receiptId: id, sequence: count, leafIndex: count, treeSize: count, hashes: list(hex64) })),
  controls: optional(list(object({ controlId: id, description: str, evidenceReceiptIds: list(str) }))),
  manifest: object({ entries: list(object({ name: str, count: count, sha256: hex64 })) }),
  integrity: object({
    bundleHash: hex64,
    signature: id,
    signingKeyId: id,
    signatureAlg: oneOf(['Ed25519']),
    signatureDomain: oneOf([EVIDENCE_BUNDLE_SIGNATURE_DOMAIN], 'wrong_signature_domain'),
  }),
});
