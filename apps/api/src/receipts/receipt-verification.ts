import { type Receipt, checkReceiptSchema, nodeVerifierCrypto, verifyReceiptSignature } from '@oars/receipts';

export interface VerificationAnswer {
  isSignatureValid: boolean;
  isChainValid: boolean;
  isSchemaValid: boolean;
  verificationErrors: string[];
}

/**
 * Checks the per-action chain of `chain` (sorted by sequence): the first receipt of an action has a
 * null `prevReceiptHash`, each later one names its predecessor's hash, and the receipt under test is in it.
 */
export function actionChainErrors(receipt: Receipt, chain: Receipt[]): string[] {
  const errors: string[] = [];
  const sorted = [...chain].sort((a, b) => a.sequence - b.sequence);
  if (!sorted.some((r) => r.receiptId === receipt.receiptId)) errors.push('Receipt is not part of the given chain.');
  sorted.forEach((r, i) => {
    const expected = i === 0 ? null : sorted[i - 1]!.integrity?.receiptHash ?? null;
    const actual = r.integrity?.prevReceiptHash ?? null;
    if (i === 0 && actual !== null) errors.push('First receipt has non-null prev hash.');
    else if (i > 0 && actual !== expected) errors.push(`Receipt hash chain broken at ${r.receiptId}.`);
    if (r.actionId !== receipt.actionId) errors.push(`Receipt ${r.receiptId} belongs to another action.`);
  });
  return errors;
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
  if (predecessor !== undefined) {
    const expected = predecessor ? predecessor.integrity.receiptHash : null;
    if ((receipt.integrity?.prevEventHash ?? null) !== expected) chainErrors.push('Tenant chain broken: prevEventHash does not match the previous receipt.');
  }
  errors.push(...chainErrors);
  return { isSignatureValid, isChainValid: chainErrors.length === 0, isSchemaValid: schema.isSchemaValid, verificationErrors: errors };
}
