import type { HttpConnectorConfig } from '@oars/config';
import type { SqlClient } from '@oars/db';
import { actionStatusOf, isTerminalActionState } from '@oars/domain';
import type { EventStore, StoredEvent } from '@oars/eventstore';
import { type TenantChainWriter, randomId, receiptOf } from '@oars/ledger';
import { type FiredTimer, type Reactor, type ReactorContext, ReactorHost } from '@oars/reactors';
import type { Receipt } from '@oars/receipts';
import type { ResolveAll } from '../http/public-lookup';
import { deleteConnectorRequests } from './connector-requests.store';
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
  /**
   * The process's reactor host, which runs the `executions` reactor (register before it starts).
   * Without one the consumer runs a host of its own (`pollIntervalMs`, `follow`).
   */
  host?: ReactorHost;
  /** Own host only: how often every stream head is compared with the checkpoints (default 1000 ms). */
  pollIntervalMs?: number;
  /** Own host only: `read` (default) or `subscribe` (one long-lived subscription per stream). */
  follow?: 'read' | 'subscribe';
  /** Executions running at the same time, over all tenants (default 256). */
  maxPending?: number;
  /** Upper bound of retry delays (default 30 s). */
  maxBackoffMs?: number;
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

/** The reactor's name: its checkpoints (carried over from the `executions` projection checkpoint), lease and timers. */
export const EXECUTIONS_REACTOR = 'executions';

/**
 * Executes actions approved for an HTTP connector (`action.approved` with `data.executedBy: 'http'`),
 * outside any request, as the `executions` reactor: each approval sets a durable timer due at once
 * (key: the action id), and the timer runs the call, so calls run side by side (a slow connector
 * delays only its own actions), a failed attempt is retried with backoff (the timer's next try), and
 * a restart goes on with the executions that did not finish. A terminal receipt of an action of a
 * configured tool deletes its stored input. The reactor never parks: an approved execution is never
 * skipped.
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
  readonly reactor: Reactor;
  private readonly connectors: ReadonlyMap<string, HttpConnectorConfig>;
  private readonly executor: HttpActionExecutor;
  private readonly waiters = new OutcomeWaiters();
  private readonly host: ReactorHost;
  private readonly ownHost: boolean;
  private running = false;

  constructor(private readonly options: ExecutionConsumerOptions) {
    this.connectors = new Map(options.connectors.map((c) => [c.toolId, c]));
    this.executor = new HttpActionExecutor({
      store: options.store, sql: options.sql, writer: options.writer, connectors: this.connectors, owner: randomId('exec'), waiters: this.waiters,
      ...(options.resolveAll ? { resolveAll: options.resolveAll } : {}),
    });
    this.reactor = {
      name: EXECUTIONS_REACTOR,
      maxAttempts: Infinity,
      maxBackoffMs: options.maxBackoffMs ?? 30_000,
      timerConcurrency: options.maxPending ?? 256,
      handle: (event, ctx) => this.handle(event, ctx),
      onTimer: (timer, ctx) => this.execute(timer, ctx),
    };
    this.ownHost = !options.host;
    this.host = options.host ?? new ReactorHost({ store: options.store, sql: options.sql, logger: options.logger, pollIntervalMs: options.pollIntervalMs, follow: options.follow });
    this.host.register(this.reactor);
  }

  /** Starts its own host (a shared host is started by its owner). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.ownHost) await this.host.start();
  }

  /** Stops following (own host), aborts the calls in flight (their leases are given back, nothing is recorded for them). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.ownHost) await this.host.stop();
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
    const s = this.host.status(EXECUTIONS_REACTOR)!;
    if (!this.running) return { state: 'NOT_READY', message: 'Execution consumer is not running.', pending: s.timersPending };
    return { state: s.state, message: s.message, pending: s.timersPending };
  }

  /** An approval for an HTTP connector becomes a timer due now; an ended HTTP action's input is forgotten. */
  private async handle(event: StoredEvent, ctx: ReactorContext): Promise<void> {
    const receipt = receiptOf(event);
    if (isHttpApproved(receipt)) await ctx.setTimer(receipt.actionId!, Date.now(), { sequence: event.sequence });
    else if (this.endsHttpAction(receipt)) await deleteConnectorRequests(this.options.sql, ctx.stream, [receipt.actionId!]);
  }

  /** One attempt of one execution; a throw (or another consumer calling now) retries it with backoff. */
  private async execute(timer: FiredTimer, ctx: ReactorContext): Promise<void> {
    const { sequence } = timer.payload as { sequence: number };
    const approved = await this.options.store.get(timer.stream, sequence);
    if (!approved) throw new Error(`the approval of action ${timer.key} (sequence ${sequence}) cannot be read`);
    const result = await this.executor.execute(timer.stream, receiptOf(approved), ctx.signal);
    // Stopped mid-call: nothing was recorded, the timer stays and the next holder calls again.
    if (ctx.signal.aborted) throw new Error('stopped before the outcome was recorded');
    if (result === 'busy') throw new Error('another consumer holds the lease on this call');
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
}
