/**
 * Events of the ledger context: what the tenant stream attests about itself. A checkpoint is a
 * signed statement "the first `treeSize` events of this stream have Merkle root `rootHash`"
 * (RFC 6962 tree over the receipt hashes; docs/receipt-format.md, "Transparency").
 */
export const LEDGER_CHECKPOINT = 'ledger.checkpoint';
/** The aggregate every checkpoint of a stream is appended to. */
export const CHECKPOINT_SUBJECT = 'ledger.checkpoints';
export const CHECKPOINT_ALGORITHM = 'rfc6962-sha256';

/** One maximal aligned full subtree of the covered prefix: what a successor extends the tree from. */
export interface FrontierNode {
  size: number;
  hash: string;
}

export interface CheckpointData {
  /** Events covered: sequences 1 to treeSize (the checkpoint's own sequence is after them). */
  treeSize: number;
  rootHash: string;
  algorithm: typeof CHECKPOINT_ALGORITHM;
  /** receiptHash of the event at `treeSize`. */
  lastReceiptHash: string;
  /** The compact range of the covered prefix (at most log2(treeSize)+1 nodes). */
  frontier: FrontierNode[];
  checkpointedAt: string;
}

export interface CheckpointAppended {
  readonly type: typeof LEDGER_CHECKPOINT;
  readonly subject: typeof CHECKPOINT_SUBJECT;
  readonly data: CheckpointData;
}

export type LedgerEvent = CheckpointAppended;
