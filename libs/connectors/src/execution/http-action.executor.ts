import type { HttpConnectorConfig } from '@oars/config';
import type { SqlClient } from '@oars/db';
import { type ExecutionOutcome, actionStatusOf, isTerminalActionState } from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import { type TenantChainWriter, handleActionCommand, lastChainReceipt, latestReceipt } from '@oars/ledger';
import type { Receipt } from '@oars/receipts';
import { callHttpConnector } from '../http/http-connector.call';
import type { ResolveAll } from '../http/public-lookup';
import { type ConnectorRequestKey, claimConnectorRequest, deleteConnectorRequests, releaseConnectorRequest } from './connector-requests.store';
import type { OutcomeWaiters } from './outcome-waiters';

export interface HttpActionExecutorOptions {
  store: EventStore;
  sql: SqlClient;
  writer: TenantChainWriter;
  connectors: ReadonlyMap<string, HttpConnectorConfig>;
  /** Lease owner id (one per consumer instance). */
  owner: string;
  waiters: OutcomeWaiters;
  resolveAll?: ResolveAll;
}

/** A call may take `timeoutMs`; the lease covers it plus the time to record the outcome. */
const LEASE_MARGIN_MS = 30_000;

export const outcomeKey = (tenant: string, actionId: string) => `${tenant}\u0000${actionId}`;

/** True for an `action.approved` receipt that an HTTP connector executes. */
export function isHttpApproved(receipt: Receipt): boolean {
  const status = receipt.type === 'action.approved' && receipt.actionId && receipt.resource ? actionStatusOf(receipt) : null;
  return status?.state === 'approved' && status.executor === 'http';
}

/**
 * Executes one approved HTTP action: checks that it is still approved, takes the lease on its
 * stored input, calls the endpoint, and appends the outcome (plus its alert) while the action is
 * still approved. See `ExecutionConsumer` for the once-per-action-id argument.
 */
export class HttpActionExecutor {
  /** Outcomes of calls made whose receipt is not appended yet: a retry records them without calling again. */
  private readonly unrecorded = new Map<string, ExecutionOutcome>();

  constructor(private readonly options: HttpActionExecutorOptions) {}

  /** 'busy': another consumer holds the lease (it is calling now); retry later. Throws on infrastructure errors. */
  async execute(tenant: string, approved: Receipt, signal: AbortSignal): Promise<'done' | 'busy'> {
    const actionId = approved.actionId!;
    const key = outcomeKey(tenant, actionId);
    let outcome = this.unrecorded.get(key);
    if (!outcome) {
      const latest = await this.latest(tenant, actionId);
      if (!latest || !isHttpApproved(latest)) {
        // Recorded already (by an earlier attempt or another instance).
        if (latest && isTerminalActionState(actionStatusOf(latest).state)) await deleteConnectorRequests(this.options.sql, tenant, [actionId]);
        return 'done';
      }
      const request: ConnectorRequestKey = { tenantId: tenant, actionId, inputHash: approved.inputHash ?? '' };
      const call = await this.call(request, approved, signal);
      if (call === 'busy') return 'busy';
      if (call === 'recorded') return 'done';
      if (signal.aborted) {
        // Shutdown mid-call: nothing is recorded, and the next consumer may call again at once.
        await releaseConnectorRequest(this.options.sql, request, this.options.owner).catch(() => undefined);
        return 'done';
      }
      outcome = call;
      this.unrecorded.set(key, outcome);
    }
    const receipt = await this.record(tenant, actionId, outcome);
    this.unrecorded.delete(key);
    await deleteConnectorRequests(this.options.sql, tenant, [actionId]);
    if (receipt) this.options.waiters.resolve(key, { receipt, output: outcome.status === 'executed' ? outcome.output : null });
    return 'done';
  }

  private async call(request: ConnectorRequestKey, approved: Receipt, signal: AbortSignal): Promise<ExecutionOutcome | 'busy' | 'recorded'> {
    const { toolId, operation, target } = approved.resource!;
    const connector = this.options.connectors.get(toolId);
    const claim = await claimConnectorRequest(this.options.sql, request, this.options.owner, (connector?.timeoutMs ?? 0) + LEASE_MARGIN_MS);
    if (claim.kind === 'busy') return 'busy';
    if (claim.kind === 'missing') {
      const again = await this.latest(request.tenantId, request.actionId);
      if (!again || !isHttpApproved(again)) return 'recorded';
      return { status: 'failed', error: 'The input of this action is not available to its HTTP connector (it was not recorded at submission).' };
    }
    if (!connector) return { status: 'failed', error: `No HTTP connector is configured for tool: ${toolId}.` };
    return callHttpConnector(
      connector,
      { actionId: request.actionId, tenantId: request.tenantId, toolId, operation, target, input: claim.input },
      { signal, ...(this.options.resolveAll ? { resolveAll: this.options.resolveAll } : {}) },
    );
  }

  /** Appends the outcome (and its alert) if the action is still approved for the connector (RecordConnectorOutcome); the new receipt, or null. */
  private async record(tenantId: string, actionId: string, outcome: ExecutionOutcome): Promise<Receipt | null> {
    const { value } = await handleActionCommand(this.options, {
      tenantId,
      actionId,
      // The outcome continues the submission's request in the action's trace.
      requestId: (latest) => latest?.telemetry?.requestId ?? null,
      command: () => ({ type: 'RecordConnectorOutcome', data: { outcome }, metadata: { tenantId, actionId, now: new Date().toISOString() } }),
      answer: lastChainReceipt,
    });
    return value;
  }

  private latest(tenant: string, actionId: string): Promise<Receipt | null> {
    return latestReceipt(this.options.store, tenant, `action.${actionId}`);
  }
}
