import { sha256Hex } from '@oars/receipts';

/**
 * The id of a receipt derived from the parts that make it unique (`rcpt_` + 32 hex of SHA-256 over
 * the parts joined by NUL): the same command decides the same ids, so a retried or raced command
 * collapses into one set of receipts. The same formula as the ledger's `derivedId('rcpt', …)`.
 */
export function derivedReceiptId(...parts: string[]): string {
  return `rcpt_${sha256Hex(parts.join('\u0000')).slice(0, 32)}`;
}
