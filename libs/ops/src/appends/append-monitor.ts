import {
  type AppendOptions,
  type AppendResult,
  ConcurrencyError,
  type EventStore,
  type EventToAppend,
  type ReadOptions,
  type StoredEvent,
  type StreamHead,
  type Subscription,
} from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { receiptOf } from '@oars/ledger';

/** What one append of the chain writer came to. */
export type AppendOutcome =
  /** Stored: `receipts` are the events of the call (duplicates of a retried append included), `fresh` the new ones. */
  | { ok: true; stream: string; receipts: Receipt[]; fresh: Receipt[]; at: number }
  /** Failed for a reason other than losing a race (a `ConcurrencyError` is retried by the writer and not reported). */
  | { ok: false; stream: string; attempted: number; error: unknown; at: number };

export type AppendListener = (outcome: AppendOutcome) => void;

/**
 * Watches the appends of the chain writer: give `store` (a decorator of the real store) to the
 * writer, and listeners learn every outcome (receipt persistence SLI, decision latency and traffic).
 * Listeners run synchronously after the append settled; one that throws is ignored.
 */
export class AppendMonitor {
  readonly store: EventStore;
  private readonly listeners = new Set<AppendListener>();
  /** Receipts the writer tried to persist, and those stored (cumulative, this process). */
  readonly totals = { attempted: 0, persisted: 0 };

  constructor(inner: EventStore) {
    this.store = new MonitoredEventStore(inner, (o) => this.emit(o));
  }

  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private emit(outcome: AppendOutcome): void {
    this.totals.attempted += outcome.ok ? outcome.receipts.length : outcome.attempted;
    if (outcome.ok) this.totals.persisted += outcome.receipts.length;
    for (const listener of this.listeners) {
      try {
        listener(outcome);
      } catch {
        // a monitoring listener must never fail an append
      }
    }
  }
}

/** The EventStore port with `append` reported; everything else is delegated unchanged. */
class MonitoredEventStore implements EventStore {
  constructor(
    private readonly inner: EventStore,
    private readonly report: (o: AppendOutcome) => void,
  ) {}

  async append(stream: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    let result: AppendResult;
    try {
      result = await this.inner.append(stream, events, options);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) this.report({ ok: false, stream, attempted: events.length, error, at: Date.now() });
      throw error;
    }
    const receipts = events.map((e) => receiptOf(e));
    this.report({ ok: true, stream, receipts, fresh: receipts.filter((_, i) => !result.duplicates[i]), at: Date.now() });
    return result;
  }

  read(stream: string, options?: ReadOptions): Promise<StoredEvent[]> {
    return this.inner.read(stream, options);
  }
  head(stream: string): Promise<StreamHead> {
    return this.inner.head(stream);
  }
  lastBySubject(stream: string, subject: string): Promise<StoredEvent | null> {
    return this.inner.lastBySubject(stream, subject);
  }
  get(stream: string, sequence: number): Promise<StoredEvent | null> {
    return this.inner.get(stream, sequence);
  }
  listStreams(): Promise<Array<{ stream: string; lastSequence: number }>> {
    return this.inner.listStreams();
  }
  subscribe(stream: string, from: number, handler: (event: StoredEvent) => Promise<void>): Promise<Subscription> {
    return this.inner.subscribe(stream, from, handler);
  }
  onAppendHint(listener: (stream: string, head?: number) => void): () => void {
    return this.inner.onAppendHint(listener);
  }
  prune(stream: string, throughSequence: number): Promise<{ firstSequence: number }> {
    return this.inner.prune(stream, throughSequence);
  }
  firstSequence(stream: string): Promise<number> {
    return this.inner.firstSequence(stream);
  }
  ping(): Promise<boolean> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
