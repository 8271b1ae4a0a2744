import { Consumer, ConsumerMessages, DeliverPolicy, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { StoredEvent, Subscription } from '../event-store.port';

export interface JetStreamSubscriptionSource {
  js: JetStreamClient;
  streamName: string;
  decode(msg: JsMsg): StoredEvent;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;

/**
 * Follows one tenant stream with an ordered consumer from a start sequence, one event at a time.
 * It waits (polling) for a stream that does not exist yet, re-creates the consumer after a failure
 * from the next undelivered sequence, and retries a handler that throws with backoff (the same
 * event again: delivery is in order and never skips).
 */
export class JetStreamSubscription implements Subscription {
  private closed = false;
  private next: number;
  private consumer?: Consumer;
  private messages?: ConsumerMessages;
  private readonly loop: Promise<void>;
  private wakeSleep?: () => void;

  constructor(
    private readonly source: JetStreamSubscriptionSource,
    from: number,
    private readonly handler: (event: StoredEvent) => Promise<void>,
  ) {
    this.next = Math.max(1, from);
    this.loop = this.run();
  }

  async close(): Promise<void> {
    if (this.closed) return this.loop;
    this.closed = true;
    this.wakeSleep?.();
    await this.messages?.close().catch(() => undefined);
    await this.loop;
    await this.consumer?.delete().catch(() => undefined);
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.closed; ) {
      try {
        this.consumer = await this.source.js.consumers.get(this.source.streamName, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: this.next,
        });
        if (this.closed) return;
        this.messages = await this.consumer.consume({ max_messages: 256 });
        if (this.closed) return;
        failures = 0;
        for await (const msg of this.messages) {
          if (this.closed) return;
          const event = this.source.decode(msg);
          if (event.sequence < this.next) continue;
          if (!(await this.deliver(event))) return;
          this.next = event.sequence + 1;
        }
      } catch {
        // stream not created yet, NATS unreachable or the consumer lost: retry from `next` below
      }
      await this.consumer?.delete().catch(() => undefined);
      this.consumer = undefined;
      await this.sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** failures++));
    }
  }

  private async deliver(event: StoredEvent): Promise<boolean> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.handler(event);
        return true;
      } catch {
        await this.sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt));
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
      this.wakeSleep = done;
    });
  }
}
