import type { Receipt, ReceiptIntegrity } from '../receipt.types';
import { ActionChainLinks, ChainCursor, type ChainFinding } from './receipt-chain.cursor';

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
  const isExcerpt = start > 1;
  const tenantChain = new ChainCursor({ position: start - 1, lastHash: null }, !isExcerpt);
  const actionChains = new ActionChainLinks(isExcerpt);
  for (const link of sorted) {
    if (link.tenantId !== first.tenantId || link.region !== first.region) {
      errors.push(`Sequence ${link.sequence} belongs to ${link.tenantId}/${link.region}, not ${first.tenantId}/${first.region}.`);
    }
    const { prevEventHash, prevReceiptHash, receiptHash } = link.integrity;
    const findings = tenantChain.next({ sequence: link.sequence, prevEventHash, receiptHash });
    errors.push(...findings.map(describeChainFinding));
    if (findings.some((f) => f.kind === 'duplicate_sequence')) continue;
    if (link.actionId === null) {
      if (prevReceiptHash !== null) errors.push(`Sequence ${link.sequence} has a prevReceiptHash but no action.`);
    } else if (actionChains.isBroken(link.actionId, prevReceiptHash, receiptHash)) {
      errors.push(`Action chain broken at sequence ${link.sequence} (action ${link.actionId}).`);
    }
  }
  return { isChainValid: errors.length === 0, errors };
}

/** The verifier's wording of a tenant chain finding. */
export function describeChainFinding(finding: ChainFinding): string {
  switch (finding.kind) {
    case 'sequence_gap':
      return finding.sequence === finding.to ? `Chain gap: sequence ${finding.sequence} missing.` : `Chain gap: sequences ${finding.sequence} to ${finding.to} missing.`;
    case 'duplicate_sequence':
      return `Duplicate sequence ${finding.sequence}.`;
    case 'chain_break':
      return finding.sequence === 1 ? 'First receipt has non-null prev hash.' : `Receipt hash chain broken at sequence ${finding.sequence}.`;
    default:
      return assertNever(finding);
  }
}

function isSorted(links: readonly ChainLink[]): boolean {
  for (let i = 1; i < links.length; i++) if (links[i].sequence < links[i - 1].sequence) return false;
  return true;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected chain finding ${JSON.stringify(value)}`);
}
