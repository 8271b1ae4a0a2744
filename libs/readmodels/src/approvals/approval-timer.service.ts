import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import type { TenantChainWriter } from '@oars/ledger';
import { onApprovalDue } from './approval-due.signal';
import { listDueApprovals, nextApprovalDueAt } from './approval.queries';
import { fireApprovalTimers } from './approval-timer.commands';

export interface ApprovalTimerLogger {
  warn(obj: object, msg?: string): void;
}

export interface ApprovalTimerOptions {
  store: EventStore;
  sql: SqlClient;
  writer: TenantChainWriter;
  /** Resolves once the read models reflect `sequence` of the tenant (bounded); keeps the loop from refiring. */
  waitForPosition(tenantId: string, sequence: number): Promise<boolean>;
  logger?: ApprovalTimerLogger;
  /** Longest sleep between looks at the read model (default 5000 ms). */
  maxSleepMs?: number;
  /** Approvals fired per round (default 100). */
  batchSize?: number;
}

/** After a hint, wait this long so the projection's transaction is committed before we read. */
const SETTLE_MS = 50;
const MAX_BACKOFF_MS = 30_000;

/**
 * Timers, not scans: sleeps until the earliest due time in the approvals read model (a stage
 * deadline or an expiry; capped at `maxSleepMs`, woken early when the projection writes an approval
 * due sooner), then escalates or expires what is due through the chain writer. Deterministic receipt
 * ids make several instances firing at once harmless. Runs where the projector runs.
 */
export class ApprovalTimerService {
  private readonly maxSleepMs: number;
  private readonly batchSize: number;
  private readonly failures = new Map<string, { count: number; retryAt: number }>();
  private running = false;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly options: ApprovalTimerOptions) {
    this.maxSleepMs = options.maxSleepMs ?? 5000;
    this.batchSize = options.batchSize ?? 100;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = onApprovalDue((dueAtMs) => this.hint(dueAtMs));
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.stopping = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.wake();
    await this.loop;
    this.loop = null;
  }

  /** Fires every timer due at `now` (one batch); returns how many approvals it looked at. */
  async fireDue(now: Date = new Date()): Promise<number> {
    const due = await listDueApprovals(this.options.sql, now, this.batchSize);
    const positions = new Map<string, number>();
    for (const item of due) {
      if (this.stopping) break;
      const failure = this.failures.get(item.approvalId);
      if (failure && failure.retryAt > now.getTime()) continue;
      try {
        const outcome = await fireApprovalTimers(this.options, item.tenantId, item.actionId, now);
        positions.set(item.tenantId, Math.max(positions.get(item.tenantId) ?? 0, outcome.position));
        this.failures.delete(item.approvalId);
      } catch (err) {
        const count = (failure?.count ?? 0) + 1;
        this.failures.set(item.approvalId, { count, retryAt: Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (count - 1)) });
        this.options.logger?.warn({ approvalId: item.approvalId, tenantId: item.tenantId, err: err instanceof Error ? err.message : String(err) }, 'approval timer not fired');
      }
    }
    await Promise.all([...positions].map(([tenant, position]) => this.options.waitForPosition(tenant, position)));
    return due.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sleepMs = this.maxSleepMs;
      try {
        const handled = await this.fireDue();
        if (handled >= this.batchSize) continue;
        const next = await nextApprovalDueAt(this.options.sql);
        if (next !== null) sleepMs = Math.min(this.maxSleepMs, Math.max(SETTLE_MS, next - Date.now()));
      } catch (err) {
        this.options.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'approval timers: cannot read due approvals');
      }
      if (this.running) await this.sleep(sleepMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      this.schedule(Date.now() + ms);
    });
  }

  /** A projection wrote an approval due at `dueAtMs`: wake earlier if that is sooner than planned. */
  private hint(dueAtMs: number): void {
    if (!this.wakeUp) return;
    const at = Math.max(dueAtMs, Date.now() + SETTLE_MS);
    if (at < this.wakeAt) this.schedule(at);
  }

  private schedule(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(() => this.wake(), Math.max(0, at - Date.now()));
  }

  private wake(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wakeAt = Number.POSITIVE_INFINITY;
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    wakeUp?.();
  }
}
