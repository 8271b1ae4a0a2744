import type { SqlClient } from '@oars/db';
import { type EventStore, FeedReader, type StreamFeeds, WakeableSleep } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import { type StreamCheckpoints, loadCheckpoints } from '../checkpoints/checkpoint.store';
import { countOpenDeadLetters } from '../dead-letters/dead-letters.store';
import { parkNextEvent } from '../dead-letters/park-event';
import { StreamGapError } from '../errors';
import type { ReadModelProjection } from '../read-model';
import { READ_MODEL_PROJECTIONS, assertProjections } from '../read-models.projection';
import { failingProjectionOf } from './failing-projection';
import { failureStep } from './failure-step';
import { PositionWaiters } from './position-waiters';
import { ProjectorStatus, TenantProgress, summariseStatus } from './projector-status';
import { projectNextBatch } from './stream-batch';
import { type Lane, TenantLanes, recovered } from './tenant-lanes';

/** Structured logger (pino's `Logger` fits). */
export interface ProjectorLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ProjectorOptions {
  store: EventStore;
  sql: SqlClient;
  logger?: ProjectorLogger;
  /** How often every stream head is compared with its checkpoint (default 1000 ms). */
  pollIntervalMs?: number;
  /** Events per transaction (default 500). */
  batchSize?: number;
  /** Upper bound of the retry delay of a failing tenant (default 30 s). */
  maxBackoffMs?: number;
  /**
   * Pause after a batch that did work, so appends coalesce into bigger batches: fewer transactions
   * and round trips per receipt. A `waitForPosition` call cuts the pause short.
   */
  coalesceMs?: number;
  /**
   * `read` (default): each batch reads the store from the checkpoint. `subscribe`: one long-lived
   * subscription per stream feeds the batches (JetStream: far fewer requests per event).
   */
  follow?: 'read' | 'subscribe';
  /** Feeds shared with the reactor host of this process (see `StreamFeeds`); implies `subscribe`. Never closed here. */
  feeds?: StreamFeeds;
  /**
   * How many times an event that fails on its own (see `classifyFailure`) is tried alone, with
   * backoff, before it is parked as a dead letter and the tenant goes on (default 3).
   */
  parkAfterAttempts?: number;
  /**
   * The read models to maintain, applied in this order (default READ_MODEL_PROJECTIONS). Each keeps
   * its own checkpoint per stream: one not seen before starts at 0 and catches up by itself.
   */
  projections?: readonly ReadModelProjection[];
}

/**
 * Receives each committed batch's receipts that are new to the read models (past the read position,
 * so not those a projection catching up applies again), in stream order, and when the commit
 * returned (epoch ms).
 */
export type AppliedListener = (receipts: readonly Receipt[], appliedAt: number) => void;

const silent: ProjectorLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Follows every tenant stream into the read models with one loop (fan-in, MISSION.md): an append
 * hint marks a tenant dirty; the loop reads each dirty tenant from its checkpoint, one batch per
 * tenant per round, and applies each batch atomically with its checkpoint. At start and every
 * `pollIntervalMs` it compares the stream heads with the checkpoints, so a lost hint only delays.
 * A failing tenant is retried with backoff and never holds up the others. A failing batch is cut
 * in halves down to the event that fails; an event that fails on its own data is parked as a dead
 * letter after `parkAfterAttempts` tries, so one bad event never stops a tenant's read side.
 * Each projection has its own checkpoint. While some of a tenant's projections are behind the others
 * (one added later), the tenant has two lanes, each with its own retries: the live one applies new
 * events to the projections at the read position, the catch-up one applies the stream from the
 * lowest checkpoint to the projections behind, one batch per round, until they meet.
 */
export class Projector {
  private readonly store: EventStore;
  private readonly sql: SqlClient;
  private readonly logger: ProjectorLogger;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxBackoffMs: number;
  private readonly coalesceMs: number;
  private readonly parkAfterAttempts: number;
  private readonly projections: readonly ReadModelProjection[];
  private readonly names: readonly string[];
  private deadLetters: ReadonlyMap<string, number> = new Map();
  private readonly lanes: TenantLanes;
  private readonly dirty = new Set<string>();
  private readonly waiters = new PositionWaiters();
  private running = false;
  private ready = false;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly alarm = new WakeableSleep();
  /** Whether a batch of this round was full (a backlog: no pause after the round). */
  private fullBatch = false;
  /** The pause after a batch; cut short when someone waits for a position (read-your-writes). */
  private readonly coalescing = new WakeableSleep();
  private nextPollAt = 0;
  private pollError: string | null = null;
  private lastAppliedAt: string | null = null;
  private readonly feeds: FeedReader | null;
  private readonly appliedListeners = new Set<AppliedListener>();

  constructor(options: ProjectorOptions) {
    this.store = options.store;
    this.sql = options.sql;
    this.logger = options.logger ?? silent;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.coalesceMs = options.coalesceMs ?? 0;
    this.parkAfterAttempts = Math.max(1, options.parkAfterAttempts ?? 3);
    this.projections = options.projections ?? READ_MODEL_PROJECTIONS;
    assertProjections(this.projections);
    this.names = this.projections.map((p) => p.name);
    this.lanes = new TenantLanes(this.names);
    this.feeds = FeedReader.of(this.store, 'projector', options.feeds, options.follow);
  }

  /** Loads the checkpoints, lists the streams once, then follows them in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.store.onAppendHint((stream) => this.markDirty(stream));
    this.feeds?.start((stream) => this.markDirty(stream));
    await this.poll();
    this.loop = this.run();
  }

  /** Finishes the batch in flight, stops, and resolves pending `waitForPosition` calls with false. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.wake();
    this.coalescing.wake();
    await this.loop;
    this.loop = null;
    await this.feeds?.stop();
    this.waiters.cancelAll();
  }

  /**
   * Read-your-writes: true as soon as the read models include `tenant` up to `sequence` (every one
   * not catching up, see `readPosition`), false after `timeoutMs`. Answers from memory; it never
   * queries the database.
   */
  waitForPosition(tenant: string, sequence: number, timeoutMs: number): Promise<boolean> {
    if (this.position(tenant) >= sequence) return Promise.resolve(true);
    if (!this.running) return Promise.resolve(false);
    this.markDirty(tenant);
    this.coalescing.wake();
    return this.waiters.wait(tenant, sequence, timeoutMs);
  }

  /** The read position of `tenant` (see `readPosition`) as this projector knows it. */
  position(tenant: string): number {
    return this.lanes.byTenant.get(tenant)?.live.position ?? 0;
  }

  /** Each projection's checkpoint of `tenant` as this projector knows it. */
  checkpoints(tenant: string): StreamCheckpoints {
    return this.lanes.byTenant.get(tenant)?.checkpoints ?? new Map();
  }

  status(): ProjectorStatus {
    const { running, ready, pollError, lastAppliedAt, deadLetters, names: projections } = this;
    return summariseStatus({ running, ready, pollError, lastAppliedAt, tenants: this.lanes.byTenant, deadLetters, projections });
  }

  private markDirty(stream: string): void {
    this.dirty.add(stream);
    this.wake();
  }

  private wake(): void {
    this.alarm.wake();
  }

  private progress(tenant: string): TenantProgress {
    return this.lanes.get(tenant).live;
  }

  /**
   * Takes the checkpoints of `tenant` as they are in the database: moves the read position (which
   * may go back: a rebuild) and opens or closes the catch-up lane.
   */
  private track(tenant: string, checkpoints: StreamCheckpoints): void {
    const { position, opened, closed } = this.lanes.track(tenant, checkpoints);
    if (position !== this.position(tenant)) this.advance(tenant, position);
    if (opened) this.logger.info({ tenant, projections: opened, to: position }, 'projector: catching up projections that are behind');
    if (closed) this.logger.info({ tenant, position }, 'projector: every projection caught up');
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (Date.now() >= this.nextPollAt) await this.poll();
      this.fullBatch = false;
      const worked = this.ready && this.running ? await this.drain() : false;
      if (!worked && this.running) await this.idle();
      // Let appends accumulate into bigger batches (fewer transactions on a single-connection database),
      // unless a batch was full: a backlog is worked off without pauses.
      else if (worked && this.coalesceMs > 0 && !this.fullBatch && !this.waiters.any()) await this.coalescing.sleep(this.coalesceMs);
    }
  }

  /** Sleeps until the next poll, the next retry of a dirty tenant or catch-up, or a hint, whichever is first. */
  private async idle(): Promise<void> {
    let until = this.nextPollAt;
    if (this.ready) for (const tenant of this.dirty) until = Math.min(until, this.progress(tenant).retryAt);
    if (this.ready) for (const { catchUp } of this.lanes.byTenant.values()) if (catchUp) until = Math.min(until, catchUp.retryAt);
    await this.alarm.sleep(until - Date.now());
  }

  private async poll(): Promise<void> {
    try {
      // Checkpoints move under us when another projector instance or a rebuild works on the same database.
      const checkpoints = await loadCheckpoints(this.sql, this.names);
      for (const tenant of new Set([...this.lanes.byTenant.keys(), ...checkpoints.keys()])) this.track(tenant, checkpoints.get(tenant) ?? new Map());
      this.ready = true;
      for (const { stream, lastSequence } of await this.store.listStreams()) {
        const p = this.progress(stream);
        p.head = lastSequence;
        if (p.head > p.position) this.dirty.add(stream);
      }
      // Retries (the CLI, another instance) resolve dead letters behind this projector's back.
      this.deadLetters = await countOpenDeadLetters(this.sql);
      this.pollError = null;
    } catch (err) {
      this.pollError = messageOf(err);
      this.logger.warn({ err: this.pollError }, 'projector: cannot compare stream heads with checkpoints');
    }
    this.nextPollAt = Date.now() + this.pollIntervalMs;
  }

  /**
   * One batch for every dirty tenant that is not waiting for a retry, then one for every tenant
   * catching up. True when anything moved.
   */
  private async drain(): Promise<boolean> {
    let worked = false;
    const now = Date.now();
    for (const tenant of [...this.dirty]) {
      if (!this.running) break;
      if (this.progress(tenant).retryAt > now) continue;
      this.dirty.delete(tenant);
      if (await this.step(tenant, 'live')) worked = true;
    }
    for (const [tenant, { catchUp }] of [...this.lanes.byTenant]) {
      if (!this.running) break;
      if (catchUp && catchUp.retryAt <= now && (await this.step(tenant, 'catch_up'))) worked = true;
    }
    return worked;
  }

  private async step(tenant: string, lane: Lane): Promise<boolean> {
    const p = this.lanes.lane(tenant, lane)!;
    try {
      const feeds = lane === 'live' ? this.feeds : null;
      const read = feeds ? (s: string, from: number, limit: number) => feeds.read(s, from, limit) : undefined;
      const readBefore = this.position(tenant);
      const outcome = await projectNextBatch(this.store, this.sql, tenant, p.position, p.limit ?? this.batchSize, { read, projections: this.projections });
      if (outcome.kind === 'gap') {
        const gap = new StreamGapError(tenant, p.position + 1, outcome.found);
        this.fail(tenant, p, 'WARN', gap.message);
        return false;
      }
      if (p.problem) this.logger.info({ tenant, position: p.position, lane }, 'projector: tenant recovered');
      recovered(p);
      if (outcome.kind === 'caught_up') {
        // Only a stream shorter than its checkpoints (restored from an older backup) stops a catch-up here.
        if (lane === 'catch_up') p.retryAt = Date.now() + this.pollIntervalMs;
        return false;
      }
      if (outcome.kind === 'applied') this.applied(outcome.receipts.filter((r) => r.sequence > readBefore));
      this.track(tenant, outcome.checkpoints);
      const live = this.progress(tenant);
      const full = outcome.kind === 'applied' && outcome.count >= (p.limit ?? this.batchSize);
      if (full) this.fullBatch = true;
      if (outcome.kind === 'moved' || live.head > live.position || full) this.dirty.add(tenant);
      return true;
    } catch (err) {
      return this.failed(tenant, p, err);
    }
  }

  /** A batch failed: retry it (smaller) later, or park the event that fails (see `failureStep`). */
  private async failed(tenant: string, p: TenantProgress, err: unknown): Promise<boolean> {
    const step = failureStep(p, err, this.batchSize, this.parkAfterAttempts, (n) => this.backoff(n));
    if (step.kind === 'retry') {
      this.fail(tenant, p, step.level, step.message, step.delayMs ?? undefined);
      return false;
    }
    const next = p.position + 1;
    const failedProjection = failingProjectionOf(err);
    try {
      const outcome = await parkNextEvent(this.store, this.sql, tenant, p.position, step.reason, step.attempts, { projections: this.projections, failedProjection });
      if (outcome.kind === 'parked') {
        this.logger.error({ tenant, sequence: next, attempts: step.attempts, projection: failedProjection, err: step.reason }, 'projector: event parked as a dead letter; the tenant goes on');
        this.deadLetters = await countOpenDeadLetters(this.sql);
      }
      recovered(p);
      this.track(tenant, outcome.checkpoints);
      this.dirty.add(tenant);
      return true;
    } catch (parkErr) {
      this.fail(tenant, p, 'ERROR', `cannot park event ${next}: ${messageOf(parkErr)} (it failed with: ${step.reason})`);
      return false;
    }
  }

  /**
   * Listens to every batch this projector commits: its receipts, in stream order, and when the
   * commit returned (ms since the epoch), e.g. for the projection-lag histogram. Returns the remover.
   */
  onApplied(listener: AppliedListener): () => void {
    this.appliedListeners.add(listener);
    return () => void this.appliedListeners.delete(listener);
  }

  private applied(receipts: readonly Receipt[]): void {
    const at = Date.now();
    this.lastAppliedAt = new Date(at).toISOString();
    if (receipts.length === 0) return;
    for (const listener of this.appliedListeners) {
      try {
        listener(receipts, at);
      } catch (err) {
        this.logger.warn({ err: messageOf(err) }, 'projector: an applied-batch listener failed');
      }
    }
  }

  private advance(tenant: string, position: number): void {
    const p = this.progress(tenant);
    p.position = position;
    p.head = Math.max(p.head, position);
    this.waiters.reached(tenant, position);
  }

  private backoff(attempts: number): number {
    return Math.min(this.maxBackoffMs, 100 * 2 ** Math.min(attempts - 1, 20));
  }

  private fail(tenant: string, p: TenantProgress, level: 'WARN' | 'ERROR', message: string, delayMs?: number): void {
    p.attempts++;
    p.problem = { level, message };
    const delay = delayMs ?? this.backoff(p.attempts);
    p.retryAt = Date.now() + delay;
    if (p === this.progress(tenant)) this.dirty.add(tenant);
    const log = level === 'ERROR' ? this.logger.error : this.logger.warn;
    log.call(this.logger, { tenant, position: p.position, attempts: p.attempts, retryInMs: delay, err: message }, 'projector: tenant batch not applied');
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
