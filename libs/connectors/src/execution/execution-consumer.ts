import type { HttpConnectorConfig } from '@oars/config';
import type { SqlClient } from '@oars/db';
import { actionStatusOf, isTerminalActionState } from '@oars/domain';
import { type EventStore, type StoredEvent, StreamFeeds, WakeableSleep } from '@oars/eventstore';
import { type TenantChainWriter, randomId } from '@oars/ledger';
import type { Receipt } from '@oars/receipts';
import type { ResolveAll } from '../http/public-lookup';
import { deleteConnectorRequests } from './connector-requests.store';
import { loadExecutionCheckpoints, saveExecutionCheckpoint } from './execution-checkpoints';
import { HttpActionExecutor, isHttpApproved, outcomeKey } from './http-action.executor';
import { OutcomeWaiters, type RecordedOutcome } from './outcome-waiters';

export interface ExecutionLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ExecutionConsumerOptions {
  store: EventStore;
  sql: SqlClient;
  /** Appends the outcomes (the process's one chain writer). */
  writer: TenantChainWriter;
  connectors: readonly HttpConnectorConfig[];
  logger?: ExecutionLogger;
  /** How often every stream head is compared with what was scanned (default 1000 ms). */
  pollIntervalMs?: number;
  /** Events read per step (default 500). */
  batchSize?: number;
  /** Executions found and not finished, over all tenants; scanning pauses beyond it (default 256). */
  maxPending?: number;
  /** Upper bound of retry delays (default 30 s). */
  maxBackoffMs?: number;
  /** Pause after a step that did work, so appends coalesce into fewer steps (reads and checkpoint saves). */
  coalesceMs?: number;
  /**
   * `read` (default): each step reads the store. `subscribe`: one long-lived subscription per stream
   * feeds the steps (JetStream: a read per step asks for stream info and creates a consumer).
   */
  follow?: 'read' | 'subscribe';
  /** DNS for the private-network check (tests). */
  resolveAll?: ResolveAll;
}

export type ExecutionConsumerState = 'NOT_READY' | 'OK' | 'WARN' | 'ERROR';
export interface ExecutionConsumerStatus {
  state: ExecutionConsumerState;
  message: string;
  /** Approved HTTP executions found and not finished (running or waiting for a retry). */
  pending: number;
}

interface Execution {
  approved: Receipt;
  running: boolean;
  attempts: number;
  retryAt: number;
  problem: string | null;
}

interface TenantCursor {
  /** Last sequence read. */
  scanned: number;
  /** Checkpoint stored. */
  saved: number;
  /** Unfinished executions by the sequence of their `action.approved` receipt (ascending insertion). */
  executions: Map<number, Execution>;
  retryAt: number;
  attempts: number;
  problem: string | null;
}

const silent: ExecutionLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Executes actions approved for an HTTP connector (`action.approved` with `data.executedBy: 'http'`),
 * outside any request. Like the projector it follows every tenant stream with one loop (append hints,
 * plus a periodic comparison of stream heads) from its own checkpoint (`executions` in
 * projection_checkpoints), which never passes an approved execution whose outcome is not recorded.
 * Calls run side by side, so a slow connector delays only its own actions.
 *
 * Once per action id: before calling, the action's latest receipt must still be `approved` for the
 * connector and this consumer must hold the lease on its `connector_requests` row (one caller at a
 * time across instances); the outcome is appended only while the action is still `approved`, under
 * receipt ids derived from the action, so retried or raced attempts collapse into one outcome.
 * At-least-once boundary: a consumer that dies after the endpoint answered and before the outcome is
 * appended leaves the action `approved`; once the lease expires (timeoutMs + 30 s) the endpoint is
 * called again with the same `Idempotency-Key: <actionId>`, which endpoints MUST use to deduplicate.
 */
export class ExecutionConsumer {
  private readonly connectors: ReadonlyMap<string, HttpConnectorConfig>;
  private readonly logger: ExecutionLogger;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxPending: number;
  private readonly maxBackoffMs: number;
  private readonly coalesceMs: number;
  private readonly executor: HttpActionExecutor;
  private readonly feeds: StreamFeeds | null;
  private readonly tenants = new Map<string, TenantCursor>();
  private readonly withExecutions = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly waiters = new OutcomeWaiters();
  private abort = new AbortController();
  private pending = 0;
  private running = false;
  private ready = false;
  private loop: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly alarm = new WakeableSleep();
  private nextPollAt = 0;
  private pollError: string | null = null;

  constructor(private readonly options: ExecutionConsumerOptions) {
    this.connectors = new Map(options.connectors.map((c) => [c.toolId, c]));
    this.logger = options.logger ?? silent;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.batchSize = options.batchSize ?? 500;
    this.maxPending = options.maxPending ?? 256;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.coalesceMs = options.coalesceMs ?? 0;
    this.feeds = options.follow === 'subscribe' ? new StreamFeeds({ store: options.store, onEvents: (tenant) => this.markDirty(tenant) }) : null;
    this.executor = new HttpActionExecutor({
      store: options.store, sql: options.sql, writer: options.writer, connectors: this.connectors, owner: randomId('exec'), waiters: this.waiters,
      ...(options.resolveAll ? { resolveAll: options.resolveAll } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    this.unsubscribe = this.options.store.onAppendHint((tenant) => this.markDirty(tenant));
    await this.poll();
    this.loop = this.run();
  }

  /** Stops following, aborts the calls in flight (their leases are given back, nothing is recorded for them). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.abort.abort();
    this.wake();
    await this.loop;
    this.loop = null;
    await Promise.allSettled([...this.tasks]);
    await this.feeds?.closeAll();
    this.waiters.cancelAll();
  }

  /**
   * The outcome of an action this process executes, as soon as it is recorded; null after
   * `timeoutMs`. Register before the action's approval is appended, so a fast outcome is not missed.
   */
  waitForOutcome(tenantId: string, actionId: string, timeoutMs: number): Promise<RecordedOutcome | null> {
    if (!this.running || timeoutMs <= 0) return Promise.resolve(null);
    return this.waiters.wait(outcomeKey(tenantId, actionId), timeoutMs);
  }

  status(): ExecutionConsumerStatus {
    const base = { pending: this.pending };
    if (!this.running) return { ...base, state: 'NOT_READY', message: 'Execution consumer is not running.' };
    if (!this.ready) return { ...base, state: 'NOT_READY', message: `Loading checkpoints${this.pollError ? `: ${this.pollError}` : '.'}` };
    const failing = [...this.tenants].find(([, c]) => c.problem);
    if (failing) return { ...base, state: 'ERROR', message: `${failing[0]}: ${failing[1].problem}` };
    if (this.pollError) return { ...base, state: 'WARN', message: `Cannot list streams: ${this.pollError}` };
    const retrying = [...this.withExecutions].flatMap((t) => [...this.tenants.get(t)!.executions.values()]).find((e) => e.problem);
    if (retrying) return { ...base, state: 'WARN', message: `Retrying action ${retrying.approved.actionId}: ${retrying.problem}` };
    return { ...base, state: 'OK', message: `Following ${this.tenants.size} tenant stream(s); ${this.pending} HTTP execution(s) pending.` };
  }

  private markDirty(tenant: string): void {
    this.dirty.add(tenant);
    this.wake();
  }

  private wake(): void {
    this.alarm.wake();
  }

  private cursor(tenant: string, from = 0): TenantCursor {
    let c = this.tenants.get(tenant);
    if (!c) {
      c = { scanned: from, saved: from, executions: new Map(), retryAt: 0, attempts: 0, problem: null };
      this.tenants.set(tenant, c);
    }
    return c;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (Date.now() >= this.nextPollAt) await this.poll();
      const worked = this.ready ? await this.drain() : false;
      this.launchDue();
      if (!this.running) break;
      if (!worked) await this.idle();
      else if (this.coalesceMs > 0) await new Promise((resolve) => setTimeout(resolve, this.coalesceMs));
    }
  }

  private async idle(): Promise<void> {
    let until = this.nextPollAt;
    for (const tenant of this.dirty) until = Math.min(until, this.tenants.get(tenant)?.retryAt ?? 0);
    for (const tenant of this.withExecutions) {
      for (const e of this.tenants.get(tenant)!.executions.values()) if (!e.running) until = Math.min(until, e.retryAt);
    }
    await this.alarm.sleep(until - Date.now());
  }

  private async poll(): Promise<void> {
    try {
      if (!this.ready) for (const [tenant, position] of await loadExecutionCheckpoints(this.options.sql)) this.cursor(tenant, position);
      for (const { stream, lastSequence } of await this.options.store.listStreams()) {
        if (lastSequence > this.cursor(stream).scanned) this.dirty.add(stream);
      }
      this.ready = true;
      this.pollError = null;
    } catch (err) {
      this.pollError = messageOf(err);
      this.logger.warn({ err: this.pollError }, 'executions: cannot compare stream heads with checkpoints');
    }
    this.nextPollAt = Date.now() + this.pollIntervalMs;
  }

  private async drain(): Promise<boolean> {
    let worked = false;
    const now = Date.now();
    for (const tenant of [...this.dirty]) {
      if (!this.running) break;
      const c = this.cursor(tenant);
      if (c.retryAt > now) continue;
      this.dirty.delete(tenant);
      if (await this.step(tenant, c)) worked = true;
    }
    return worked;
  }

  /** Reads one batch: registers approved HTTP executions, forgets inputs of HTTP actions that ended, moves the checkpoint. */
  private async step(tenant: string, c: TenantCursor): Promise<boolean> {
    try {
      const events = await this.read(tenant, c.scanned + 1);
      let scanned = c.scanned;
      let paused = false;
      const ended: string[] = [];
      for (const event of events) {
        if (event.sequence !== scanned + 1) throw new Error(`stream gap: expected sequence ${scanned + 1}, found ${event.sequence}`);
        const receipt = event.data as unknown as Receipt;
        if (isHttpApproved(receipt)) {
          if (!c.executions.has(event.sequence)) {
            if (this.pending >= this.maxPending) {
              paused = true;
              break;
            }
            c.executions.set(event.sequence, { approved: receipt, running: false, attempts: 0, retryAt: 0, problem: null });
            this.withExecutions.add(tenant);
            this.pending++;
          }
        } else if (this.endsHttpAction(receipt)) {
          ended.push(receipt.actionId!);
        }
        scanned = event.sequence;
      }
      await deleteConnectorRequests(this.options.sql, tenant, ended);
      const moved = scanned > c.scanned;
      c.scanned = scanned;
      const first = c.executions.keys().next();
      const checkpoint = first.done ? c.scanned : Math.min(c.scanned, first.value - 1);
      if (checkpoint !== c.saved) {
        await saveExecutionCheckpoint(this.options.sql, tenant, checkpoint);
        c.saved = checkpoint;
      }
      c.attempts = 0;
      c.retryAt = 0;
      c.problem = null;
      if (!paused && events.length >= this.batchSize) this.dirty.add(tenant);
      return moved;
    } catch (err) {
      c.attempts++;
      c.problem = messageOf(err);
      c.retryAt = Date.now() + this.backoff(c.attempts);
      this.dirty.add(tenant);
      this.logger.error({ tenant, scanned: c.scanned, attempts: c.attempts, err: c.problem }, 'executions: tenant step failed');
      return false;
    }
  }

  private read(tenant: string, from: number): Promise<StoredEvent[]> {
    return this.feeds ? this.feeds.read(tenant, from, this.batchSize) : this.options.store.read(tenant, { from, limit: this.batchSize });
  }

  private launchDue(): void {
    const now = Date.now();
    for (const tenant of this.withExecutions) {
      const c = this.tenants.get(tenant)!;
      for (const [sequence, e] of c.executions) {
        if (!this.running) return;
        if (e.running || e.retryAt > now) continue;
        e.running = true;
        const task = this.executor.execute(tenant, e.approved, this.abort.signal)
          .then(
            (result) => {
              if (result === 'done') {
                c.executions.delete(sequence);
                this.pending--;
                if (c.executions.size === 0) this.withExecutions.delete(tenant);
              } else this.retry(tenant, e, 'another consumer holds the lease on this call');
            },
            (err) => this.retry(tenant, e, messageOf(err)),
          )
          .finally(() => {
            e.running = false;
            this.tasks.delete(task);
            this.markDirty(tenant);
          });
        this.tasks.add(task);
      }
    }
  }

  private retry(tenant: string, e: Execution, problem: string): void {
    e.attempts++;
    e.problem = problem;
    e.retryAt = Date.now() + this.backoff(e.attempts);
    this.logger.warn({ tenant, actionId: e.approved.actionId, attempts: e.attempts, err: problem }, 'executions: will retry');
  }

  /** A terminal receipt of an action of a configured HTTP tool: its stored input is no longer needed. */
  private endsHttpAction(receipt: Receipt): boolean {
    return (
      receipt.actionId !== null &&
      receipt.resource !== null &&
      this.connectors.has(receipt.resource.toolId) &&
      receipt.type.startsWith('action.') &&
      isTerminalActionState(actionStatusOf(receipt).state)
    );
  }

  private backoff(attempts: number): number {
    return Math.min(this.maxBackoffMs, 250 * 2 ** Math.min(attempts - 1, 20));
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
