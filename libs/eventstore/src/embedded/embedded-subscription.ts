import { ReadOptions, StoredEvent, Subscription } from '../event-store.port';

export interface EmbeddedSubscriptionSource {
  read(stream: string, options: ReadOptions): Promise<StoredEvent[]>;
  /** Registers a wake-up for new events of any stream; returns the unregister function. */
  onAppendHint(listener: (stream: string) => void): () => void;
}

const BATCH = 256;
/** Fallback poll so appends of other processes (sharing the database) are seen without a hint. */
const POLL_MS = 1_000;
const RETRY_MAX_MS = 2_000;

/**
 * Follows one stream of the embedded store: reads from `from` in batches, then sleeps until an
 * in-process hint for the stream or the poll interval. A handler that throws is retried with
 * backoff on the same event (delivery is in order and never skips).
 */
export class EmbeddedSubscription implements Subscription {
  private closed = false;
  private next: number;
  private hinted = false;
  private wake?: () => void;
  private readonly unregister: () => void;
  private readonly loop: Promise<void>;

  constructor(
    private readonly source: EmbeddedSubscriptionSource,
    private readonly stream: string,
    from: number,
    private readonly handler: (event: StoredEvent) => Promise<void>,
  ) {
    this.next = Math.max(1, from);
    this.unregister = source.onAppendHint((s) => {
      if (s !== this.stream) return;
      this.hinted = true;
      this.wake?.();
    });
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unregister();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.closed) {
      let batch: StoredEvent[];
      this.hinted = false;
      try {
        batch = await this.source.read(this.stream, { from: this.next, limit: BATCH });
        failures = 0;
      } catch {
        await this.sleep(Math.min(RETRY_MAX_MS, 100 * 2 ** failures++));
        continue;
      }
      for (const event of batch) {
        if (!(await this.deliver(event))) return;
        this.next = event.sequence + 1;
      }
      if (batch.length < BATCH && !this.hinted) await this.sleep(POLL_MS);
    }
  }

  private async deliver(event: StoredEvent): Promise<boolean> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.handler(event);
        return true;
      } catch {
        await this.sleep(Math.min(RETRY_MAX_MS, 100 * 2 ** attempt));
      }
    }
    return false;
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
