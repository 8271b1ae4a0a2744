import type { Build, Job, WriteResult } from './chain-writer.types';

/**
 * One queue per tenant, drained by one loop per tenant: writes of a tenant run one batch at a time
 * (group commit, at most `maxBatch` jobs each), tenants side by side.
 */
export class TenantQueues {
  private readonly queues = new Map<string, Job[]>();
  private readonly draining = new Set<string>();

  constructor(private readonly maxBatch: number, private readonly runBatch: (tenantId: string, batch: Job[]) => Promise<void>) {}

  /** Queues `build` and resolves once `runBatch` has resolved its job. */
  push<T>(tenantId: string, build: Build<T>): Promise<WriteResult<T>> {
    return new Promise<WriteResult<T>>((resolve, reject) => {
      const queue = this.queues.get(tenantId) ?? [];
      this.queues.set(tenantId, queue);
      queue.push({ build: build as Build<unknown>, resolve: resolve as Job['resolve'], reject, attempt: 0 });
      if (!this.draining.has(tenantId)) void this.drain(tenantId);
    });
  }

  /** Jobs waiting in every queue (saturation signal). */
  depth(): number {
    let depth = 0;
    for (const queue of this.queues.values()) depth += queue.length;
    return depth;
  }

  private async drain(tenantId: string): Promise<void> {
    this.draining.add(tenantId);
    try {
      const queue = this.queues.get(tenantId)!;
      while (queue.length > 0) {
        // Group commit: let requests that already arrived reach the queue before the batch is cut.
        // An append that completes without yielding to I/O (PGlite runs in this thread) would
        // otherwise carry one command at a time however many wait.
        await gatherTurn();
        const batch = queue.splice(0, this.maxBatch);
        await this.runBatch(tenantId, batch);
      }
    } finally {
      this.draining.delete(tenantId);
      const queue = this.queues.get(tenantId);
      if (queue && queue.length > 0) void this.drain(tenantId);
      else this.queues.delete(tenantId);
    }
  }
}

/** One turn of the event loop (its I/O phase included). */
function gatherTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
