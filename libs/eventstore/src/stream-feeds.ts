import type { EventStore, StoredEvent, Subscription } from './event-store.port';

export interface StreamFeedsOptions {
  store: EventStore;
  /** Called when a stream's feed received events (its reader marks the stream dirty). */
  onEvents: (stream: string) => void;
  /** Events buffered per stream before the subscription waits for its reader (default 2,000). */
  maxBuffered?: number;
  /** A feed that delivered nothing and was not read for this long is closed (default 5 min). */
  idleCloseMs?: number;
}

interface Feed {
  subscription: Promise<Subscription>;
  /** Delivered events not yet known to be applied, in stream order. */
  buffer: StoredEvent[];
  /** Events below this sequence are applied: dropped on arrival. */
  floor: number;
  /** The subscription waits here while the buffer is full. */
  resume: (() => void) | null;
  usedAt: number;
}

/**
 * Reads for a follower of many streams (the projector, the execution consumer) from one long-lived
 * subscription per stream (JetStream: an ordered consumer pushing every append once) instead of a
 * new read per batch (stream info, then a consumer or one request per event). `read` answers from the buffer: the events from `from` that arrived.
 * A read from before the buffer (a rebuild reset the checkpoint) starts the feed again from there.
 * Each feed buffers at most `maxBuffered` events; then the subscription waits for reads to catch up.
 */
export class StreamFeeds {
  private readonly feeds = new Map<string, Feed>();
  private readonly maxBuffered: number;
  private readonly idleCloseMs: number;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: StreamFeedsOptions) {
    this.maxBuffered = options.maxBuffered ?? 2_000;
    this.idleCloseMs = options.idleCloseMs ?? 300_000;
  }

  /** The buffered events of `stream` from `from` on (at most `limit`), starting its feed if needed. */
  async read(stream: string, from: number, limit: number): Promise<StoredEvent[]> {
    let feed = this.feeds.get(stream);
    if (feed && from < feed.floor) {
      this.close(stream, feed);
      feed = undefined;
    }
    if (!feed) feed = this.open(stream, from);
    feed.usedAt = Date.now();
    feed.floor = from;
    let drop = 0;
    while (drop < feed.buffer.length && feed.buffer[drop]!.sequence < from) drop++;
    if (drop > 0) feed.buffer.splice(0, drop);
    if (feed.resume && feed.buffer.length < this.maxBuffered / 2) {
      const resume = feed.resume;
      feed.resume = null;
      resume();
    }
    await feed.subscription; // a failure to subscribe is retried inside; this only waits for the start
    return feed.buffer.slice(0, limit);
  }

  /** Closes every feed. */
  async closeAll(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    const all = [...this.feeds.entries()];
    await Promise.all(all.map(([stream, feed]) => this.close(stream, feed)));
  }

  /** Streams with an open feed (status and tests). */
  openStreams(): string[] {
    return [...this.feeds.keys()];
  }

  private open(stream: string, from: number): Feed {
    const feed: Feed = { subscription: null as unknown as Promise<Subscription>, buffer: [], floor: from, resume: null, usedAt: Date.now() };
    feed.subscription = this.options.store.subscribe(stream, from, async (event) => {
      if (event.sequence < feed.floor) return;
      feed.buffer.push(event);
      feed.usedAt = Date.now();
      this.options.onEvents(stream);
      if (feed.buffer.length >= this.maxBuffered) await new Promise<void>((resolve) => (feed.resume = resolve));
    });
    this.feeds.set(stream, feed);
    if (!this.sweepTimer) {
      this.sweepTimer = setInterval(() => this.sweep(), Math.min(this.idleCloseMs, 60_000));
      this.sweepTimer.unref();
    }
    return feed;
  }

  private async close(stream: string, feed: Feed): Promise<void> {
    if (this.feeds.get(stream) === feed) this.feeds.delete(stream);
    const resume = feed.resume;
    feed.resume = null;
    resume?.();
    await (await feed.subscription.catch(() => null))?.close();
  }

  private sweep(): void {
    const idleSince = Date.now() - this.idleCloseMs;
    for (const [stream, feed] of this.feeds) {
      if (feed.usedAt < idleSince && feed.buffer.length === 0) void this.close(stream, feed);
    }
  }
}
