/** Where a chain check stands: every link up to `position` is checked; `lastHash` is that receipt's hash. */
export interface ChainPosition {
  position: number;
  lastHash: string | null;
}

export const CHAIN_START: ChainPosition = { position: 0, lastHash: null };

/** What is wrong with the tenant chain at one place, with the exact sequences. */
export type ChainFinding =
  /** Sequences `sequence` to `to` (inclusive) are missing. */
  | { kind: 'sequence_gap'; sequence: number; to: number }
  | { kind: 'duplicate_sequence'; sequence: number }
  /** `prevEventHash` is not `expected`, the hash of sequence - 1 (null for sequence 1). */
  | { kind: 'chain_break'; sequence: number; prevEventHash: unknown; expected: string | null };

/** The links of the tenant chain that {@link ChainCursor.next} reads. */
export interface TenantLink {
  sequence: number;
  prevEventHash: unknown;
  receiptHash: string | null;
}

/**
 * Follows one tenant chain link by link, in sequence order, so a caller can check a whole stream, an
 * excerpt or the next few events after a stored position with the same rules:
 * - sequences follow each other without gaps or repeats;
 * - sequence 1 has a null `prevEventHash`, every later one the previous receipt's `receiptHash`.
 * A link right after a gap, or the first one of an excerpt (`known` false), is not compared: the
 * receipt it names is not there.
 */
export class ChainCursor {
  private position: number;
  private lastHash: string | null;
  private known: boolean;
  private seen = false;

  constructor(from: ChainPosition = CHAIN_START, known = true) {
    this.position = from.position;
    this.lastHash = from.lastHash;
    this.known = known;
  }

  /** Checks the next receipt and moves past it (not past a repeated sequence). */
  next(link: TenantLink): ChainFinding[] {
    if (this.seen && link.sequence === this.position) return [{ kind: 'duplicate_sequence', sequence: link.sequence }];
    const findings = this.gapBefore(link.sequence);
    if (link.sequence === 1) {
      if (link.prevEventHash !== null) findings.push({ kind: 'chain_break', sequence: 1, prevEventHash: link.prevEventHash, expected: null });
    } else if (this.known && this.position === link.sequence - 1 && link.prevEventHash !== this.lastHash) {
      findings.push({ kind: 'chain_break', sequence: link.sequence, prevEventHash: link.prevEventHash, expected: this.lastHash });
    }
    this.moveTo(link.sequence, link.receiptHash);
    return findings;
  }

  /** Moves past a receipt whose links cannot be read, reporting only a gap before it. */
  skip(sequence: number, receiptHash: string | null): ChainFinding[] {
    const findings = this.gapBefore(sequence);
    this.moveTo(sequence, receiptHash);
    return findings;
  }

  get at(): ChainPosition {
    return { position: this.position, lastHash: this.lastHash };
  }

  private gapBefore(sequence: number): ChainFinding[] {
    if (sequence <= this.position + 1) return [];
    this.known = false;
    return [{ kind: 'sequence_gap', sequence: this.position + 1, to: sequence - 1 }];
  }

  private moveTo(sequence: number, receiptHash: string | null): void {
    this.position = sequence;
    this.lastHash = receiptHash;
    this.known = true;
    this.seen = true;
  }
}

/**
 * The action chain rule: an action's first receipt has a null `prevReceiptHash`, each later one the
 * hash of the previous receipt of the same action. In an excerpt (`startsUnknown`) an action's first
 * receipt may follow receipts outside it, so its link is not compared.
 */
export class ActionChainLinks {
  private readonly last = new Map<string, string | null>();

  constructor(private readonly startsUnknown = false) {}

  /** True when this receipt breaks its action's chain; either way it becomes the action's latest. */
  isBroken(actionId: string, prevReceiptHash: unknown, receiptHash: string | null): boolean {
    const known = this.last.has(actionId);
    const broken = (known || !this.startsUnknown) && prevReceiptHash !== (known ? this.last.get(actionId) : null);
    this.last.set(actionId, receiptHash);
    return broken;
  }
}
