import { Consumer, ConsumerMessages, DeliverPolicy, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { StoredEvent } from '../event-store.port';
import { OrderedDelivery, backoffMs } from '../ordered-delivery';

export interface JetStreamSubscriptionSource {
  js: JetStreamClient;
  streamName: string;
  decode(msg: JsMsg): StoredEvent;
}

/**
 * Follows one tenant stream with an ordered consumer from a start sequence, one event at a time.
 * It waits (polling) for a stream that does not exist yet, re-creates the consumer after a failure
 * from the next undelivered sequence, and retries a handler that throws with backoff (the same
 * event again: delivery is in order and never skips).
 */
export class JetStreamSubscription extends OrderedDelivery {
  private consumer?: Consumer;
  private messages?: ConsumerMessages;
  private readonly loop: Promise<void>;

  constructor(
    private readonly source: JetStreamSubscriptionSource,
    from: number,
    handler: (event: StoredEvent) => Promise<void>,
  ) {
    super(from, handler);
    this.loop = this.run();
  }

  async close(): Promise<void> {
    if (this.closed) return this.loop;
    this.closed = true;
    this.wake();
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
        }
      } catch {
        // stream not created yet, NATS unreachable or the consumer lost: retry from `next` below
      }
      await this.consumer?.delete().catch(() => undefined);
      this.consumer = undefined;
      await this.sleep(backoffMs(failures++));
    }
  }
}
