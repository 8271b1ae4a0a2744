import type { Receipt, ReceiptIntegrity } from '../receipt.types';

/** The fields chain verification reads; a {@link Receipt} is one. Keeping only these lets callers stream big files. */
export interface ChainLink {
  sequence: number;
  tenantId: string;
  region: string;
  actionId: string | null;
  integrity: Pick<ReceiptIntegrity, 'prevEventHash' | 'prevReceiptHash' | 'receiptHash'>;
}

export interface ChainVerificationOptions {
  /**
   * The sequence the receipts MUST start at. Set 1 to check a whole stream (missing leading receipts
   * are a gap and sequence 1's prevEventHash must be null). Unset: an excerpt starting later is fine.
   */
  expectFirstSequence?: number;
}

export interface ChainVerification {
  isChainValid: boolean;
  errors: string[];
}

/** Keeps the chain facts of a receipt and drops everything else (type-specific data, signatures). */
export function chainLinkOf(receipt: Receipt): ChainLink {
  const { prevEventHash, prevReceiptHash, receiptHash } = receipt.integrity;
  return {
    sequence: receipt.sequence,
    tenantId: receipt.tenantId,
    region: receipt.region,
    actionId: receipt.actionId,
    integrity: { prevEventHash, prevReceiptHash, receiptHash },
  };
}

/**
 * Checks the tenant chain and every action chain, in `sequence` order (input order does not matter):
 * - sequences are unique and gapless ("Duplicate sequence N.", "Chain gap: sequence N missing.");
 * - each `prevEventHash` is the previous receipt's `receiptHash`; sequence 1 has null;
 * - each action receipt's `prevReceiptHash` is the previous receipt of the same action's hash (first: null);
 *   receipts without an action have a null `prevReceiptHash`;
 * - all receipts belong to one tenant and region.
 * In an excerpt (first sequence > 1 and no `expectFirstSequence`), links into the missing prefix are
 * not checked. O(n log n) for unsorted input, O(n) for sorted.
 */
export function verifyChain(receipts: readonly ChainLink[], options: ChainVerificationOptions = {}): ChainVerification {
  const errors: string[] = [];
  if (receipts.length === 0) return { isChainValid: true, errors };
  const sorted = isSorted(receipts) ? receipts : [...receipts].sort((a, b) => a.sequence - b.sequence);
  const first = sorted[0];
  const start = options.expectFirstSequence ?? first.sequence;
  if (first.sequence > start) errors.push(gap(start, first.sequence - 1));
  const isExcerpt = start > 1;
  const lastOfAction = new Map<string, string>();
  let previous: ChainLink | undefined;
  for (const link of sorted) {
    if (link.tenantId !== first.tenantId || link.region !== first.region) {
      errors.push(`Sequence ${link.sequence} belongs to ${link.tenantId}/${link.region}, not ${first.tenantId}/${first.region}.`);
    }
    if (previous && link.sequence === previous.sequence) {
      errors.push(`Duplicate sequence ${link.sequence}.`);
      continue;
    }
    if (previous && link.sequence > previous.sequence + 1) errors.push(gap(previous.sequence + 1, link.sequence - 1));
    checkTenantLink(link, previous, errors);
    checkActionLink(link, lastOfAction, isExcerpt, errors);
    previous = link;
  }
  return { isChainValid: errors.length === 0, errors };
}

function checkTenantLink(link: ChainLink, previous: ChainLink | undefined, errors: string[]): void {
  if (link.sequence === 1) {
    if (link.integrity.prevEventHash !== null) errors.push('First receipt has non-null prev hash.');
  } else if (previous && previous.sequence === link.sequence - 1 && link.integrity.prevEventHash !== previous.integrity.receiptHash) {
    errors.push(`Receipt hash chain broken at sequence ${link.sequence}.`);
  }
}

function checkActionLink(link: ChainLink, lastOfAction: Map<string, string>, isExcerpt: boolean, errors: string[]): void {
  const { actionId, integrity } = link;
  if (actionId === null) {
    if (integrity.prevReceiptHash !== null) errors.push(`Sequence ${link.sequence} has a prevReceiptHash but no action.`);
    return;
  }
  const expected = lastOfAction.get(actionId);
  // In an excerpt, an action's earlier receipts may sit before the excerpt: its first link is unknown.
  const isUnknown = expected === undefined && isExcerpt;
  if (!isUnknown && integrity.prevReceiptHash !== (expected ?? null)) {
    errors.push(`Action chain broken at sequence ${link.sequence} (action ${actionId}).`);
  }
  lastOfAction.set(actionId, integrity.receiptHash);
}

function isSorted(links: readonly ChainLink[]): boolean {
  for (let i = 1; i < links.length; i++) if (links[i].sequence < links[i - 1].sequence) return false;
  return true;
}

function gap(from: number, to: number): string {
  return from === to ? `Chain gap: sequence ${from} missing.` : `Chain gap: sequences ${from} to ${to} missing.`;
}
