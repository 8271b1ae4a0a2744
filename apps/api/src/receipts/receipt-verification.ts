import { ActionChainLinks, ChainCursor, type Receipt, checkReceiptSchema, nodeVerifierCrypto, verifyReceiptSignature } from '@oars/receipts';

export interface VerificationAnswer {
  isSignatureValid: boolean;
  isChainValid: boolean;
  isSchemaValid: boolean;
  verificationErrors: string[];
}

/**
 * Checks the per-action chain of `chain` (sorted by sequence) with the receipts lib's action chain
 * rule: the first receipt of an action has a null `prevReceiptHash`, each later one names its
 * predecessor's hash, and the receipt under test is in it. The whole of `chain` is read as one
 * action's chain: a receipt of another action is reported and still linked.
 */
export function actionChainErrors(receipt: Receipt, chain: Receipt[]): string[] {
  const errors: string[] = [];
  const sorted = [...chain].sort((a, b) => a.sequence - b.sequence);
  if (!sorted.some((r) => r.receiptId === receipt.receiptId)) errors.push('Receipt is not part of the given chain.');
  const links = new ActionChainLinks();
  sorted.forEach((r, i) => {
    if (links.isBroken('chain', r.integrity?.prevReceiptHash ?? null, r.integrity?.receiptHash ?? null)) {
      errors.push(i === 0 ? 'First receipt has non-null prev hash.' : `Receipt hash chain broken at ${r.receiptId}.`);
    }
    if (r.actionId !== receipt.actionId) errors.push(`Receipt ${r.receiptId} belongs to another action.`);
  });
  return errors;
}

/** The tenant chain link of `receipt` to the receipt stored just before it (null: none). */
function tenantChainErrors(receipt: Receipt, predecessor: Receipt | null): string[] {
  const from = { position: receipt.sequence - 1, lastHash: predecessor ? predecessor.integrity.receiptHash : null };
  const findings = new ChainCursor(from).next({ sequence: receipt.sequence, prevEventHash: receipt.integrity?.prevEventHash ?? null, receiptHash: null });
  return findings.length > 0 ? ['Tenant chain broken: prevEventHash does not match the previous receipt.'] : [];
}

/** Schema, signature (node:crypto; same verdicts as the portable verifier) and chain of one receipt. */
export function verifyOne(receipt: Receipt, publicKeyPem: string | null, chain: Receipt[] | null, predecessor?: Receipt | null): VerificationAnswer {
  const schema = checkReceiptSchema(receipt);
  const errors = [...schema.errors];
  let isSignatureValid = false;
  if (publicKeyPem === null) {
    errors.push(`Unknown signing key: ${String(receipt?.integrity?.signingKeyId)}`);
  } else {
    const sig = verifyReceiptSignature(receipt, publicKeyPem, nodeVerifierCrypto);
    isSignatureValid = sig.isSignatureValid;
    errors.push(...sig.errors);
  }
  const chainErrors = chain ? actionChainErrors(receipt, chain) : [];
  if (predecessor !== undefined) chainErrors.push(...tenantChainErrors(receipt, predecessor));
  errors.push(...chainErrors);
  return { isSignatureValid, isChainValid: chainErrors.length === 0, isSchemaValid: schema.isSchemaValid, verificationErrors: errors };
}
