import type { Receipt } from '../receipt.types';
import { chainLinkOf, verifyChain, type ChainLink, type ChainVerificationOptions } from './receipt-chain.verify';
import { checkReceiptSchema } from './receipt-schema.check';
import { verifyReceiptSignature } from './receipt-signature.verify';
import { keyCustodyErrorOf, type TrustedKey } from './trusted-keys';
import { portableVerifierCrypto, type VerifierCrypto } from './verifier-crypto';

export interface BundleVerification {
  isSignatureValid: boolean;
  isChainValid: boolean;
  isSchemaValid: boolean;
  /** Every error, each prefixed with the receipt it concerns. */
  verificationErrors: string[];
  /** Receipts examined. */
  checked: number;
  /** Receipts whose signature did not verify (including unknown keys and missing integrity). */
  signatureFailures: number;
  schemaFailures: number;
  chainErrors: string[];
}

export interface BundleVerificationOptions extends ChainVerificationOptions {
  crypto?: VerifierCrypto;
}

/**
 * Verifies receipts one at a time (schema, hash, signature with the key named by
 * `integrity.signingKeyId`) and keeps only their chain facts, then checks the chain in {@link result}.
 * Memory per receipt is a few hundred bytes, so whole exported streams can be streamed through it.
 */
export class ReceiptBundleVerifier {
  private readonly keys = new Map<string, string>();
  private readonly crypto: VerifierCrypto;
  private readonly links: ChainLink[] = [];
  private readonly errors: string[] = [];
  private readonly keyConflicts: string[] = [];
  private readonly unknownKeys = new Map<string, number>();
  /** Chain findings about single receipts (not placeable, key custody), reported before the chain's own. */
  private readonly unchainable: string[] = [];
  private checked = 0;
  private signatureFailures = 0;
  private schemaFailures = 0;

  constructor(keys: readonly TrustedKey[], private readonly options: BundleVerificationOptions = {}) {
    this.crypto = options.crypto ?? portableVerifierCrypto;
    for (const { keyId, publicKeyPem } of keys) {
      const known = this.keys.get(keyId);
      if (known === undefined) this.keys.set(keyId, publicKeyPem);
      else if (known.trim() !== publicKeyPem.trim()) this.keyConflicts.push(`Conflicting public keys for ${keyId}.`);
    }
  }

  /** Verifies one receipt (anything parsed from JSON). */
  add(receipt: unknown): void {
    const label = labelOf(receipt, this.checked);
    this.checked++;
    const schema = checkReceiptSchema(receipt);
    if (!schema.isSchemaValid) {
      this.schemaFailures++;
      for (const error of schema.errors) this.errors.push(`${label}: ${error}`);
    }
    const r = receipt as Receipt;
    const keyId = schema.isSchemaValid ? r.integrity.signingKeyId : (r as Partial<Receipt>)?.integrity?.signingKeyId;
    const publicKeyPem = typeof keyId === 'string' ? this.keys.get(keyId) : undefined;
    if (publicKeyPem === undefined) {
      this.signatureFailures++;
      if (typeof keyId === 'string') this.unknownKeys.set(keyId, (this.unknownKeys.get(keyId) ?? 0) + 1);
    } else {
      const signature = verifyReceiptSignature(r, publicKeyPem, this.crypto);
      if (!signature.isSignatureValid) {
        this.signatureFailures++;
        for (const error of signature.errors) this.errors.push(`${label}: ${error}`);
      }
    }
    if (schema.isSchemaValid) {
      this.links.push(chainLinkOf(r));
      const custody = keyCustodyErrorOf(r);
      if (custody) this.unchainable.push(custody);
    } else {
      this.unchainable.push(`${label}: not placed in the chain (schema invalid).`);
    }
  }

  /** The verdict over everything added so far. */
  result(): BundleVerification {
    const chain = verifyChain(this.links, this.options);
    const chainErrors = [...this.unchainable, ...chain.errors];
    const keyErrors = [...this.unknownKeys].map(([keyId, count]) => `Unknown signing key: ${keyId} (${count} receipt${count === 1 ? '' : 's'}).`);
    return {
      isSignatureValid: this.signatureFailures === 0 && this.keyConflicts.length === 0,
      isChainValid: chainErrors.length === 0,
      isSchemaValid: this.schemaFailures === 0,
      verificationErrors: [...this.keyConflicts, ...keyErrors, ...this.errors, ...chainErrors],
      checked: this.checked,
      signatureFailures: this.signatureFailures,
      schemaFailures: this.schemaFailures,
      chainErrors,
    };
  }
}

/** Verifies every signature (keys by id) and the chain of `receipts`. */
export function verifyReceiptBundle(
  receipts: readonly unknown[],
  keys: readonly TrustedKey[],
  options: BundleVerificationOptions = {},
): BundleVerification {
  const verifier = new ReceiptBundleVerifier(keys, options);
  for (const receipt of receipts) verifier.add(receipt);
  return verifier.result();
}

function labelOf(receipt: unknown, index: number): string {
  const r = receipt as Partial<Receipt> | null;
  const sequence = typeof r === 'object' && r !== null && typeof r.sequence === 'number' ? r.sequence : null;
  const receiptId = typeof r === 'object' && r !== null && typeof r.receiptId === 'string' ? ` (${r.receiptId})` : '';
  return sequence !== null ? `Sequence ${sequence}${receiptId}` : `Receipt #${index + 1}${receiptId}`;
}
