/**
 * The event store port. One stream per tenant (in one region); the stream's sequence is the
 * tenant's chain order. Adapters: `jetstream/` (NATS JetStream) and `embedded/` (a Postgres or
 * PGlite table). Both MUST pass `runEventStoreContract`.
 *
 * Events are opaque JSON to the store: signing and chaining happen above it (libs/ledger).
 */

/** An event to append. `id` is globally unique and doubles as the deduplication key. */
export interface EventToAppend {
  /** Unique id; a second append of the same id MUST NOT create a second event. */
  readonly id: string;
  /** Event type, e.g. `action.requested`. */
  readonly type: string;
  /**
   * Aggregate key inside the tenant stream, `<aggregateType>.<aggregateId>`, e.g. `action.act_ab12`.
   * Only `[A-Za-z0-9_-]` segments separated by one dot.
   */
  readonly subject: string;
  /** JSON-serialisable payload (the signed record). */
  readonly data: Readonly<Record<string, unknown>>;
}

/** An event as stored: what was appended plus where it landed. */
export interface StoredEvent extends EventToAppend {
  /** The stream (tenant id) it belongs to. */
  readonly stream: string;
  /** 1-based, gapless position in the stream. */
  readonly sequence: number;
}

export interface AppendOptions {
  /**
   * The sequence of the last event the writer believes is in the stream (0 = empty stream).
   * The append MUST fail with `ConcurrencyError` when the stream's head differs, and then MUST
   * write nothing (the embedded adapter) or nothing after the first rejected event (JetStream,
   * whose appends are pipelined one message at a time).
   */
  readonly expectedVersion: number;
}

export interface AppendResult {
  /** Sequence of the first event of this call (its original position when it was a duplicate). */
  readonly firstSequence: number;
  /** Sequence of the last event; this is the stream head after a successful append. */
  readonly lastSequence: number;
  /** Per event: true when this very event (id and data) was already stored, so nothing new was written for it. */
  readonly duplicates: readonly boolean[];
}

export interface StreamHead {
  /** 0 for an empty or unknown stream. */
  readonly sequence: number;
  /** The event at `sequence`, or null for an empty stream. */
  readonly last: StoredEvent | null;
}

export interface ReadOptions {
  /** First sequence to return (inclusive, default 1). */
  readonly from?: number;
  /** Maximum events to return (default 1000). */
  readonly limit?: number;
  /**
   * Only events of these types; the others are skipped (a reactor that handles few of them). With
   * a filter the answer has gaps: a read that returns fewer than `limit` events looked at every
   * event up to `to`.
   */
  readonly types?: readonly string[];
  /** Last sequence to look at (inclusive; default: the head). */
  readonly to?: number;
}

/** A live subscription; `close()` ends it and resolves when the handler is no longer called. */
export interface Subscription {
  close(): Promise<void>;
}

export interface EventStore {
  /**
   * Appends `events` in order at `expectedVersion + 1 …`.
   * MUST reject with `ConcurrencyError` when the head is not `expectedVersion`.
   * MUST treat an event whose id is already stored with exactly the same data as a duplicate: it
   * reports the original sequence and writes nothing new (a retried append is safe).
   * MUST NOT report an event stored under the same id with other data as a duplicate (it is another
   * writer's event, not this one): with a stale `expectedVersion` such an append rejects with
   * `ConcurrencyError` and stores nothing of the call.
   * MUST create the stream on first use.
   * MUST reject with `DependencyUnavailableError` when the backend cannot be reached.
   */
  append(stream: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult>;

  /** Returns events in sequence order from `from`, at most `limit`. An unknown stream MUST read as empty. */
  read(stream: string, options?: ReadOptions): Promise<StoredEvent[]>;

  /** Returns the head of the stream: its last sequence and event. An unknown stream MUST answer sequence 0. */
  head(stream: string): Promise<StreamHead>;

  /** Returns the latest event of one aggregate (`subject`), or null. MUST NOT scan the whole stream. */
  lastBySubject(stream: string, subject: string): Promise<StoredEvent | null>;

  /** Returns the event at `sequence`, or null. */
  get(stream: string, sequence: number): Promise<StoredEvent | null>;

  /** Lists every stream (tenant) this store holds in its region, with its head sequence. */
  listStreams(): Promise<Array<{ stream: string; lastSequence: number }>>;

  /**
   * Delivers every event of `stream` from `from` (inclusive) in order, then new ones as they are
   * appended, calling `handler` one event at a time (the next only after the previous resolved).
   */
  subscribe(stream: string, from: number, handler: (event: StoredEvent) => Promise<void>): Promise<Subscription>;

  /**
   * Registers a wake-up hint: `listener(stream, head?)` is called, best effort, when a stream may have
   * new events (`head`: its new last sequence, when the adapter knows it). A hint is never proof that
   * an event was committed; readers MUST re-read the stream.
   */
  onAppendHint(listener: (stream: string, head?: number) => void): () => void;

  /**
   * Removes the events of `stream` from its first through `throughSequence` (inclusive): retention,
   * once they were archived and a signed receipt carries what the rest needs to verify. MUST leave
   * the head and every later event as they are, MUST refuse to remove the head, and a repeated call
   * is harmless. MUST reject with `PruneNotPermittedError` when the store forbids it (a JetStream
   * stream created with `deny_purge`). Resolves the first sequence still stored.
   */
  prune(stream: string, throughSequence: number): Promise<{ firstSequence: number }>;

  /** The first sequence still stored: 1 unless pruned, 0 for an empty or unknown stream. */
  firstSequence(stream: string): Promise<number>;

  /** Reports whether the backend answers now. */
  ping(): Promise<boolean>;

  close(): Promise<void>;
}
