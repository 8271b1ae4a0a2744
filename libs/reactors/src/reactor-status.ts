/** Health of a reactor (STYLE.md §9): dashboards, metrics and `/health/ready` read this, not logs. */
export type ReactorState = 'NOT_READY' | 'OK' | 'WARN' | 'ERROR';

export interface ReactorStatus {
  reactor: string;
  state: ReactorState;
  message: string;
  /** True while this instance holds the reactor's lease (runs it); false on a standby instance. */
  leased: boolean;
  /** Events in the streams this instance knows of and the reactor has not handled yet (0 on a standby). */
  lagEvents: number;
  /** Events and timers parked after their tries, all streams (counted at the last poll). */
  deadLetters: number;
  /** Failed tries (events, batches and timers) since this instance started. */
  retries: number;
  /** Durable timers waiting to fire (counted at the last poll). */
  timersPending: number;
  /** Streams followed. */
  streams: number;
}

/** One stream of one reactor as the host follows it. */
export interface ReactorCursor {
  /** Last sequence handled (the checkpoint). */
  position: number;
  /** Last sequence known to be in the stream. */
  head: number;
  /** Consecutive failed tries of the next event (or batch). */
  attempts: number;
  retryAt: number;
  problem: string | null;
  /**
   * The position moved past events of other types only, and is not stored yet (epoch ms when it
   * will be, 0 when the stored checkpoint is the position). Losing it costs nothing: those events
   * are skipped again.
   */
  unsavedSince?: number;
}

export interface ReactorView {
  name: string;
  running: boolean;
  /** A lease answer (held or not) came back at least once. */
  ready: boolean;
  leased: boolean;
  leaseError: string | null;
  pollError: string | null;
  /** True when a failing event is retried forever (never parked): a failure is then an ERROR. */
  neverParks: boolean;
  cursors: ReadonlyMap<string, ReactorCursor>;
  deadLetters: number;
  retries: number;
  timersPending: number;
  /** A timer that failed and waits for its next try, with its reason. */
  timerProblem: { key: string; message: string } | null;
}

export function summariseReactor(v: ReactorView): ReactorStatus {
  let lagEvents = 0;
  let failing: [string, ReactorCursor] | null = null;
  for (const [stream, c] of v.cursors) {
    lagEvents += Math.max(0, c.head - c.position);
    if (c.problem && !failing) failing = [stream, c];
  }
  const base = { reactor: v.name, leased: v.leased, lagEvents: v.leased ? lagEvents : 0, deadLetters: v.deadLetters, retries: v.retries, timersPending: v.timersPending, streams: v.cursors.size };
  if (!v.running) return { ...base, state: 'NOT_READY', message: `Reactor ${v.name} is not running.` };
  if (!v.ready) return { ...base, state: 'NOT_READY', message: `Reactor ${v.name}: waiting for its lease${v.leaseError ? `: ${v.leaseError}` : '.'}` };
  if (!v.leased) {
    if (v.leaseError) return { ...base, state: 'WARN', message: `Reactor ${v.name}: cannot take its lease: ${v.leaseError}` };
    return { ...base, state: 'OK', message: `Reactor ${v.name}: standby, another instance holds the lease.` };
  }
  const parked = v.deadLetters > 0 ? `; ${v.deadLetters} event(s) or timer(s) parked as dead letters` : '';
  if (failing) {
    const [stream, c] = failing;
    const state = v.neverParks ? 'ERROR' : 'WARN';
    return { ...base, state, message: `Reactor ${v.name}: ${stream} at ${c.position + 1} failed ${c.attempts} time(s): ${c.problem}${parked}` };
  }
  if (v.timerProblem) return { ...base, state: 'WARN', message: `Reactor ${v.name}: retrying timer ${v.timerProblem.key}: ${v.timerProblem.message}${parked}` };
  if (v.leaseError) return { ...base, state: 'WARN', message: `Reactor ${v.name}: cannot renew its lease: ${v.leaseError}${parked}` };
  if (v.pollError) return { ...base, state: 'WARN', message: `Reactor ${v.name}: cannot list streams: ${v.pollError}${parked}` };
  if (parked) return { ...base, state: 'WARN', message: `Reactor ${v.name}${parked}.` };
  return { ...base, state: 'OK', message: `Reactor ${v.name}: following ${v.cursors.size} stream(s), ${base.lagEvents} event(s) behind, ${v.timersPending} timer(s) pending.` };
}
