import {
  AppendOptions,
  AppendResult,
  ConcurrencyError,
  EventStore,
  EventToAppend,
  ReadOptions,
  StoredEvent,
  StreamHead,
  Subscription,
} from '@oars/eventstore';

/**
 * An in-memory `EventStore` for unit tests of code above the port. Integration tests use the real
 * adapters (embedded or JetStream), never this. Hints are delivered on a microtask after the append.
 */
export class MemoryEventStore implements EventStore {
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly ids = new Map<string, StoredEvent>();
  private readonly hintListeners = new Set<(stream: string) => void>();
  private readonly appendListeners = new Set<() => void>();

  async append(stream: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const log = this.streams.get(stream) ?? [];
    const fresh = events.filter((e) => !this.ids.has(e.id));
    if (fresh.length > 0 && log.length !== options.expectedVersion) {
      throw new ConcurrencyError(stream, options.expectedVersion, log.length);
    }
    const stored = events.map((e) => {
      const existing = this.ids.get(e.id);
      if (existing) return { event: existing, duplicate: true };
      const event: StoredEvent = { ...e, stream, sequence: log.length + 1 };
      log.push(event);
      this.ids.set(e.id, event);
      return { event, duplicate: false };
    });
    this.streams.set(stream, log);
    if (fresh.length > 0) {
      queueMicrotask(() => {
        this.hintListeners.forEach((l) => l(stream));
        this.appendListeners.forEach((l) => l());
      });
    }
    return {
      firstSequence: stored[0]?.event.sequence ?? log.length,
      lastSequence: stored.length > 0 ? Math.max(...stored.map((s) => s.event.sequence)) : log.length,
      duplicates: stored.map((s) => s.duplicate),
    };
  }

  async read(stream: string, options: ReadOptions = {}): Promise<StoredEvent[]> {
    const from = Math.max(1, options.from ?? 1);
    const limit = options.limit ?? 1000;
    return (this.streams.get(stream) ?? []).slice(from - 1, from - 1 + limit);
  }

  async head(stream: string): Promise<StreamHead> {
    const log = this.streams.get(stream) ?? [];
    return { sequence: log.length, last: log[log.length - 1] ?? null };
  }

  async lastBySubject(stream: string, subject: string): Promise<StoredEvent | null> {
    const log = this.streams.get(stream) ?? [];
    for (let i = log.length - 1; i >= 0; i--) if (log[i].subject === subject) return log[i];
    return null;
  }

  async get(stream: string, sequence: number): Promise<StoredEvent | null> {
    return this.streams.get(stream)?.[sequence - 1] ?? null;
  }

  async listStreams(): Promise<Array<{ stream: string; lastSequence: number }>> {
    return [...this.streams].map(([stream, log]) => ({ stream, lastSequence: log.length }));
  }

  async subscribe(stream: string, from: number, handler: (event: StoredEvent) => Promise<void>): Promise<Subscription> {
    let next = Math.max(1, from);
    let open = true;
    let wake: () => void = () => undefined;
    const listener = () => wake();
    this.appendListeners.add(listener);
    const pump = (async () => {
      while (open) {
        const event = this.streams.get(stream)?.[next - 1];
        if (event) {
          await handler(event);
          next++;
        } else {
          await new Promise<void>((resolve) => (wake = resolve));
        }
      }
    })();
    return {
      close: async () => {
        open = false;
        this.appendListeners.delete(listener);
        wake();
        await pump;
      },
    };
  }

  onAppendHint(listener: (stream: string) => void): () => void {
    this.hintListeners.add(listener);
    return () => this.hintListeners.delete(listener);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.hintListeners.clear();
  }
}
