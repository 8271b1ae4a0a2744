import type { Receipt } from '@oars/receipts';

/** An HTTP execution's recorded outcome, as `POST /v1/actions` may wait for it. */
export interface RecordedOutcome {
  /** The `action.executed` or `action.failed` receipt. */
  receipt: Receipt;
  /** The connector's answer (executed only); it is never stored, so only the process that called has it. */
  output: Record<string, unknown> | null;
}

/** In-process waiters for outcomes, keyed by tenant and action; every wait is bounded. */
export class OutcomeWaiters {
  private readonly waiting = new Map<string, Array<(outcome: RecordedOutcome | null) => void>>();

  /** Resolves with the outcome once recorded here, or null after `timeoutMs` (or on `cancelAll`). */
  wait(key: string, timeoutMs: number): Promise<RecordedOutcome | null> {
    return new Promise((resolve) => {
      const list = this.waiting.get(key) ?? [];
      this.waiting.set(key, list);
      const waiter = (outcome: RecordedOutcome | null) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        const rest = (this.waiting.get(key) ?? []).filter((w) => w !== waiter);
        if (rest.length > 0) this.waiting.set(key, rest);
        else this.waiting.delete(key);
        resolve(null);
      }, timeoutMs);
      timer.unref?.();
      list.push(waiter);
    });
  }

  resolve(key: string, outcome: RecordedOutcome): void {
    const list = this.waiting.get(key);
    this.waiting.delete(key);
    list?.forEach((w) => w(outcome));
  }

  cancelAll(): void {
    const all = [...this.waiting.values()].flat();
    this.waiting.clear();
    all.forEach((w) => w(null));
  }
}
