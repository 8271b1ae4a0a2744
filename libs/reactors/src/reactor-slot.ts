import type { SqlClient } from '@oars/db';
import type { Reactor, ReactorContext } from './reactor';
import type { ReactorCursor, ReactorStatus } from './reactor-status';
import { summariseReactor } from './reactor-status';
import { cancelTimer, setTimer } from './reactor-timers.store';

/** One reactor registered in a host: its lease, its cursors per stream and its timers. */
export class ReactorSlot {
  leased = false;
  ready = false;
  leaseError: string | null = null;
  /** Until when the last renewal makes the lease valid by this instance's clock (a margin under the database's). */
  validUntil = 0;
  renewedAt = 0;
  cursors = new Map<string, ReactorCursor>();
  /** Streams that may have events for this reactor. */
  readonly dirty = new Set<string>();
  /** An event step (one stream's batch) is in flight: one at a time per reactor. */
  busy = false;
  abort = new AbortController();
  readonly runningTimers = new Set<string>();
  /** A look for due timers is in flight. */
  scanningTimers = false;
  /** The earliest due time known (epoch ms), or null: no timer. */
  nextTimerAt: number | null = null;
  timersPending = 0;
  /** Grows with every timer set here: a look for due timers that overlapped one looks again. */
  timersSet = 0;
  timerProblem: { key: string; message: string } | null = null;
  deadLetters = 0;
  retries = 0;
  readonly maxAttempts: number;
  readonly timerConcurrency: number;

  constructor(readonly reactor: Reactor, private readonly sql: SqlClient, private readonly onTimerSet: () => void) {
    this.maxAttempts = Math.max(1, reactor.maxAttempts ?? 5);
    this.timerConcurrency = Math.max(1, reactor.timerConcurrency ?? 16);
  }

  get name(): string {
    return this.reactor.name;
  }

  cursor(stream: string): ReactorCursor {
    let c = this.cursors.get(stream);
    if (!c) {
      c = { position: 0, head: 0, attempts: 0, retryAt: 0, problem: null };
      this.cursors.set(stream, c);
    }
    return c;
  }

  /** The lease was taken: start from the stored checkpoints (another instance may have moved them). */
  took(checkpoints: ReadonlyMap<string, number>): void {
    this.leased = true;
    this.abort = new AbortController();
    this.cursors = new Map();
    for (const [stream, position] of checkpoints) this.cursor(stream).position = position;
    for (const stream of this.cursors.keys()) this.dirty.add(stream);
    this.nextTimerAt = 0;
  }

  /** The lease is gone (lost or given back): handlers in flight are told to give up. */
  lost(): void {
    this.leased = false;
    this.validUntil = 0;
    this.abort.abort();
    this.dirty.clear();
    this.cursors = new Map();
  }

  backoff(attempts: number): number {
    const first = this.reactor.firstBackoffMs ?? 250;
    return Math.min(this.reactor.maxBackoffMs ?? 30_000, first * 2 ** Math.min(attempts - 1, 20));
  }

  context(stream: string): ReactorContext {
    const signal = this.abort.signal;
    return {
      stream,
      signal,
      setTimer: async (key, dueAt, payload) => {
        const at = dueAt instanceof Date ? dueAt : new Date(dueAt);
        await setTimer(this.sql, this.name, stream, key, at, payload);
        this.timersPending++;
        this.timersSet++;
        if (this.nextTimerAt === null || at.getTime() < this.nextTimerAt) this.nextTimerAt = at.getTime();
        this.onTimerSet();
      },
      cancelTimer: (key) => cancelTimer(this.sql, this.name, stream, key),
    };
  }

  status(running: boolean, pollError: string | null): ReactorStatus {
    return summariseReactor({
      name: this.name, running, ready: this.ready, leased: this.leased, leaseError: this.leaseError, pollError,
      neverParks: !Number.isFinite(this.maxAttempts), cursors: this.cursors, deadLetters: this.deadLetters, retries: this.retries,
      timersPending: this.timersPending, timerProblem: this.timerProblem,
    });
  }
}
