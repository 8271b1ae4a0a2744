import { randomBytes } from 'node:crypto';
import type { SqlClient } from '@oars/db';
import { type EventStore, type StoredEvent, StreamFeeds, WakeableSleep } from '@oars/eventstore';
import type { Reactor } from './reactor';
import { loadReactorCheckpoints, saveReactorCheckpoint } from './reactor-checkpoints.store';
import { countReactorDeadLetters, parkEvent } from './reactor-dead-letters.store';
import { acquireLease, releaseLease } from './reactor-lease.store';
import { ReactorSlot } from './reactor-slot';
import type { ReactorStatus } from './reactor-status';
import { fireDueTimers } from './timer-firing';
import { timerSummary } from './reactor-timers.store';

/** Structured logger (pino's `Logger` fits). */
export interface ReactorLogger {
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
  private readonly feeds: StreamFeeds | null;
  private readonly alarm = new WakeableSleep();
  private readonly tasks = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private nextPollAt = 0;
  private pollError: string | null = null;

  constructor(private readonly options: ReactorHostOptions) {
    this.owner = options.owner ?? `host_${randomBytes(6).toString('hex')}`;
    this.logger = options.logger ?? silent;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.batchSize = options.batchSize ?? 500;
    this.now = options.now ?? Date.now;
    this.feeds = options.follow === 'subscribe' ? new StreamFeeds({ store: options.store, onEvents: (stream) => this.markDirty(stream) }) : null;
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
    this.unsubscribe = this.options.store.onAppendHint((stream) => this.markDirty(stream));
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
    await this.feeds?.closeAll();
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

  private markDirty(stream: string): void {
    for (const slot of this.slots.values()) if (slot.leased) slot.dirty.add(stream);
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
          if (c.head > c.position) slot.dirty.add(stream);
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
          this.logger.info({ reactor: slot.name, owner: this.owner }, 'reactors: lease taken');
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
    this.track(this.step(slot, stream).finally(() => (slot.busy = false)));
  }

  private async step(slot: ReactorSlot, stream: string): Promise<void> {
    const c = slot.cursor(stream);
    const signal = slot.abort.signal;
    let events: StoredEvent[];
    try {
      events = await this.read(stream, c.position + 1);
    } catch (err) {
      this.failed(slot, stream, c, err);
      return;
    }
    const gapless: StoredEvent[] = [];
    for (const e of events) {
      if (e.sequence !== c.position + 1 + gapless.length) break;
      gapless.push(e);
    }
    if (events.length > 0 && gapless.length === 0) {
      this.failed(slot, stream, c, new Error(`stream gap: expected sequence ${c.position + 1}, found ${events[0]!.sequence}`));
      return;
    }
    if (gapless.length === 0) return;
    const from = c.position;
    let position = from;
    const ctx = slot.context(stream);
    try {
      if (slot.reactor.handleBatch) {
        position = await this.handled(slot, stream, gapless, await slot.reactor.handleBatch(gapless, ctx));
      } else {
        for (const event of gapless) {
          if (signal.aborted) break;
          await slot.reactor.handle?.(event, ctx);
          position = event.sequence;
          c.attempts = 0;
          c.problem = null;
        }
      }
      c.attempts = 0;
      c.problem = null;
      c.retryAt = 0;
    } catch (err) {
      position = await this.eventFailed(slot, stream, c, gapless.find((e) => e.sequence === position + 1)!, position, err);
    }
    await this.advance(slot, stream, c, from, position, gapless.length);
  }

  private async handled(slot: ReactorSlot, stream: string, batch: readonly StoredEvent[], upTo: number): Promise<number> {
    const last = batch[batch.length - 1]!.sequence;
    if (!Number.isInteger(upTo) || upTo < batch[0]!.sequence - 1 || upTo > last) {
      throw new Error(`reactor ${slot.name} answered ${upTo} for a batch ${batch[0]!.sequence}..${last} of ${stream}`);
    }
    return upTo;
  }

  /** The event after `position` failed: retried later, or parked once it had its tries. The new position. */
  private async eventFailed(slot: ReactorSlot, stream: string, c: ReturnType<ReactorSlot['cursor']>, event: StoredEvent, position: number, err: unknown): Promise<number> {
    if (slot.abort.signal.aborted) return position;
    slot.retries++;
    c.attempts++;
    const reason = messageOf(err);
    if (c.attempts < slot.maxAttempts) {
      c.problem = `${reason} (try ${c.attempts}${Number.isFinite(slot.maxAttempts) ? ` of ${slot.maxAttempts}` : ''})`;
      c.retryAt = this.now() + slot.backoff(c.attempts);
      slot.dirty.add(stream);
      this.logger.warn({ reactor: slot.name, stream, sequence: event.sequence, attempts: c.attempts, err: reason }, 'reactors: event failed; will retry');
      return position;
    }
    try {
      await parkEvent(this.options.sql, slot.name, event, reason, c.attempts);
    } catch (parkErr) {
      c.problem = `cannot park event ${event.sequence}: ${messageOf(parkErr)} (it failed with: ${reason})`;
      c.retryAt = this.now() + slot.backoff(c.attempts);
      slot.dirty.add(stream);
      return position;
    }
    this.logger.error({ reactor: slot.name, stream, sequence: event.sequence, attempts: c.attempts, err: reason }, 'reactors: event parked as a dead letter; the stream goes on');
    slot.deadLetters++;
    c.attempts = 0;
    c.problem = null;
    c.retryAt = 0;
    slot.dirty.add(stream);
    return event.sequence;
  }

  /** Saves the checkpoint (only while the lease is held) and marks the stream for more when there is more. */
  private async advance(slot: ReactorSlot, stream: string, c: ReturnType<ReactorSlot['cursor']>, from: number, position: number, read: number): Promise<void> {
    if (position === from) {
      if (read > 0 && slot.reactor.handleBatch && !slot.abort.signal.aborted) slot.dirty.add(stream); // offered again (its readyAt paces it)
      return;
    }
    try {
      if (!slot.reactor.loadPositions && !(await saveReactorCheckpoint(this.options.sql, slot.name, this.owner, stream, position))) {
        if (slot.leased) {
          slot.lost();
          this.logger.warn({ reactor: slot.name, stream }, 'reactors: checkpoint refused, the lease is another instance\'s');
        }
        return;
      }
    } catch (err) {
      this.failed(slot, stream, c, err); // handled again from the stored checkpoint: at least once
      c.position = from;
      return;
    }
    c.position = position;
    c.head = Math.max(c.head, position);
    if (this.options.coalesceMs) c.retryAt = this.now() + this.options.coalesceMs;
    if (read >= this.batchSize || c.head > c.position) slot.dirty.add(stream);
  }

  private failed(slot: ReactorSlot, stream: string, c: ReturnType<ReactorSlot['cursor']>, err: unknown): void {
    slot.retries++;
    c.attempts++;
    c.problem = messageOf(err);
    c.retryAt = this.now() + slot.backoff(c.attempts);
    slot.dirty.add(stream);
    this.logger.warn({ reactor: slot.name, stream, position: c.position, attempts: c.attempts, err: c.problem }, 'reactors: stream step failed; will retry');
  }

  /**
   * The events of `stream` from `from`. With feeds, the reactors near the front read one feed from
   * the lowest position any of them needs; a reactor far behind them (a paced verifier, one that
   * just registered) reads the store itself, so it never holds the feed back.
   */
  private async read(stream: string, from: number): Promise<StoredEvent[]> {
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
