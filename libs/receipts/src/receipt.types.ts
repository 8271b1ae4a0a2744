/**
 * The signed record. Every event in a tenant's stream is one receipt: action state transitions
 * (`action.*`, the OARS v1 receipt shape plus chain fields) and every other state transition
 * (`key.generated`, `key.rotated`, later `policy.published`, …) in the same envelope.
 *
 * What is hashed: the whole receipt with `integrity.receiptHash` and `integrity.signature` removed,
 * canonicalised with RFC 8785 (JCS), SHA-256, lowercase hex.
 * What is signed: the ASCII bytes of `RECEIPT_SIGNATURE_DOMAIN + receiptHash` with Ed25519.
 */
export const RECEIPT_VERSION = '2.0.0';
export const RECEIPT_SIGNATURE_DOMAIN = 'oars.receipt.v2:';

export type RiskTier = 'low' | 'medium' | 'high' | 'critical';
export type PolicyDecision = 'allow' | 'deny' | 'approve' | 'quarantine';

export interface ReceiptActor {
  userId: string | null;
  agentId: string;
  serviceId: string | null;
  delegationChain: string[];
}

export interface ReceiptResource {
  toolId: string;
  operation: string;
  target: string;
}

export interface ReceiptPolicy {
  policySetId: string;
  policyVersion: string;
  /** SHA-256 (hex) of the canonical policy document that decided. */
  policyHash: string;
  decision: PolicyDecision;
  ruleIds: string[];
  rationale: string;
}

export interface ReceiptRisk {
  score: number;
  tier: RiskTier;
  signals: string[];
}

export interface ReceiptTelemetry {
  traceId: string;
  spanId: string;
  requestId: string | null;
}

export interface ReceiptIntegrity {
  /** Hash of the previous receipt in the tenant stream (null for sequence 1). */
  prevEventHash: string | null;
  /** Hash of the previous receipt of the same action (null for the first, and for non-action receipts). */
  prevReceiptHash: string | null;
  receiptHash: string;
  /** Standard base64 Ed25519 signature. */
  signature: string;
  signingKeyId: string;
  signatureAlg: 'Ed25519';
}

export interface Receipt {
  receiptId: string;
  version: string;
  tenantId: string;
  region: string;
  /** Position in the tenant stream, 1-based and gapless. */
  sequence: number;
  type: string;
  /** ISO-8601 UTC with milliseconds. */
  timestamp: string;
  /** Action receipts only (null otherwise). */
  actionId: string | null;
  actor: ReceiptActor | null;
  resource: ReceiptResource | null;
  policy: ReceiptPolicy | null;
  risk: ReceiptRisk | null;
  /** SHA-256 (hex) of the canonical action input; the raw input is never in a receipt. */
  inputHash: string | null;
  telemetry: ReceiptTelemetry | null;
  /** Type-specific facts (execution output hash, key material, approval facts, …). */
  data: Record<string, unknown>;
  integrity: ReceiptIntegrity;
}

/** A receipt before hashing and signing. */
export type UnsignedReceipt = Omit<Receipt, 'integrity'> & {
  integrity: Pick<ReceiptIntegrity, 'prevEventHash' | 'prevReceiptHash' | 'signingKeyId' | 'signatureAlg'>;
};

/** One public key in a tenant's key ring. Keys are never removed: retired keys keep verifying old receipts. */
export interface KeyringEntry {
  keyId: string;
  tenantId: string;
  status: string;
  createdAt: string;
  rotatedAt: string | null;
  /** SPKI PEM. */
  publicKeyPem: string;
}

/**
 * `data` of `key.generated` and `key.rotated` receipts (actionId and the action fields null).
 * Chain of custody, checked by verifiers: a `key.generated` receipt MUST be signed by the key it
 * introduces (`newKeyId`, proof of possession); a `key.rotated` receipt MUST be signed by the key it
 * replaces (`previousKeyId`), so the stream itself shows who handed signing over to whom.
 */
export interface KeyReceiptData {
  newKeyId: string;
  /** The key being replaced; null for `key.generated`. */
  previousKeyId: string | null;
  /** The tenant's key ring after this change, newest first; it MUST contain `newKeyId`. */
  keyring: { activeKeyId: string; keys: KeyringEntry[] };
}
