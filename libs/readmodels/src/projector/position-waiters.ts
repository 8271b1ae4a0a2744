interface Waiter {
  sequence: number;
  resolve(reached: boolean): void;
  timer: NodeJS.Timeout;
}

/** Pending read-your-writes waits, per tenant, resolved from the projector's in-memory progress. */
export class PositionWaiters {
  private readonly byTenant = new Map<string, Set<Waiter>>();

  wait(tenant: string, sequence: number, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiters = this.byTenant.get(tenant) ?? new Set<Waiter>();
      this.byTenant.set(tenant, waiters);
      const waiter: Waiter = {
        sequence,
        resolve,
        timer: setTimeout(() => this.settle(tenant, waiter, false), Math.max(0, timeoutMs)),
      };
      waiters.add(waiter);
    });
  }

  /** True while any wait is pending. */
  any(): boolean {
    return this.byTenant.size > 0;
  }

  /** Resolves (true) every wait of `tenant` at or below `position`. */
  reached(tenant: string, position: number): void {
    const waiters = this.byTenant.get(tenant);
    if (!waiters) return;
    for (const waiter of waiters) if (waiter.sequence <= position) this.settle(tenant, waiter, true);
  }

  /** Resolves every pending wait with false (the projector stopped). */
  cancelAll(): void {
    for (const [tenant, waiters] of this.byTenant) for (const waiter of waiters) this.settle(tenant, waiter, false);
  }

  private settle(tenant: string, waiter: Waiter, reached: boolean): void {
    const waiters = this.byTenant.get(tenant);
    if (!waiters?.delete(waiter)) return;
    clearTimeout(waiter.timer);
    if (waiters.size === 0) this.byTenant.delete(tenant);
    waiter.resolve(reached);
  }
}
