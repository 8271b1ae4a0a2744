import type { AppendCheckpoint } from './ledger.commands';
import { CHECKPOINT_ALGORITHM, CHECKPOINT_SUBJECT, type CheckpointAppended, LEDGER_CHECKPOINT } from './ledger.events';
import { rootOfFrontier } from '@oars/receipts';
import type { CheckpointState } from './ledger.state';

export class LedgerError extends Error {
  constructor(
    readonly code: 'checkpoint_tree_mismatch',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A checkpoint of the head, unless there is nothing new to attest: an empty stream, or a head that
 * is already covered or is the latest checkpoint itself (a checkpoint never only attests a checkpoint).
 */
export function decideAppendCheckpoint(state: CheckpointState, command: AppendCheckpoint): CheckpointAppended[] {
  const { head, last, tree } = state;
  if (head.sequence === 0 || head.receiptHash === null) return [];
  if (last && (last.data.treeSize >= head.sequence || last.sequence === head.sequence)) return [];
  if (tree.size !== head.sequence) {
    throw new LedgerError('checkpoint_tree_mismatch', `The tree covers ${tree.size} events but the head is at ${head.sequence}.`);
  }
  const rootHash = rootOfFrontier(tree.frontier);
  return [
    {
      type: LEDGER_CHECKPOINT,
      subject: CHECKPOINT_SUBJECT,
      data: {
        treeSize: head.sequence,
        rootHash,
        algorithm: CHECKPOINT_ALGORITHM,
        lastReceiptHash: head.receiptHash,
        frontier: tree.frontier.map((n) => ({ size: n.size, hash: n.hash })),
        checkpointedAt: command.metadata.now,
      },
    },
  ];
}
