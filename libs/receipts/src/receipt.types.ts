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

/**
 * `data` of a `key.generated` receipt (actionId and the action fields null). It MUST be signed by the
 * key it announces (proof of possession) and is the first receipt that key signs.
 */
export interface KeyGeneratedData {
  keyId: string;
  /** SPKI PEM of the new key. */
  publicKeyPem: string;
  signatureAlg: 'Ed25519';
}

/**
 * `data` of a `key.rotated` receipt. It MUST be signed by the previous key (`previousKeyId`), so the
 * stream itself carries the chain of custody from one key to the next; `keyId`/`publicKeyPem` name
 * the new key, which signs every later receipt. Receipts signed by the previous key keep verifying.
 */
export interface KeyRotatedData {
  previousKeyId: string;
  keyId: string;
  publicKeyPem: string;
  signatureAlg: 'Ed25519';
}
