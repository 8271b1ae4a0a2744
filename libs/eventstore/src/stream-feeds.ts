import type { EventStore, StoredEvent, Subscription } from './event-store.port';

export interface StreamFeedsOptions {
  store: EventStore;
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
  /** Each reader's last `from` and when it read: the floor is the lowest of the active ones. */
  readers: Map<string, { from: number; at: number }>;
}

/** A reader that has not read a stream for this long no longer holds its buffer back. */
const READER_IDLE_MS = 10_000;

/**
 * Reads for a follower of many streams (the projector, the execution consumer) from one long-lived
 * subscription per stream (JetStream: an ordered consumer pushing every append once) instead of a
 * new read per batch (stream info, then a consumer or one request per event). `read` answers from the buffer: the events from `from` that arrived.
 * A read from before the buffer (a rebuild reset the checkpoint) starts the feed again from there.
 * Each feed buffers at most `maxBuffered` events; then the subscription waits for reads to catch up.
 *
 * Several readers of one process (the projector and the reactor host) share the feeds, so each
 * event is received and decoded once per process: each read names its reader, and the buffer keeps
 * what the slowest active reader still needs. A reader behind what was dropped while others read on
 * (one that just started, or rewound) reads the store itself until it is back within the buffer.
 */
export class StreamFeeds {
  private readonly feeds = new Map<string, Feed>();
  private readonly maxBuffered: number;
  private readonly idleCloseMs: number;
  private sweepTimer: NodeJS.Timeout | null = null;

  private readonly listeners = new Set<(stream: string) => void>();

  constructor(private readonly options: StreamFeedsOptions) {
    this.maxBuffered = options.maxBuffered ?? 2_000;
    this.idleCloseMs = options.idleCloseMs ?? 300_000;
  }

  /** Calls `listener` whenever a feed received events; returns the way to stop. */
  listen(listener: (stream: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets `reader`'s positions (it stopped): it no longer holds any buffer back. */
  release(reader: string): void {
    for (const feed of this.feeds.values()) feed.readers.delete(reader);
  }

  /**
   * The buffered events of `stream` from `from` on (at most `limit`) for `reader`, starting its feed
   * if needed.
   */
  async read(stream: string, from: number, limit: number, reader = 'default'): Promise<StoredEvent[]> {
    let feed = this.feeds.get(stream);
    const now = Date.now();
    if (feed && from < feed.floor) {
      const others = [...feed.readers].some(([name, r]) => name !== reader && now - r.at < READER_IDLE_MS);
      if (others) {
        feed.readers.delete(reader);
        return this.options.store.read(stream, { from, limit });
      }
      void this.close(stream, feed);
      feed = undefined;
    }
    if (!feed) feed = this.open(stream, from);
    feed.usedAt = now;
    feed.readers.set(reader, { from, at: now });
    let floor = from;
    for (const [name, r] of feed.readers) {
      if (now - r.at >= READER_IDLE_MS) feed.readers.delete(name);
      else floor = Math.min(floor, r.from);
    }
    feed.floor = floor;
    let drop = 0;
    while (drop < feed.buffer.length && feed.buffer[drop]!.sequence < floor) drop++;
    if (drop > 0) feed.buffer.splice(0, drop);
    if (feed.resume && feed.buffer.length < this.maxBuffered / 2) {
      const resume = feed.resume;
      feed.resume = null;
      resume();
    }
    await feed.subscription; // a failure to subscribe is retried inside; this only waits for the start
    let start = 0;
    while (start < feed.buffer.length && feed.buffer[start]!.sequence < from) start++;
    return feed.buffer.slice(start, start + limit);
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
    const feed: Feed = { subscription: null as unknown as Promise<Subscription>, buffer: [], floor: from, resume: null, usedAt: Date.now(), readers: new Map() };
    feed.subscription = this.options.store.subscribe(stream, from, async (event) => {
      if (event.sequence < feed.floor) return;
      feed.buffer.push(event);
      feed.usedAt = Date.now();
      for (const listener of this.listeners) listener(stream);
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

/**
 * One follower's hold on feeds (the projector, the reactor host): the feeds shared in its process,
 * read under its name and released when it stops, or its own, closed when it stops.
 */
export class FeedReader {
  private unlisten: (() => void) | null = null;

  private constructor(
    private readonly feeds: StreamFeeds,
    private readonly owned: boolean,
    private readonly name: string,
  ) {}

  /** `shared` read as `name`; else its own feeds when it follows by `subscribe`; else null (it reads the store). */
  static of(store: EventStore, name: string, shared: StreamFeeds | undefined, follow: 'read' | 'subscribe' | undefined): FeedReader | null {
    if (shared) return new FeedReader(shared, false, name);
    return follow === 'subscribe' ? new FeedReader(new StreamFeeds({ store }), true, name) : null;
  }

  /** Calls `onEvents(stream)` whenever a feed received events, until `stop`. */
  start(onEvents: (stream: string) => void): void {
    this.unlisten?.();
    this.unlisten = this.feeds.listen(onEvents);
  }

  read(stream: string, from: number, limit: number): Promise<StoredEvent[]> {
    return this.feeds.read(stream, from, limit, this.name);
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    this.unlisten = null;
    if (this.owned) await this.feeds.closeAll();
    else this.feeds.release(this.name);
  }
}
