import { randomBytes } from 'node:crypto';
import type { SqlClient } from '@oars/db';
import { type EventStore, FeedReader, type StoredEvent, type StreamFeeds, WakeableSleep } from '@oars/eventstore';
import type { Reactor } from './reactor';
import { loadReactorCheckpoints } from './reactor-checkpoints.store';
import { SKIPPED_SAVE_DELAY_MS, type StepEnv, type StepRead, runStreamStep } from './stream-step';
import { countReactorDeadLetters } from './reactor-dead-letters.store';
import { acquireLease, releaseLease } from './reactor-lease.store';
import { ReactorSlot } from './reactor-slot';
import type { ReactorStatus } from './reactor-status';
import { fireDueTimers } from './timer-firing';
import { timerSummary } from './reactor-timers.store';

/** Structured logger (pino's `Logger` fits). */
export interface ReactorLogger {
  /** Routine events (a lease taken); falls back to `info` when the logger has no debug level. */
  debug?(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ReactorHostOptions {
  store: EventStore;
  sql: SqlClient;
  logger?: ReactorLogger;
  /** This instance's lease owner id (default: random). */
  owner?: string;
  /** How often stream heads, leases, timers and dead letters are looked at (default 1000 ms). */
  pollIntervalMs?: number;
  /** A lease lasts this long unless renewed (default 15 s); it is renewed every third of it. */
  leaseMs?: number;
  /** Events read per step (default 500). */
  batchSize?: number;
  /**
   * `read` (default): each step reads the store. `subscribe`: one long-lived subscription per stream
   * feeds every reactor (JetStream: a read per step asks for stream info and creates a consumer).
   */
  follow?: 'read' | 'subscribe';
  /**
   * Feeds shared with the other followers of this process (the projector), so each event is
   * received and decoded once per process; implies `subscribe`. The host never closes them.
   */
  feeds?: StreamFeeds;
  /** The clock timers are due by (tests); default `Date.now`. */
  now?: () => number;
  /**
   * Pause of a reactor on a stream after a batch that did work, so appends coalesce into bigger
   * batches: fewer checkpoint saves and reads per event (default 0).
   */
  coalesceMs?: number;
}

const silent: ReactorLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs every registered reactor of this process with ONE follower loop (fan-in, MISSION.md): an
 * append hint marks a stream dirty for every reactor; each reactor then reads the stream from its
 * own checkpoint (all of them from one feed per stream), one batch at a time, so a slow reactor
 * never holds up the others. At start and every `pollIntervalMs` the stream heads are compared with
 * the checkpoints (a lost hint only delays), leases are taken or renewed, and due timers fire.
 *
 * Only the instance holding a reactor's lease runs it. A failing event is retried with backoff;
 * after the reactor's `maxAttempts` it is parked in `reactor_dead_letters` and the stream goes on.
 */
export class ReactorHost {
  readonly owner: string;
  private readonly slots = new Map<string, ReactorSlot>();
  private readonly logger: ReactorLogger;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly now: () => number;
  private readonly feeds: FeedReader | null;
  private readonly alarm = new WakeableSleep();
  private readonly tasks = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private nextPollAt = 0;
  private pollError: string | null = null;
  private readonly env: StepEnv;

  constructor(private readonly options: ReactorHostOptions) {
    this.owner = options.owner ?? `host_${randomBytes(6).toString('hex')}`;
    this.logger = options.logger ?? silent;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.batchSize = options.batchSize ?? 500;
    this.now = options.now ?? Date.now;
    this.feeds = FeedReader.of(options.store, 'reactors', options.feeds, options.follow);
    this.env = {
      sql: options.sql, owner: this.owner, logger: this.logger, batchSize: this.batchSize, coalesceMs: options.coalesceMs ?? 0, now: this.now,
      read: (stream, from, slot) => this.read(stream, from, slot),
    };
  }

  /** Adds a reactor (before or after `start`); its name must be unique in the host. */
  register(reactor: Reactor): void {
    if (this.slots.has(reactor.name)) throw new Error(`reactor ${reactor.name} is registered already`);
    if (!reactor.handle && !reactor.handleBatch && !reactor.onTimer) throw new Error(`reactor ${reactor.name} handles nothing`);
    this.slots.set(reactor.name, new ReactorSlot(reactor, this.options.sql, () => this.alarm.wake()));
    this.nextPollAt = 0;
    this.alarm.wake();
  }

  /** Takes the leases it can, loads their checkpoints, then follows the streams in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.store.onAppendHint((stream, head) => this.markDirty(stream, head));
    this.feeds?.start((stream) => this.markDirty(stream));
    await this.poll();
    this.loop = this.run();
  }

  /** Stops: handlers in flight are aborted and awaited, and the leases are given back. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const slot of this.slots.values()) slot.abort.abort();
    this.alarm.wake();
    await this.loop;
    this.loop = null;
    await Promise.allSettled([...this.tasks]);
    for (const slot of this.slots.values()) {
      if (slot.leased) await releaseLease(this.options.sql, slot.name, this.owner).catch(() => undefined);
      slot.lost();
    }
    await this.feeds?.stop();
  }

  status(name: string): ReactorStatus | null {
    return this.slots.get(name)?.status(this.running, this.pollError) ?? null;
  }

  statuses(): ReactorStatus[] {
    return [...this.slots.values()].map((s) => s.status(this.running, this.pollError));
  }

  /** True while this instance runs `name`. */
  holds(name: string): boolean {
    return this.slots.get(name)?.leased ?? false;
  }

  private markDirty(stream: string, head?: number): void {
    for (const slot of this.slots.values()) {
      if (!slot.leased) continue;
      slot.dirty.add(stream);
      if (head !== undefined) {
        const c = slot.cursor(stream);
        c.head = Math.max(c.head, head);
      }
    }
    this.alarm.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.now() >= this.nextPollAt) await this.poll();
      for (const slot of this.slots.values()) {
        if (!this.running) break;
        if (!slot.leased) continue;
        this.launchStep(slot);
        this.launchTimers(slot);
      }
      if (!this.running) break;
      const ms = this.wakeAt() - this.now();
      // Work is due at once: still let I/O (the handlers in flight) run before the next round.
      if (ms <= 0) await new Promise((resolve) => setImmediate(resolve));
      else await this.alarm.sleep(ms);
    }
  }

  /** The next poll, the next retry of a dirty stream, or the next timer, whichever is first. */
  private wakeAt(): number {
    let at = this.nextPollAt;
    for (const slot of this.slots.values()) {
      if (!slot.leased) continue;
      if (!slot.busy) for (const stream of slot.dirty) at = Math.min(at, Math.max(slot.cursor(stream).retryAt, slot.reactor.readyAt?.(stream) ?? 0));
      if (slot.nextTimerAt !== null && !slot.scanningTimers && slot.runningTimers.size < slot.timerConcurrency) at = Math.min(at, slot.nextTimerAt);
    }
    return at;
  }

  private track(task: Promise<void>): void {
    const tracked = task.finally(() => {
      this.tasks.delete(tracked);
      this.alarm.wake();
    });
    this.tasks.add(tracked);
  }

  private async poll(): Promise<void> {
    const now = this.now();
    for (const slot of this.slots.values()) await this.keepLease(slot, now);
    try {
      const streams = await this.options.store.listStreams();
      for (const slot of this.slots.values()) {
        if (!slot.leased) continue;
        for (const { stream, lastSequence } of streams) {
          const c = slot.cursor(stream);
          c.head = Math.max(c.head, lastSequence);
          // Behind the head, or holding a position moved past skipped events that is due to be stored.
          if (c.head > c.position || (c.unsavedSince && now >= c.unsavedSince + SKIPPED_SAVE_DELAY_MS)) slot.dirty.add(stream);
        }
        const timers = await timerSummary(this.options.sql, slot.name);
        slot.timersPending = timers.pending;
        slot.nextTimerAt = timers.nextDueAt;
        slot.deadLetters = await countReactorDeadLetters(this.options.sql, slot.name);
      }
      this.pollError = null;
    } catch (err) {
      this.pollError = messageOf(err);
      this.logger.warn({ err: this.pollError }, 'reactors: cannot compare stream heads with checkpoints');
    }
    this.nextPollAt = this.now() + this.pollIntervalMs;
  }

  /** Takes or renews the lease; an instance that cannot renew in time stops running the reactor. */
  private async keepLease(slot: ReactorSlot, now: number): Promise<void> {
    if (slot.leased && now - slot.renewedAt < this.leaseMs / 3) return;
    try {
      const held = await acquireLease(this.options.sql, slot.name, this.owner, this.leaseMs);
      slot.ready = true;
      slot.leaseError = null;
      if (held) {
        slot.renewedAt = now;
        slot.validUntil = now + this.leaseMs * 0.8;
        if (!slot.leased) {
          slot.took(await (slot.reactor.loadPositions?.() ?? loadReactorCheckpoints(this.options.sql, slot.name)));
          (this.logger.debug ?? this.logger.info).call(this.logger, { reactor: slot.name, owner: this.owner }, 'reactors: lease taken');
        }
      } else if (slot.leased) {
        slot.lost();
        this.logger.warn({ reactor: slot.name, owner: this.owner }, 'reactors: lease lost to another instance');
      }
    } catch (err) {
      slot.leaseError = messageOf(err);
      if (slot.leased && now >= slot.validUntil) {
        slot.lost();
        this.logger.error({ reactor: slot.name, err: slot.leaseError }, 'reactors: lease not renewed in time; stopped running the reactor');
      }
    }
  }

  /** Starts the reactor's next stream batch, if it has one to do and none in flight. */
  private launchStep(slot: ReactorSlot): void {
    if (slot.busy || slot.dirty.size === 0) return;
    const now = this.now();
    const stream = [...slot.dirty].find((s) => slot.cursor(s).retryAt <= now && (slot.reactor.readyAt?.(s) ?? 0) <= now);
    if (stream === undefined) return;
    slot.dirty.delete(stream);
    slot.busy = true;
    this.track(runStreamStep(this.env, slot, stream).finally(() => (slot.busy = false)));
  }

  /**
   * The events of `stream` from `from`. With feeds, the reactors near the front read one feed from
   * the lowest position any of them needs; a reactor far behind them (a paced verifier, one that
   * just registered) reads the store itself, so it never holds the feed back.
   */
  private async read(stream: string, from: number, slot: ReactorSlot): Promise<StepRead> {
    const types = slot.reactor.eventTypes;
    if (types && !this.feeds) {
      // Only its types, up to the head this host knows (a hint with the head, or the last poll).
      const to = slot.cursor(stream).head;
      const events = to >= from ? await this.options.store.read(stream, { from, limit: this.batchSize, types, to }) : [];
      return { events, scannedTo: events.length < this.batchSize ? Math.max(to, from - 1) : events[events.length - 1]!.sequence };
    }
    return { events: await this.readAll(stream, from) };
  }

  private async readAll(stream: string, from: number): Promise<StoredEvent[]> {
    if (!this.feeds) return this.options.store.read(stream, { from, limit: this.batchSize });
    const next: number[] = [];
    for (const slot of this.slots.values()) if (slot.leased && slot.cursors.has(stream)) next.push(slot.cursor(stream).position + 1);
    const window = 2 * this.batchSize;
    const front = Math.max(from, ...next);
    if (from < front - window) return this.options.store.read(stream, { from, limit: this.batchSize });
    const floor = Math.min(from, ...next.filter((n) => n >= front - window));
    const limit = this.batchSize + (from - floor);
    const buffered = await this.feeds.read(stream, floor, limit);
    const mine = buffered.filter((e) => e.sequence >= from);
    if (mine.length > 0 || buffered.length < limit) return mine;
    return this.options.store.read(stream, { from, limit: this.batchSize });
  }

  private launchTimers(slot: ReactorSlot): void {
    if (!slot.reactor.onTimer || slot.scanningTimers || slot.nextTimerAt === null || slot.nextTimerAt > this.now()) return;
    if (slot.runningTimers.size >= slot.timerConcurrency) return;
    slot.scanningTimers = true;
    this.track(
      fireDueTimers({ sql: this.options.sql, slot, now: this.now, logger: this.logger, track: (t) => this.track(t) })
        .catch((err) => {
          slot.timerProblem = { key: '*', message: messageOf(err) };
          slot.nextTimerAt = this.now() + slot.backoff(1);
        })
        .finally(() => (slot.scanningTimers = false)),
    );
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
