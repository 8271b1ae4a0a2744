import { merkleLeafHash, merkleNodeHash } from '@oars/receipts';
import { type CheckpointData, type FrontierNode, LEDGER_CHECKPOINT } from './ledger.events';

/** One event of the stream as the ledger sees it: where it is, its receipt hash, and its type and facts. */
export interface LedgerStreamEvent {
  readonly sequence: number;
  readonly receiptHash: string;
  readonly type: string;
  readonly data: unknown;
}

/**
 * The stream as the ledger decides on it: the head, the latest checkpoint, and the Merkle tree over
 * every event up to the head as its compact range (the frontier), so extending it costs O(log n).
 */
export interface CheckpointState {
  /** The latest checkpoint and the sequence it was stored at, or null before the first. */
  readonly last: { readonly sequence: number; readonly data: CheckpointData } | null;
  readonly head: { readonly sequence: number; readonly receiptHash: string | null };
  /** The tree over sequences 1..size (size equals head.sequence once folded). */
  readonly tree: { readonly size: number; readonly frontier: readonly FrontierNode[] };
}

export const initialCheckpointState: CheckpointState = { last: null, head: { sequence: 0, receiptHash: null }, tree: { size: 0, frontier: [] } };

/**
 * The state a checkpoint stands for, without the events before it: the tree of its covered prefix
 * (its frontier) and itself as the latest checkpoint. Folding the events after `treeSize` (the
 * checkpoint among them) brings it to the head.
 */
export function checkpointStateOf(sequence: number, data: CheckpointData): CheckpointState {
  return {
    last: { sequence, data },
    head: { sequence: data.treeSize, receiptHash: data.lastReceiptHash },
    tree: { size: data.treeSize, frontier: data.frontier },
  };
}

/** Folds one event (the next in sequence order) into the state. */
export function evolveCheckpointState(state: CheckpointState, event: LedgerStreamEvent): CheckpointState {
  if (event.sequence !== state.tree.size + 1) {
    throw new RangeError(`The ledger folds events in order: expected sequence ${state.tree.size + 1}, got ${event.sequence}.`);
  }
  return {
    last: event.type === LEDGER_CHECKPOINT ? { sequence: event.sequence, data: event.data as CheckpointData } : state.last,
    head: { sequence: event.sequence, receiptHash: event.receiptHash },
    tree: { size: event.sequence, frontier: appendToFrontier(state.tree.frontier, merkleLeafHash(event.receiptHash)) },
  };
}

/** The compact range after one more leaf: equal-sized neighbours merge, as in RFC 6962's tree. */
export function appendToFrontier(frontier: readonly FrontierNode[], leafHash: string): FrontierNode[] {
  const next = [...frontier, { size: 1, hash: leafHash }];
  while (next.length > 1 && next[next.length - 1]!.size === next[next.length - 2]!.size) {
    const right = next.pop()!;
    const left = next.pop()!;
    next.push({ size: left.size * 2, hash: merkleNodeHash(left.hash, right.hash) });
  }
  return next;
}
