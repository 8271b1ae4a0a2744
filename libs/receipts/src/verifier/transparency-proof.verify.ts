import type { Receipt } from '../receipt.types';
import { MERKLE_ALGORITHM, merkleLeafHash, verifyConsistency, verifyInclusion } from './merkle';
import { verifyReceiptSignature } from './receipt-signature.verify';
import type { TrustedKey } from './trusted-keys';
import { portableVerifierCrypto, type VerifierCrypto } from './verifier-crypto';
import { isRecord } from './json-shape';

/** The checkpoint a proof is made against, with its signed receipt (`ledger.checkpoint`). */
export interface ProofCheckpoint {
  receiptId: string;
  sequence: number;
  treeSize: number;
  rootHash: string;
  receipt: Receipt;
}

/** `GET /v1/receipts/:receiptId/proof`: the receipt's leaf in the tree a signed checkpoint attests. */
export interface InclusionProofDocument {
  receiptId: string;
  tenantId: string;
  sequence: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  hashes: string[];
  algorithm: 'rfc6962-sha256';
  checkpoint: ProofCheckpoint;
}

/** A later checkpoint's tree extends an earlier one's (nothing before it was changed or removed). */
export interface ConsistencyProofDocument {
  tenantId: string;
  oldSize: number;
  newSize: number;
  oldRootHash: string;
  newRootHash: string;
  hashes: string[];
  algorithm: 'rfc6962-sha256';
  oldCheckpoint: ProofCheckpoint;
  newCheckpoint: ProofCheckpoint;
}

export interface ProofError {
  /** JSON path of what is wrong, e.g. `checkpoint.receipt.integrity.signature`. */
  path: string;
  code: string;
  message: string;
}

export interface ProofVerification {
  isValid: boolean;
  errors: ProofError[];
}

export interface ProofVerificationOptions {
  /** Public keys trusted for the tenant (its key ring); the checkpoint must be signed by one. */
  keys: readonly TrustedKey[];
  /** The receipt the proof is about: its receiptHash must be the proven leaf. */
  receipt?: Receipt;
  crypto?: VerifierCrypto;
}

/**
 * Checks an inclusion proof offline: the checkpoint receipt's signature by a trusted key, that the
 * proof names the checkpoint's own tree size and root, that the leaf is the receipt's hash (when the
 * receipt is given) at its sequence, and the RFC 9162 audit path. Never throws.
 */
export function verifyInclusionProof(doc: unknown, options: ProofVerificationOptions): ProofVerification {
  const errors: ProofError[] = [];
  const d = doc as Partial<InclusionProofDocument> | null;
  if (!isRecord(d)) return fail('', 'malformed_proof', 'The proof is not a JSON object.');
  const shape = [
    ...fieldErrors(d, { receiptId: 'string', tenantId: 'string', sequence: 'integer', leafIndex: 'integer', treeSize: 'integer', leafHash: 'hex', algorithm: 'string' }, ''),
    ...hashListErrors(d.hashes, 'hashes'),
  ];
  if (shape.length > 0) return { isValid: false, errors: shape };
  errors.push(...algorithmErrors(d.algorithm));
  errors.push(...checkpointErrors(d.checkpoint, 'checkpoint', d.tenantId!, options));
  if (d.sequence !== d.leafIndex! + 1) errors.push({ path: 'leafIndex', code: 'leaf_index_mismatch', message: `Leaf ${d.leafIndex} is not sequence ${d.sequence} (leaf i is sequence i+1).` });
  if (isRecord(d.checkpoint) && d.treeSize !== d.checkpoint.treeSize) {
    errors.push({ path: 'treeSize', code: 'tree_size_mismatch', message: `The proof is for tree size ${d.treeSize}, the checkpoint attests ${String(d.checkpoint.treeSize)}.` });
  }
  if (options.receipt) {
    const r = options.receipt;
    const hash = r?.integrity?.receiptHash;
    if (typeof hash !== 'string' || !isHex(hash) || merkleLeafHash(hash) !== d.leafHash) {
      errors.push({ path: 'leafHash', code: 'leaf_hash_mismatch', message: `The leaf is not the hash of receipt ${String(r?.receiptId)}.` });
    }
    if (r?.receiptId !== d.receiptId || r?.sequence !== d.sequence || r?.tenantId !== d.tenantId) {
      errors.push({ path: 'receiptId', code: 'receipt_mismatch', message: `The proof is about ${d.receiptId} at sequence ${d.sequence} of ${d.tenantId}, not the given receipt.` });
    }
  }
  const root = isRecord(d.checkpoint) ? d.checkpoint.rootHash : undefined;
  if (typeof root === 'string' && !verifyInclusion(d.leafHash!, d.leafIndex!, d.treeSize!, d.hashes!, root)) {
    errors.push({ path: 'hashes', code: 'bad_inclusion_proof', message: `The audit path does not lead from leaf ${d.leafIndex} to the checkpoint's root.` });
  }
  return { isValid: errors.length === 0, errors };
}

/** Checks a consistency proof offline: both checkpoints signed by trusted keys, and the RFC 9162 proof between them. Never throws. */
export function verifyConsistencyProof(doc: unknown, options: Omit<ProofVerificationOptions, 'receipt'>): ProofVerification {
  const d = doc as Partial<ConsistencyProofDocument> | null;
  if (!isRecord(d)) return fail('', 'malformed_proof', 'The proof is not a JSON object.');
  const shape = [
    ...fieldErrors(d, { tenantId: 'string', oldSize: 'integer', newSize: 'integer', oldRootHash: 'hex', newRootHash: 'hex', algorithm: 'string' }, ''),
    ...hashListErrors(d.hashes, 'hashes'),
  ];
  if (shape.length > 0) return { isValid: false, errors: shape };
  const errors = [...algorithmErrors(d.algorithm), ...checkpointErrors(d.oldCheckpoint, 'oldCheckpoint', d.tenantId!, options), ...checkpointErrors(d.newCheckpoint, 'newCheckpoint', d.tenantId!, options)];
  for (const [side, size, root] of [['old', d.oldSize, d.oldRootHash], ['new', d.newSize, d.newRootHash]] as const) {
    const cp = d[`${side}Checkpoint`];
    if (isRecord(cp) && (cp.treeSize !== size || cp.rootHash !== root)) {
      errors.push({ path: `${side}Size`, code: 'checkpoint_mismatch', message: `The proof's ${side} tree (${size}, ${root}) is not the one its checkpoint attests.` });
    }
  }
  if (!verifyConsistency(d.oldSize!, d.newSize!, d.oldRootHash!, d.newRootHash!, d.hashes!)) {
    errors.push({ path: 'hashes', code: 'bad_consistency_proof', message: `The proof does not show that tree ${d.newSize} extends tree ${d.oldSize}.` });
  }
  return { isValid: errors.length === 0, errors };
}

/** The checkpoint block: its fields are its signed receipt's, and the receipt verifies with a trusted key. */
function checkpointErrors(cp: unknown, path: string, tenantId: string, options: { keys: readonly TrustedKey[]; crypto?: VerifierCrypto }): ProofError[] {
  if (!isRecord(cp)) return [{ path, code: 'malformed_proof', message: `${path} is missing.` }];
  const shape = fieldErrors(cp, { receiptId: 'string', sequence: 'integer', treeSize: 'integer', rootHash: 'hex' }, path);
  if (shape.length > 0) return shape;
  const r = cp.receipt as Receipt | undefined;
  if (!isRecord(r) || !isRecord(r.data) || !isRecord(r.integrity)) return [{ path: `${path}.receipt`, code: 'malformed_proof', message: `${path}.receipt is not a receipt.` }];
  const errors: ProofError[] = [];
  if (r.type !== 'ledger.checkpoint') errors.push({ path: `${path}.receipt.type`, code: 'not_a_checkpoint', message: `The receipt is a ${String(r.type)}, not a ledger.checkpoint.` });
  if (r.tenantId !== tenantId) errors.push({ path: `${path}.receipt.tenantId`, code: 'wrong_tenant', message: `The checkpoint belongs to ${String(r.tenantId)}, not ${tenantId}.` });
  if (r.receiptId !== cp.receiptId || r.sequence !== cp.sequence || r.data.treeSize !== cp.treeSize || r.data.rootHash !== cp.rootHash) {
    errors.push({ path, code: 'checkpoint_mismatch', message: `${path} does not repeat its signed receipt (receiptId, sequence, treeSize, rootHash).` });
  }
  if (typeof cp.treeSize === 'number' && cp.treeSize >= (cp.sequence as number)) {
    errors.push({ path: `${path}.treeSize`, code: 'checkpoint_mismatch', message: `A checkpoint at sequence ${String(cp.sequence)} cannot cover ${cp.treeSize} events.` });
  }
  const key = options.keys.find((k) => k.keyId === r.integrity.signingKeyId);
  if (!key) {
    errors.push({ path: `${path}.receipt.integrity.signingKeyId`, code: 'unknown_signing_key', message: `No trusted key ${String(r.integrity.signingKeyId)}.` });
  } else {
    const check = verifyReceiptSignature(r, key.publicKeyPem, options.crypto ?? portableVerifierCrypto);
    if (!check.isSignatureValid) errors.push({ path: `${path}.receipt.integrity.signature`, code: 'bad_checkpoint_signature', message: check.errors.join(' ') });
  }
  return errors;
}

function algorithmErrors(algorithm: unknown): ProofError[] {
  return algorithm === MERKLE_ALGORITHM ? [] : [{ path: 'algorithm', code: 'unsupported_algorithm', message: `Unsupported algorithm ${String(algorithm)} (expected ${MERKLE_ALGORITHM}).` }];
}

type FieldKind = 'string' | 'integer' | 'hex';

function fieldErrors(obj: Record<string, unknown>, fields: Record<string, FieldKind>, path: string): ProofError[] {
  const errors: ProofError[] = [];
  for (const [name, kind] of Object.entries(fields)) {
    const v = obj[name];
    const ok = kind === 'string' ? typeof v === 'string' : kind === 'integer' ? Number.isSafeInteger(v) && (v as number) >= 0 : typeof v === 'string' && isHex(v);
    if (!ok) errors.push({ path: path ? `${path}.${name}` : name, code: 'malformed_proof', message: `${path ? `${path}.` : ''}${name} must be ${kind === 'hex' ? '64 lowercase hex characters' : `a${kind === 'integer' ? ' non-negative integer' : ' string'}`}.` });
  }
  return errors;
}

function hashListErrors(v: unknown, path: string): ProofError[] {
  if (!Array.isArray(v)) return [{ path, code: 'malformed_proof', message: `${path} must be an array of hashes.` }];
  const bad = v.findIndex((h) => typeof h !== 'string' || !isHex(h));
  return bad >= 0 ? [{ path: `${path}[${bad}]`, code: 'malformed_proof', message: `${path}[${bad}] must be 64 lowercase hex characters.` }] : [];
}

function fail(path: string, code: string, message: string): ProofVerification {
  return { isValid: false, errors: [{ path, code, message }] };
}

function isHex(v: string): boolean {
  return /^[0-9a-f]{64}$/.test(v);
}

