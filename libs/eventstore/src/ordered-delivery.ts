import type { StoredEvent, Subscription } from './event-store.port';
import { WakeableSleep } from './wakeable-sleep';

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;

/** Exponential backoff for subscription retries: 100 ms doubling up to 2 s. */
export function backoffMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
}

/**
 * What every adapter's subscription shares: in-order delivery from `next`, a handler that throws is
 * retried with backoff on the same event (never skipped), and sleeps that `close()` or a hint can cut short.
 */
export abstract class OrderedDelivery implements Subscription {
  protected closed = false;
  protected next: number;
  private readonly alarm = new WakeableSleep();

  protected constructor(
    from: number,
    private readonly handler: (event: StoredEvent) => Promise<void>,
  ) {
    this.next = Math.max(1, from);
  }

  abstract close(): Promise<void>;

  /** Ends the current sleep early (close, or a hint that new events exist). */
  protected wake(): void {
    this.alarm.wake();
  }

  /** Delivers one event, retrying until it succeeds; false when closed first. Advances `next`. */
  protected async deliver(event: StoredEvent): Promise<boolean> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.handler(event);
        this.next = event.sequence + 1;
        return true;
      } catch {
        await this.sleep(backoffMs(attempt));
      }
    }
    return false;
  }

  protected sleep(ms: number): Promise<void> {
    return this.closed ? Promise.resolve() : this.alarm.sleep(ms);
  }
}

/** The open subscriptions of one store, closed together with it. */
export class SubscriptionSet {
  private readonly open = new Set<Subscription>();

  /** Tracks `sub` and returns the handle given to the caller (closing it untracks it). */
  track(sub: Subscription): Subscription {
    this.open.add(sub);
    return {
      close: async () => {
        this.open.delete(sub);
        await sub.close();
      },
    };
  }

  async closeAll(): Promise<void> {
    const all = [...this.open];
    this.open.clear();
    await Promise.all(all.map((s) => s.close()));
  }
}
