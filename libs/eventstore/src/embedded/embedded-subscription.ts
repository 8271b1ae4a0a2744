import { ReadOptions, StoredEvent } from '../event-store.port';
import { OrderedDelivery, backoffMs } from '../ordered-delivery';

export interface EmbeddedSubscriptionSource {
  read(stream: string, options: ReadOptions): Promise<StoredEvent[]>;
  /** Registers a wake-up for new events of any stream; returns the unregister function. */
  onAppendHint(listener: (stream: string) => void): () => void;
}

const BATCH = 256;
/** Fallback poll so appends of other processes (sharing the database) are seen without a hint. */
const POLL_MS = 1_000;

/**
 * Follows one stream of the embedded store: reads from `from` in batches, then sleeps until an
 * in-process hint for the stream or the poll interval. A handler that throws is retried with
 * backoff on the same event (delivery is in order and never skips).
 */
export class EmbeddedSubscription extends OrderedDelivery {
  private hinted = false;
  private readonly unregister: () => void;
  private readonly loop: Promise<void>;

  constructor(
    private readonly source: EmbeddedSubscriptionSource,
    private readonly stream: string,
    from: number,
    handler: (event: StoredEvent) => Promise<void>,
  ) {
    super(from, handler);
    this.unregister = source.onAppendHint((s) => {
      if (s !== this.stream) return;
      this.hinted = true;
      this.wake();
    });
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unregister();
    this.wake();
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
        await this.sleep(backoffMs(failures++));
        continue;
      }
      for (const event of batch) {
        if (!(await this.deliver(event))) return;
      }
      if (batch.length < BATCH && !this.hinted) await this.sleep(POLL_MS);
    }
  }
}
