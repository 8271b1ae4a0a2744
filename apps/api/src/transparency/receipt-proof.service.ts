import { Inject, Injectable } from '@nestjs/common';
import { CHECKPOINT_SUBJECT, type CheckpointData, LEDGER_CHECKPOINT } from '@oars/domain';
import { checkpointCovering, derivedId, latestReceipt } from '@oars/ledger';
import { getReceipt, ProofUnavailableError } from '@oars/readmodels';
import { type ConsistencyProofDocument, type InclusionProofDocument, MERKLE_ALGORITHM, type ProofCheckpoint, type Receipt, merkleLeafHash } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { ApiError } from '../http/api-error';
import { RUNTIME } from '../runtime.token';

/**
 * Inclusion and consistency proofs against the signed checkpoints of the tenant streams. A receipt
 * newer than the latest checkpoint gets one on demand (a checkpoint attests; it changes no state).
 */
@Injectable()
export class ReceiptProofService {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  private get proofs() {
    return this.runtime.proofs;
  }

  async inclusion(receipt: Receipt): Promise<InclusionProofDocument> {
    const tenantId = receipt.tenantId;
    const checkpoint = await checkpointCovering(this.runtime, tenantId, receipt.sequence);
    if (!checkpoint) {
      // Only a checkpoint that is the stream's head itself: the next one will cover it.
      throw new ApiError(409, 'not_yet_checkpointed', `Receipt ${receipt.receiptId} is not covered by a checkpoint yet; the next checkpoint covers it.`);
    }
    const tree = dataOf(checkpoint);
    await this.reach(tenantId, tree.treeSize);
    const { leafIndex, hashes } = await this.prove(() => this.proofs.inclusion(tenantId, receipt.sequence, tree));
    return {
      receiptId: receipt.receiptId,
      tenantId,
      sequence: receipt.sequence,
      leafIndex,
      treeSize: tree.treeSize,
      leafHash: merkleLeafHash(receipt.integrity.receiptHash),
      hashes,
      algorithm: MERKLE_ALGORITHM,
      checkpoint: proofCheckpointOf(checkpoint),
    };
  }

  async consistency(tenantId: string, fromTreeSize: number, toTreeSize?: number): Promise<ConsistencyProofDocument> {
    const older = await this.checkpointOf(tenantId, fromTreeSize, 'fromTreeSize');
    const newer = toTreeSize === undefined ? await latestReceipt(this.runtime.store, tenantId, CHECKPOINT_SUBJECT) : await this.checkpointOf(tenantId, toTreeSize, 'toTreeSize');
    if (!newer || dataOf(newer).treeSize < dataOf(older).treeSize) {
      throw new ApiError(400, 'validation_error', 'toTreeSize must not be smaller than fromTreeSize.', [{ field: 'toTreeSize', message: 'must be at least fromTreeSize' }]);
    }
    const [o, n] = [dataOf(older), dataOf(newer)];
    await this.reach(tenantId, n.treeSize);
    const hashes = await this.prove(() => this.proofs.consistency(tenantId, o, n));
    return {
      tenantId,
      oldSize: o.treeSize,
      newSize: n.treeSize,
      oldRootHash: o.rootHash,
      newRootHash: n.rootHash,
      hashes,
      algorithm: MERKLE_ALGORITHM,
      oldCheckpoint: proofCheckpointOf(older),
      newCheckpoint: proofCheckpointOf(newer),
    };
  }

  /** The checkpoint that attests exactly `treeSize` events (its receipt id derives from the size). */
  private async checkpointOf(tenantId: string, treeSize: number, field: string): Promise<Receipt> {
    await this.runtime.catchUp([tenantId]);
    const receipt = await getReceipt(this.runtime.sql, [tenantId], derivedId('rcpt', tenantId, LEDGER_CHECKPOINT, String(treeSize)));
    if (!receipt || receipt.type !== LEDGER_CHECKPOINT) throw new ApiError(404, 'not_found', `No checkpoint of tree size ${treeSize} (${field}).`);
    return receipt;
  }

  private async reach(tenantId: string, sequence: number): Promise<void> {
    if (!(await this.runtime.waitForPosition(tenantId, sequence))) {
      throw new ApiError(503, 'read_model_lagging', `The receipts read model has not reached sequence ${sequence} yet; retry shortly.`);
    }
  }

  private async prove<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ProofUnavailableError) throw new ApiError(503, err.code, err.message);
      throw err;
    }
  }
}

function dataOf(checkpoint: Receipt): CheckpointData {
  return checkpoint.data as unknown as CheckpointData;
}

function proofCheckpointOf(receipt: Receipt): ProofCheckpoint {
  const { treeSize, rootHash } = dataOf(receipt);
  return { receiptId: receipt.receiptId, sequence: receipt.sequence, treeSize, rootHash, receipt };
}
