import type { SqlExecutor } from '@oars/db';
import { MerkleLog, merkleLeafHash } from '@oars/receipts';

const PAGE = 5000;

/** The read model cannot give the tree the checkpoint attests (it lags, misses a receipt, or differs from the stream). */
export class ProofUnavailableError extends Error {
  readonly code = 'proof_unavailable';
}

/** The tree of a tenant's stream as a checkpoint attests it: size and root. */
export interface AttestedTree {
  treeSize: number;
  rootHash: string;
}

/**
 * Inclusion and consistency proofs over the receipts read model. One Merkle log per tenant stays in
 * memory (about two hashes per receipt) and grows by the receipts appended since the last request,
 * so a proof costs O(log n) once the log is built; the least recently used logs are dropped past
 * `maxLeaves`. Every answer is checked against the signed checkpoint's root first: a read model that
 * differs from the stream yields no proof.
 */
export class ReceiptProofs {
  private readonly logs = new Map<string, MerkleLog>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly sql: SqlExecutor,
    /** Where a pruned stream's tree continues from: the frontier of its last prune (docs/retention.md), or null. */
    private readonly prunedBase: (tenantId: string) => Promise<{ size: number; frontier: Array<{ size: number; hash: string }> } | null> = async () => null,
    private readonly maxLeaves = 2_000_000,
  ) {}

  /** The audit path of the receipt at `sequence` in the attested tree. */
  inclusion(tenantId: string, sequence: number, tree: AttestedTree): Promise<{ leafIndex: number; hashes: string[] }> {
    return this.withLog(tenantId, tree, (log) => ({ leafIndex: sequence - 1, hashes: log.inclusionProof(sequence - 1, tree.treeSize) }));
  }

  /** The proof that `newer` extends `older`. */
  consistency(tenantId: string, older: AttestedTree, newer: AttestedTree): Promise<string[]> {
    return this.withLog(tenantId, newer, (log) => {
      if (!canReach(log, older.treeSize)) {
        throw new ProofUnavailableError(`The receipts of tree size ${older.treeSize} were pruned by retention: consistency is proven from the retention receipt on.`);
      }
      if (log.root(older.treeSize) !== older.rootHash) {
        throw new ProofUnavailableError(`The receipts do not match the checkpoint of tree size ${older.treeSize}.`);
      }
      return log.consistencyProof(older.treeSize, newer.treeSize);
    });
  }

  /** The tenant's log, checked against the attested tree (it may grow later: pass `treeSize` to its proofs). */
  log(tenantId: string, tree: AttestedTree): Promise<MerkleLog> {
    return this.withLog(tenantId, tree, (log) => log);
  }

  /** Forgets a tenant's log (after a rebuild or a prune). */
  forget(tenantId: string): void {
    this.logs.delete(tenantId);
  }

  private withLog<T>(tenantId: string, tree: AttestedTree, use: (log: MerkleLog) => T): Promise<T> {
    // One extension per tenant at a time: concurrent requests share the reads.
    const run = (this.queues.get(tenantId) ?? Promise.resolve()).catch(() => undefined).then(async () => {
      const log = await this.logOf(tenantId, tree.treeSize);
      if (!canReach(log, tree.treeSize)) throw new ProofUnavailableError(`The receipts of tree size ${tree.treeSize} were pruned by retention.`);
      if (log.root(tree.treeSize) !== tree.rootHash) {
        this.logs.delete(tenantId);
        throw new ProofUnavailableError(`The receipts read model does not match the checkpoint of tree size ${tree.treeSize}.`);
      }
      return use(log);
    });
    this.queues.set(tenantId, run);
    return run;
  }

  private async logOf(tenantId: string, size: number): Promise<MerkleLog> {
    let log = this.logs.get(tenantId);
    this.logs.delete(tenantId);
    if (!log) {
      const base = await this.prunedBase(tenantId);
      log = base && base.size > 0 ? MerkleLog.fromFrontier(base.frontier) : new MerkleLog();
    }
    while (log.size < size) {
      const { rows } = await this.sql.query<{ sequence: string | number; hash: string | null }>(
        `SELECT sequence, body::json -> 'integrity' ->> 'receiptHash' AS hash FROM receipts
          WHERE tenant_id = $1 AND sequence > $2 AND sequence <= $3 ORDER BY sequence LIMIT ${PAGE}`,
        [tenantId, log.size, size],
      );
      for (const row of rows) {
        if (Number(row.sequence) !== log.size + 1 || typeof row.hash !== 'string') {
          throw new ProofUnavailableError(`The receipts read model misses sequence ${log.size + 1} of ${tenantId}.`);
        }
        log.append(merkleLeafHash(row.hash));
      }
      if (rows.length === 0) throw new ProofUnavailableError(`The receipts read model has not reached sequence ${size} of ${tenantId}.`);
    }
    this.logs.set(tenantId, log);
    this.evict();
    return log;
  }

  private evict(): void {
    let total = 0;
    for (const log of this.logs.values()) total += log.size;
    for (const [tenantId, log] of this.logs) {
      if (total <= this.maxLeaves || this.logs.size === 1) break;
      this.logs.delete(tenantId);
      total -= log.size;
    }
  }
}

/** Whether the log (possibly continued from a pruned frontier) still knows the tree of `size` leaves. */
function canReach(log: MerkleLog, size: number): boolean {
  try {
    log.root(size);
    return true;
  } catch {
    return false;
  }
}
