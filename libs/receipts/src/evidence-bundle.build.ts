import { createHash, sign } from 'node:crypto';
import { canonicalize } from './canonical-json';
import { sha256Hex } from './hashing';
import type { ReceiptSigningKey } from './receipt-signing';
import type { KeyringEntry, Receipt } from './receipt.types';
import { encodeBase64 } from './verifier/base64';
import {
  CHECKPOINT_RECEIPT_TYPE,
  EVIDENCE_BUNDLE_SIGNATURE_DOMAIN,
  EVIDENCE_BUNDLE_VERSION,
  EVIDENCE_MANIFEST_SECTIONS,
  evidenceArtifactOf,
  citedPoliciesOf,
  evidenceBundleSignatureMessage,
  humanApprovalsOf,
  outOfScopeFieldOf,
  evidenceManifestOf,
  evidenceSummaryOf,
  type CheckpointReceiptData,
  type EvidenceBundle,
  type EvidenceControl,
  type EvidenceFramework,
  type EvidenceProof,
  type EvidenceScope,
} from './verifier/evidence-bundle.types';

/** The inputs cannot make a bundle that verifies (another tenant's receipt, out of order or scope, not covered by the checkpoint, …). */
export class EvidenceBundleInputError extends Error {
  readonly code = 'invalid_evidence_bundle_input';
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceBundleInputError';
  }
}

/** Inclusion proofs of the tenant stream's Merkle tree (leaf i is sequence i + 1); a `MerkleLog` is one. */
export interface InclusionProofSource {
  /** The audit path of leaf `leafIndex` in the tree of the first `treeSize` leaves, hex. */
  inclusionProof(leafIndex: number, treeSize: number): string[];
}

export interface EvidenceBundleInput {
  bundleId: string;
  tenantId: string;
  framework: EvidenceFramework;
  generatedAt: string;
  scope: EvidenceScope;
  /** The receipts in scope, in sequence order. */
  receipts: readonly Receipt[];
  /** Public keys of every signer (receipts, checkpoint, the bundle's signer). */
  keys: readonly KeyringEntry[];
  /** A `ledger.checkpoint` receipt whose tree covers every receipt; null only without receipts. */
  checkpoint: Receipt | null;
  log: InclusionProofSource;
  controls?: EvidenceControl[];
}

/** Signs the bundle message with the key `keyId`; returns the 64-byte signature or its standard base64. */
export interface EvidenceBundleSigner {
  keyId: string;
  sign(message: Uint8Array): Uint8Array | string;
}

/** A signer over the tenant's Ed25519 signing key (node:crypto). */
export function evidenceBundleSigner(key: ReceiptSigningKey): EvidenceBundleSigner {
  return { keyId: key.keyId, sign: (message) => sign(null, message, key.privateKey) };
}

/**
 * The signed, self-verifying evidence bundle of `input` (see {@link EvidenceBundle}). Pure apart from
 * `signer`: the derived sections, the proofs, the manifest and the hash depend only on the input.
 * MUST throw {@link EvidenceBundleInputError} when the result could not verify.
 */
export function buildEvidenceBundle(input: EvidenceBundleInput, signer: EvidenceBundleSigner): EvidenceBundle {
  return buildEvidenceBundleJson(input, signer).bundle;
}

/** A built bundle with its JSON text in pieces: the RFC 8785 text of the whole bundle, signature included. */
export interface BuiltEvidenceBundle {
  bundle: EvidenceBundle;
  /** Joined, the bundle's canonical JSON (an export answers it as is: nothing is serialised twice). */
  json: readonly string[];
}

/** {@link buildEvidenceBundle}, also answering the bundle's JSON text, written from the sections' canonical texts. */
export function buildEvidenceBundleJson(input: EvidenceBundleInput, signer: EvidenceBundleSigner): BuiltEvidenceBundle {
  checkInput(input, signer);
  const receipts = [...input.receipts];
  const treeSize = input.checkpoint ? (input.checkpoint.data as unknown as CheckpointReceiptData).treeSize : 0;
  const proofs: EvidenceProof[] = receipts.map((r) => ({
    receiptId: r.receiptId,
    sequence: r.sequence,
    leafIndex: r.sequence - 1,
    treeSize,
    hashes: input.log.inclusionProof(r.sequence - 1, treeSize),
  }));
  const sections = {
    receipts,
    policies: citedPoliciesOf(receipts),
    approvals: humanApprovalsOf(receipts),
    keys: [...input.keys],
    proofs,
    checkpoint: input.checkpoint,
    ...(input.controls ? { controls: input.controls } : {}),
    artifacts: receipts.map(evidenceArtifactOf),
  };
  // Each section is canonicalised once: the manifest hashes its text, and the bundle hash reuses it.
  const sectionTexts: string[] = [];
  const unsigned: Omit<EvidenceBundle, 'integrity'> = {
    bundleVersion: EVIDENCE_BUNDLE_VERSION,
    bundleId: input.bundleId,
    tenantId: input.tenantId,
    framework: input.framework,
    generatedAt: input.generatedAt,
    scope: input.scope,
    summary: evidenceSummaryOf(receipts),
    artifactHashes: receipts.map((r) => r.integrity.receiptHash),
    ...sections,
    manifest: evidenceManifestOf(sections, (text) => {
      sectionTexts.push(text);
      return sha256Hex(text);
    }),
  };
  const known = new Map(EVIDENCE_MANIFEST_SECTIONS.map((name, i) => [name, sectionTexts[i]!]));
  const hash = createHash('sha256');
  for (const part of canonicalPartsOf(unsigned as unknown as Record<string, unknown>, known)) hash.update(part);
  const bundleHash = hash.digest('hex');
  const signature = signer.sign(new TextEncoder().encode(evidenceBundleSignatureMessage(bundleHash)));
  const bundle: EvidenceBundle = {
    ...unsigned,
    integrity: {
      bundleHash,
      signature: typeof signature === 'string' ? signature : encodeBase64(signature),
      signingKeyId: signer.keyId,
      signatureAlg: 'Ed25519',
      signatureDomain: EVIDENCE_BUNDLE_SIGNATURE_DOMAIN,
    },
  };
  return { bundle, json: canonicalPartsOf(bundle as unknown as Record<string, unknown>, known) };
}

/**
 * The RFC 8785 text of `bundle` (an object without array-index member names) in pieces: JCS writes
 * an object as its members in sorted order, so the sections' texts, written once for the manifest,
 * are used in place instead of being written again inside one huge string. Joined, the pieces equal
 * `canonicalize(bundle)`, which the verifier hashes (the builder's spec checks it).
 */
function canonicalPartsOf(bundle: Record<string, unknown>, known: ReadonlyMap<string, string>): string[] {
  const parts = ['{'];
  for (const key of Object.keys(bundle).sort()) {
    const value = bundle[key];
    if (value === undefined) continue;
    if (parts.length > 1) parts.push(',');
    parts.push(`${JSON.stringify(key)}:`, known.get(key) ?? canonicalize(value));
  }
  parts.push('}');
  return parts;
}

function checkInput(input: EvidenceBundleInput, signer: EvidenceBundleSigner): void {
  const fail = (message: string) => {
    throw new EvidenceBundleInputError(message);
  };
  if (!input.keys.some((k) => k.keyId === signer.keyId)) fail(`The signer's key ${signer.keyId} is not among the bundle's keys.`);
  let previous = 0;
  for (const r of input.receipts) {
    if (r.tenantId !== input.tenantId) fail(`Receipt ${r.receiptId} belongs to ${r.tenantId}, not ${input.tenantId}.`);
    if (r.sequence <= previous) fail(`Receipt ${r.receiptId} (sequence ${r.sequence}) does not follow sequence ${previous}.`);
    const outside = outOfScopeFieldOf(r, input.scope);
    if (outside) fail(`Receipt ${r.receiptId} is outside the bundle's scope (${outside}).`);
    previous = r.sequence;
  }
  const checkpoint = input.checkpoint;
  if (!checkpoint) {
    if (input.receipts.length > 0) fail('A bundle with receipts needs a checkpoint covering them.');
    return;
  }
  const treeSize = (checkpoint.data as Partial<CheckpointReceiptData>).treeSize;
  if (checkpoint.type !== CHECKPOINT_RECEIPT_TYPE || typeof treeSize !== 'number') fail(`Receipt ${checkpoint.receiptId} is not a ${CHECKPOINT_RECEIPT_TYPE} receipt.`);
  if (checkpoint.tenantId !== input.tenantId) fail(`The checkpoint belongs to ${checkpoint.tenantId}, not ${input.tenantId}.`);
  if (previous > (treeSize as number)) fail(`The checkpoint covers sequences 1 to ${treeSize}, not sequence ${previous}.`);
}
