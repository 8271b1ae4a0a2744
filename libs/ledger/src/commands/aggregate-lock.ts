/**
 * Runs commands one at a time per aggregate key, in arrival order. The chain writer group-commits
 * every queued build of a tenant in one append, each built on the state before the append: two
 * commands on the same approval (or the same approver's step-up factor) in one group would both
 * decide on the same snapshot. Holding the aggregate's key until the write resolves keeps them in
 * separate groups in this process; across processes the writer's expected-head check makes the
 * loser rebuild on fresh state.
 */
export class AggregateLock {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `fn` once every earlier holder of any of `keys` is done. Keys are registered all at once,
   * so a holder only ever waits for earlier holders: no deadlock whatever the key order.
   */
  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const earlier = unique.map((k) => this.tails.get(k)).filter((p): p is Promise<void> => p !== undefined);
    for (const k of unique) this.tails.set(k, done);
    try {
      await Promise.all(earlier);
      return await fn();
    } finally {
      release();
      for (const k of unique) if (this.tails.get(k) === done) this.tails.delete(k);
    }
  }
}

const locks = new WeakMap<object, AggregateLock>();

/** The lock shared by every command that writes through `writer` in this process. */
export function aggregateLockOf(writer: object): AggregateLock {
  let lock = locks.get(writer);
  if (!lock) {
    lock = new AggregateLock();
    locks.set(writer, lock);
  }
  return lock;
}

/** The lock key of a tenant's aggregate subject. */
export const aggregateKey = (tenantId: string, subject: string) => `${tenantId}\u0000${subject}`;
