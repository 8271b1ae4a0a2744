import type { SqlClient } from '@oars/db';
import { type EventStore, type StoredEvent, WakeableSleep } from '@oars/eventstore';
import { type VerifierCrypto, nodeVerifierCrypto } from '@oars/receipts';
import { type IntegrityFinding, type VerifierPosition, checkStreamEvents } from './integrity-check';
import { EMPTY_RECORD, type IntegrityRecord, loadIntegrityRecord, saveIntegrityRecord } from './integrity-state.store';
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
  /** How often all stream heads are compared with the verifier's positions (default 10 s). */
  pollIntervalMs?: number;
  /** Delay after an append hint before checking (default 1 s): appends coalesce into one read. */
  hintDelayMs?: number;
}

const SLICE = 8;

export type StreamChecker = (stream: string, from: VerifierPosition, events: readonly StoredEvent[]) => Promise<{ position: VerifierPosition; findings: IntegrityFinding[] }>;

export type FindingListener = (tenantId: string, findings: readonly IntegrityFinding[]) => void;


/**
 * Re-checks every tenant stream incrementally from its own checkpoint (projection `integrity`):
 * sequence gaps, prevEventHash breaks, malformed receipts, bad signatures, unknown key ids and key
 * custody (see checkStreamEvents). Findings are recorded as events (`integrity.violation_detected`
 * receipts) before the checkpoint moves, so a crash re-finds rather than loses them. Woken by append
 * hints and a periodic scan; bounded to `maxReceiptsPerSecond` so it never takes the API's CPU, and
 * to `minReceiptsPerSecond` while the streams grow faster than it could check them.
 */
export class IntegrityVerifier {
  private readonly tenants = new Map<string, Progress>();
  private readonly dirty = new Set<string>();
  private readonly hinted = new Set<string>();
  private readonly listeners = new Set<FindingListener>();
  private readonly crypto: VerifierCrypto;
  private readonly batchSize: number;
  private readonly maxPerSecond: number;
  private readonly minPerSecond: number;
  /** Sum of the stream heads at the last poll, and when: the write rate is measured between polls. */
  private heads: { total: number; at: number } | null = null;
  private appendsPerSecond = 0;
  private lastBatch: { started: number; checked: number } | null = null;
  private readonly pollIntervalMs: number;
  private readonly hintDelayMs: number;
  private running = false;
  private ready = false;
  private loop: Promise<void> | null = null;
  private readonly alarm = new WakeableSleep();
  private hintTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private nextPollAt = 0;
  private pollError: string | null = null;
  private lastRunAt: string | null = null;
  private checkedReceipts = 0;
  private findings = 0;
  private step: Promise<unknown> = Promise.resolve();
  private stopped: Promise<void> = Promise.resolve();
  private signalStopped: () => void = () => undefined;

  constructor(private readonly options: IntegrityVerifierOptions) {
    this.crypto = options.crypto ?? nodeVerifierCrypto;
    this.batchSize = options.batchSize ?? 500;
    this.maxPerSecond = options.maxReceiptsPerSecond ?? 1000;
    this.minPerSecond = Math.min(options.minReceiptsPerSecond ?? 100, this.maxPerSecond);
    this.pollIntervalMs = options.pollIntervalMs ?? 10_000;
    this.hintDelayMs = options.hintDelayMs ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = new Promise((resolve) => (this.signalStopped = resolve));
    this.unsubscribe = this.options.store.onAppendHint((stream) => this.hint(stream));
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.signalStopped();
    this.unsubscribe?.();
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.wake();
    await this.loop;
    await this.step.catch(() => undefined);
  }

  /** Checks every stream up to its current head now (operators and tests); resolves when done. */
  async runOnce(): Promise<void> {
    await this.poll();
    for (const tenant of [...this.tenants.keys()]) {
      for (;;) {
        const p = this.tenants.get(tenant)!;
        if (p.record.at.position >= p.head) break;
        if (!(await this.exclusive(() => this.verifyBatch(tenant, false)))) break;
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

  /** Hinted streams become dirty together, `hintDelayMs` after the first hint: appends coalesce into one read. */
  private hint(stream: string): void {
    this.hinted.add(stream);
    if (this.hintTimer || !this.running) return;
    this.hintTimer = setTimeout(() => {
      this.hintTimer = null;
      for (const t of this.hinted) this.dirty.add(t);
      this.hinted.clear();
      this.wake();
    }, this.hintDelayMs);
    this.hintTimer.unref();
  }

  private wake(): void {
    this.alarm.wake();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (Date.now() >= this.nextPollAt) await this.poll();
      // The rate limit, at the rate in force now (a poll may have changed it): the last batch's
      // receipts take their share of a second before the next batch starts. Polls stay on time.
      const resumeAt = this.lastBatch ? this.lastBatch.started + (this.lastBatch.checked / this.rate()) * 1000 : 0;
      if (Date.now() < resumeAt) {
        await this.pace(Math.min(resumeAt, this.nextPollAt) - Date.now());
        continue;
      }
      let worked = false;
      for (const tenant of [...this.dirty]) {
        if (!this.running) break;
        const p = this.tenants.get(tenant);
        if (p && p.retryAt > Date.now()) continue;
        this.dirty.delete(tenant);
        const started = Date.now();
        const checked = await this.exclusive(() => this.verifyBatch(tenant, true));
        if (checked > 0) {
          worked = true;
          // A full batch: more is waiting now. Otherwise the next append hint (coalesced) brings it back.
          if (checked >= this.batchSize) this.dirty.add(tenant); // at the end: tenants take turns
          this.lastBatch = { started, checked };
          break;
        }
      }
      if (!worked && this.running) await this.idle();
    }
  }

  /** Receipts per second allowed now: the full rate unless the streams outgrow it. */
  private rate(): number {
    return this.appendsPerSecond >= this.maxPerSecond ? this.minPerSecond : this.maxPerSecond;
  }

  private async idle(): Promise<void> {
    let until = this.nextPollAt;
    for (const tenant of this.dirty) until = Math.min(until, this.tenants.get(tenant)?.retryAt ?? 0);
    if (this.running) await this.alarm.sleep(until - Date.now()); // a hint or stop wakes it
  }

  /** The rate limit's pause: only stop cuts it short (hints do not). */
  private async pace(ms: number): Promise<void> {
    if (ms <= 0 || !this.running) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, ms))), this.stopped]);
    clearTimeout(timer);
  }

  private async poll(): Promise<void> {
    try {
      const streams = await this.options.store.listStreams();
      const at = Date.now();
      let total = 0;
      for (const { stream, lastSequence } of streams) {
        total += lastSequence;
        const p = await this.progress(stream);
        p.head = Math.max(p.head, lastSequence);
        if (p.head > p.record.at.position) this.dirty.add(stream);
      }
      if (this.heads && at > this.heads.at) this.appendsPerSecond = Math.max(0, total - this.heads.total) / ((at - this.heads.at) / 1000);
      this.heads = { total, at };
      this.ready = true;
      this.pollError = null;
    } catch (err) {
      this.pollError = messageOf(err);
      this.options.logger?.warn({ err: this.pollError }, 'integrity verifier: cannot list streams');
    }
    this.nextPollAt = Date.now() + this.pollIntervalMs;
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

  /** Runs verification steps one at a time (the loop and `runOnce` never interleave on a stream). */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.step.then(fn, fn);
    this.step = next.catch(() => undefined);
    return next;
  }

  /** Checks the next batch of one stream; returns how many receipts it checked (0: nothing to do or failed). */
  private async verifyBatch(tenant: string, backoff: boolean): Promise<number> {
    let p: Progress | undefined;
    try {
      p = await this.progress(tenant);
      const from = p.record.at;
      const events = await this.options.store.read(tenant, { from: from.position + 1, limit: this.batchSize });
      if (events.length === 0) {
        p.head = Math.max(p.head, from.position);
        p.error = null;
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
      this.checkedReceipts += position.position - from.position;
      if (findings.length > 0) this.report(tenant, findings);
      return Math.max(1, position.position - from.position);
    } catch (err) {
      const progress = p ?? { record: EMPTY_RECORD, head: 0, error: null, retryAt: 0, attempts: 0 };
      progress.error = messageOf(err);
      progress.attempts++;
      if (backoff) progress.retryAt = Date.now() + Math.min(60_000, 500 * 2 ** Math.min(progress.attempts - 1, 10));
      this.tenants.set(tenant, progress);
      this.dirty.add(tenant);
      this.options.logger?.warn({ tenant, err: progress.error, attempts: progress.attempts }, 'integrity verifier: batch not checked');
      return 0;
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
