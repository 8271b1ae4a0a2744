import type { StoredEvent } from '@oars/eventstore';

/**
 * A durable reactor: one reaction to the events of every tenant stream (connector execution,
 * approval timers, alert delivery, ...). A `ReactorHost` runs it: it follows the streams from the
 * reactor's own checkpoint, holds a lease so one instance runs it, retries with backoff, parks
 * poison events and timers, and fires its durable timers. Delivery is at least once: `handle` and
 * `onTimer` MUST be idempotent (a crash between the effect and the checkpoint repeats the event).
 *
 * Keep the decision a pure function of the event and the state (libs/domain); a reactor only wires
 * it to its effects.
 */
export interface Reactor {
  /** Unique and stable: it keys the checkpoints, the lease, the timers and the dead letters. */
  readonly name: string;
  /**
   * Handles one event of `ctx.stream`, in stream order (the next only after this one resolved). A
   * throw retries it with backoff; after `maxAttempts` it is parked and the stream goes on.
   */
  handle?(event: StoredEvent, ctx: ReactorContext): Promise<void>;
  /**
   * Handles a batch of consecutive events of `ctx.stream` at once, instead of `handle` (e.g. a
   * verifier with state carried from one event to the next). It returns the sequence it handled up
   * to (at most the last event's; the position before the first when it got nothing done, and the
   * batch is then offered again); a throw retries the batch with backoff.
   */
  handleBatch?(events: readonly StoredEvent[], ctx: ReactorContext): Promise<number>;
  /** A durable timer of this reactor is due. A throw retries it with backoff, then parks it. */
  onTimer?(timer: FiredTimer, ctx: ReactorContext): Promise<void>;
  /**
   * Epoch ms before which the host starts no batch of this reactor on `stream` (a rate limit, or a
   * pause so appends coalesce into bigger batches); timers are not held.
   */
  readyAt?(stream: string): number;
  /**
   * For a reactor that keeps its position with its own state (saved in the same transaction): the
   * positions per stream to start from when this instance takes the lease. The host then never saves
   * a checkpoint for it (`reactor_checkpoints` stays empty for it).
   */
  loadPositions?(): Promise<ReadonlyMap<string, number>>;
  /**
   * The event types it handles (default: all). The others never reach it, and the host may skip
   * reading them at all (the embedded store filters in SQL), up to the stream head it knows.
   */
  readonly eventTypes?: readonly string[];
  /** Tries of one event or timer before it is parked as a dead letter (default 5; Infinity: never park). */
  readonly maxAttempts?: number;
  /** Timers of this reactor running at the same time (default 16): each timer is its own task. */
  readonly timerConcurrency?: number;
  /** Upper bound of the retry delay (default 30 s). */
  readonly maxBackoffMs?: number;
  /** First retry delay, doubled per try (default 250 ms). */
  readonly firstBackoffMs?: number;
}

/** What a handler may do besides its own effects: set and cancel durable timers of its stream. */
export interface ReactorContext {
  readonly stream: string;
  /** Aborted when the host stops or loses the lease: a long call should give up. */
  readonly signal: AbortSignal;
  /**
   * Wakes the reactor at `dueAt` for `key` (one timer per key and stream; setting it again replaces
   * it). Stored in SQL: it survives restarts, and fires at least once, after `dueAt`.
   */
  setTimer(key: string, dueAt: Date | number, payload?: unknown): Promise<void>;
  /** Removes the timer of `key` (nothing when there is none). */
  cancelTimer(key: string): Promise<void>;
}

/** A due timer, as `onTimer` receives it. */
export interface FiredTimer {
  readonly stream: string;
  readonly key: string;
  readonly dueAt: Date;
  readonly payload: unknown;
  /** Earlier failed tries of this timer (0 on the first). */
  readonly attempts: number;
}
