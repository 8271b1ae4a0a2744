import type { SqlClient } from '@oars/db';
import type { EventStore, StoredEvent } from '@oars/eventstore';
import { type Reactor, ReactorHost } from '@oars/reactors';
import { type VerifierCrypto, nodeVerifierCrypto } from '@oars/receipts';
import { type IntegrityFinding, type VerifierPosition, checkStreamEvents } from './integrity-check';
import { type IntegrityRecord, loadIntegrityPositions, loadIntegrityRecord, saveIntegrityRecord } from './integrity-state.store';
import { type IntegrityVerifierStatus, type Progress, type TenantIntegrityStatus, summariseIntegrity } from './integrity-status';

export type { IntegrityState, IntegrityVerifierStatus, TenantIntegrityStatus } from './integrity-status';

export interface IntegrityVerifierOptions {
  store: EventStore;
  sql: SqlClient;
  /** Records findings durably (as receipts in the tenant stream); a throw retries the batch later. */
  record: (tenantId: string, findings: readonly IntegrityFinding[]) => Promise<unknown>;
  logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  crypto?: VerifierCrypto;
  /**
   * Checks a batch (e.g. an IntegrityCheckWorker off the main thread). Default: on this thread, in
   * slices of 8 receipts (~1 ms each) with a yield between them.
   */
  checker?: StreamChecker;
  /**
   * Receipts per read and per saved checkpoint (default 500), checked in slices of 8 (~1 ms each).
   * Few large reads: every read of the JetStream adapter asks for stream info and creates a consumer.
   */
  batchSize?: number;
  /** CPU bound: receipts verified per second at most (default 1000). */
  maxReceiptsPerSecond?: number;
  /**
   * The rate while the streams grow at `maxReceiptsPerSecond` or faster (default 100): the verifier
   * could not keep up anyway, so it leaves the CPU to the writes and catches up once they slow down
   * (like a RAID resync's speed_limit_min/max). The growth is measured between two polls.
   */
  minReceiptsPerSecond?: number;
  /** How often the stream heads are read to measure the append rate and the lag (default 10 s). */
  pollIntervalMs?: number;
  /** A stream that was caught up is checked again this long after (default 1 s): appends coalesce into one read. */
  hintDelayMs?: number;
  /**
   * The process's reactor host, which follows the streams for the verifier (register before it
   * starts). Without one the verifier runs a host of its own.
   */
  host?: ReactorHost;
}

/** The reactor's name (its lease; its positions are the `integrity` checkpoints of the verifier's records). */
export const INTEGRITY_REACTOR = 'integrity';

const SLICE = 8;

export type StreamChecker = (stream: string, from: VerifierPosition, events: readonly StoredEvent[]) => Promise<{ position: VerifierPosition; findings: IntegrityFinding[] }>;

export type FindingListener = (tenantId: string, findings: readonly IntegrityFinding[]) => void;


/**
 * Re-checks every tenant stream incrementally from its own checkpoint (projection `integrity`):
 * sequence gaps, prevEventHash breaks, malformed receipts, bad signatures, unknown key ids and key
 * custody (see checkStreamEvents). Findings are recorded as events (`integrity.violation_detected`
 * receipts) before the checkpoint moves, so a crash re-finds rather than loses them. It is the
 * `integrity` reactor: the reactor host follows the streams and hands it batches from the positions
 * of its records (which it saves itself, compare-and-set); it paces itself through `readyAt`:
 * at most `maxReceiptsPerSecond` so it never takes the API's CPU, `minReceiptsPerSecond` while the
 * streams grow faster than it could check them (the growth is measured between two polls of the
 * stream heads), and a stream it caught up with waits `hintDelayMs` so appends coalesce.
 */
export class IntegrityVerifier {
  readonly reactor: Reactor;
  private readonly tenants = new Map<string, Progress>();
  private readonly listeners = new Set<FindingListener>();
  private readonly crypto: VerifierCrypto;
  private readonly batchSize: number;
  private readonly maxPerSecond: number;
  private readonly minPerSecond: number;
  /** Sum of the stream heads at the last poll, and when: the write rate is measured between polls. */
  private heads: { total: number; at: number } | null = null;
  private appendsPerSecond = 0;
  private lastBatch: { started: number; checked: number } | null = null;
  /** When each stream's last batch came up short (it was caught up). */
  private readonly caughtUpAt = new Map<string, number>();
  private readonly pollIntervalMs: number;
  private readonly hintDelayMs: number;
  private readonly host: ReactorHost;
  private readonly ownHost: boolean;
  private running = false;
  private ready = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private pollError: string | null = null;
  private lastRunAt: string | null = null;
  private checkedReceipts = 0;
  private findings = 0;
  private step: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: IntegrityVerifierOptions) {
    this.crypto = options.crypto ?? nodeVerifierCrypto;
    this.batchSize = options.batchSize ?? 500;
    this.maxPerSecond = options.maxReceiptsPerSecond ?? 1000;
    this.minPerSecond = Math.min(options.minReceiptsPerSecond ?? 100, this.maxPerSecond);
    this.pollIntervalMs = options.pollIntervalMs ?? 10_000;
    this.hintDelayMs = options.hintDelayMs ?? 1000;
    this.reactor = {
      name: INTEGRITY_REACTOR,
      maxAttempts: Infinity,
      firstBackoffMs: 500,
      maxBackoffMs: 60_000,
      readyAt: (stream) => this.readyAt(stream),
      loadPositions: () => loadIntegrityPositions(options.sql),
      handleBatch: (events, ctx) => this.exclusive(() => this.handleBatch(ctx.stream, events)),
    };
    this.ownHost = !options.host;
    const logger = options.logger ? { info: () => undefined, warn: options.logger.warn.bind(options.logger), error: options.logger.error.bind(options.logger) } : undefined;
    this.host = options.host ?? new ReactorHost({ store: options.store, sql: options.sql, logger, batchSize: this.batchSize });
    this.host.register(this.reactor);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.polling = this.poll();
    if (this.ownHost) void this.host.start().catch((err) => this.options.logger?.warn({ err: messageOf(err) }, 'integrity verifier: cannot start'));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    if (this.ownHost) await this.host.stop();
    await this.polling;
    await this.step.catch(() => undefined);
  }

  /** Checks every stream up to its current head now (operators and tests); resolves when done. */
  async runOnce(): Promise<void> {
    await this.measure();
    for (const tenant of [...this.tenants.keys()]) {
      for (;;) {
        const p = this.tenants.get(tenant)!;
        if (p.record.at.position >= p.head) break;
        if (!(await this.exclusive(() => this.checkNext(tenant)))) break;
      }
    }
  }

  onFinding(listener: FindingListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  status(): IntegrityVerifierStatus {
    return summariseIntegrity({
      running: this.running, ready: this.ready, pollError: this.pollError, tenants: this.tenants, checkedReceipts: this.checkedReceipts, findings: this.findings, lastRunAt: this.lastRunAt,
      appendsPerSecond: this.appendsPerSecond, maxReceiptsPerSecond: this.rate(), yielding: this.rate() < this.maxPerSecond,
    });
  }

  /** One tenant as this verifier knows it (loads the persisted record for a tenant it has not seen). */
  async tenantStatus(tenantId: string): Promise<TenantIntegrityStatus> {
    const p = this.tenants.get(tenantId);
    const record = p ? p.record : await loadIntegrityRecord(this.options.sql, tenantId);
    const head = p?.head ?? record.at.position;
    return {
      tenantId,
      position: record.at.position,
      head,
      lagEvents: Math.max(0, head - record.at.position),
      lastCheckedAt: record.checkedAt,
      lastResult: record.lastResult,
      findingsTotal: record.findingsTotal,
      lastFinding: record.lastFinding,
      error: p?.error ?? null,
    };
  }

  /**
   * The rate limit, at the rate in force now: the last batch's receipts take their share of a second
   * before the next batch starts; a stream that was caught up waits `hintDelayMs`. Never while stopped.
   */
  private readyAt(stream: string): number {
    if (!this.running) return Number.POSITIVE_INFINITY;
    const paced = this.lastBatch ? this.lastBatch.started + (this.lastBatch.checked / this.rate()) * 1000 : 0;
    const caughtUp = this.caughtUpAt.get(stream);
    return Math.max(paced, caughtUp === undefined ? 0 : caughtUp + this.hintDelayMs);
  }

  /** Receipts per second allowed now: the full rate unless the streams outgrow it. */
  private rate(): number {
    return this.appendsPerSecond >= this.maxPerSecond ? this.minPerSecond : this.maxPerSecond;
  }

  /** Measures now and then again every `pollIntervalMs` while running. */
  private async poll(): Promise<void> {
    await this.measure();
    if (this.running) {
      this.pollTimer = setTimeout(() => (this.polling = this.poll()), this.pollIntervalMs);
      this.pollTimer.unref();
    }
  }

  /** Reads the stream heads: the lag of each stream and the append rate since the last measurement. */
  private async measure(): Promise<void> {
    try {
      const streams = await this.options.store.listStreams();
      const at = Date.now();
      let total = 0;
      for (const { stream, lastSequence } of streams) {
        total += lastSequence;
        const p = await this.progress(stream);
        p.head = Math.max(p.head, lastSequence);
      }
      if (this.heads && at > this.heads.at) this.appendsPerSecond = Math.max(0, total - this.heads.total) / ((at - this.heads.at) / 1000);
      this.heads = { total, at };
      this.ready = true;
      this.pollError = null;
    } catch (err) {
      this.pollError = messageOf(err);
      this.options.logger?.warn({ err: this.pollError }, 'integrity verifier: cannot list streams');
    }
  }

  private async progress(tenant: string): Promise<Progress> {
    let p = this.tenants.get(tenant);
    if (!p) {
      const record = await loadIntegrityRecord(this.options.sql, tenant);
      p = this.tenants.get(tenant) ?? { record, head: record.at.position, error: null, retryAt: 0, attempts: 0 };
      this.tenants.set(tenant, p);
    }
    return p;
  }

  /** Runs verification steps one at a time (the host's batches and `runOnce` never interleave on a stream). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.step.then(fn, fn);
    this.step = next.catch(() => undefined);
    return next;
  }

  /**
   * A batch from the host. The verifier's record is the position: events it already checked (e.g. by
   * `runOnce`) are skipped; when its record is behind the batch it reads the missing events itself
   * and has the batch offered again. Answers the position it reached within the batch.
   */
  private async handleBatch(tenant: string, events: readonly StoredEvent[]): Promise<number> {
    const first = events[0]!.sequence;
    const last = events[events.length - 1]!.sequence;
    const p = await this.progress(tenant);
    const from = p.record.at.position;
    if (from < last) {
      const batch = from + 1 < first ? await this.options.store.read(tenant, { from: from + 1, limit: this.batchSize }) : events.filter((e) => e.sequence > from);
      await this.verify(tenant, p, batch, true);
    }
    return Math.max(first - 1, Math.min(last, p.record.at.position));
  }

  /** `runOnce`: the next batch of one stream read here; how many receipts it checked (0: nothing to do or failed). */
  private async checkNext(tenant: string): Promise<number> {
    try {
      const p = await this.progress(tenant);
      const events = await this.options.store.read(tenant, { from: p.record.at.position + 1, limit: this.batchSize });
      return await this.verify(tenant, p, events, false);
    } catch {
      return 0; // recorded on the stream's progress by verify
    }
  }

  /** Checks `events` (consecutive, after the record) and saves the new record; how many it checked. Throws on failure. */
  private async verify(tenant: string, p: Progress, events: readonly StoredEvent[], paced: boolean): Promise<number> {
    const started = Date.now();
    try {
      const from = p.record.at;
      if (events.length === 0) {
        p.head = Math.max(p.head, from.position);
        p.error = null;
        this.caughtUpAt.set(tenant, started);
        return 0;
      }
      const { position, findings } = await (this.options.checker ?? this.checkInline)(tenant, from, events);
      if (findings.length > 0) await this.options.record(tenant, findings);
      const now = new Date().toISOString();
      const next: IntegrityRecord = {
        at: position,
        checkedAt: now,
        lastResult: findings.length > 0 || p.record.lastResult === 'violations' ? 'violations' : 'ok',
        findingsTotal: p.record.findingsTotal + findings.length,
        lastFinding: findings[findings.length - 1] ?? p.record.lastFinding,
      };
      if (!(await saveIntegrityRecord(this.options.sql, tenant, from.position, next))) {
        p.record = await loadIntegrityRecord(this.options.sql, tenant); // another verifier moved it
        return 0;
      }
      p.record = next;
      p.head = Math.max(p.head, position.position);
      p.error = null;
      p.attempts = 0;
      p.retryAt = 0;
      this.lastRunAt = now;
      const checked = position.position - from.position;
      this.checkedReceipts += checked;
      if (paced) this.lastBatch = { started, checked };
      // A short batch: the stream is caught up, and its next batch waits for appends to coalesce.
      if (events.length < this.batchSize) this.caughtUpAt.set(tenant, Date.now());
      else this.caughtUpAt.delete(tenant);
      if (findings.length > 0) this.report(tenant, findings);
      return Math.max(1, checked);
    } catch (err) {
      p.error = messageOf(err);
      p.attempts++;
      this.options.logger?.warn({ tenant, err: p.error, attempts: p.attempts }, 'integrity verifier: batch not checked');
      throw err;
    }
  }

  /** Checks in slices of a few receipts, yielding between them: the event loop is never held for more than ~1 ms. */
  private readonly checkInline: StreamChecker = async (tenant, from, events) => {
    let position = from;
    const findings: IntegrityFinding[] = [];
    for (let i = 0; i < events.length; i += SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      const part = checkStreamEvents(tenant, position, events.slice(i, i + SLICE), this.crypto);
      position = part.position;
      findings.push(...part.findings);
    }
    return { position, findings };
  };

  private report(tenant: string, findings: readonly IntegrityFinding[]): void {
    this.findings += findings.length;
    this.options.logger?.error({ tenant, findings }, 'integrity verifier: violations found');
    for (const l of this.listeners) {
      try {
        l(tenant, findings);
      } catch {
        // a listener's failure is its own business
      }
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
