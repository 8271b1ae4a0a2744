import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  APPROVAL_WORKFLOW_SUBJECT,
  type ActionContext,
  PUBLISHED_POLICY_SUBJECT,
  alertForOutcome,
  decideSubmitAction,
  defaultApprovalWorkflow,
  actionStatusOf,
  executorOf,
  isTerminalActionState,
  openApproval,
  planExecution,
} from '@oars/domain';
import { type ConnectorRequestKey, type RecordedOutcome, deleteConnectorRequest, saveConnectorRequest } from '@oars/connectors';
import { type ReceiptDraft, derivedId, randomHex32, randomId } from '@oars/ledger';
import { builtInDefaultPolicy, evaluatePolicy, scoreRisk } from '@oars/policy';
import { approvalWorkflowOf, publishedPolicyOf } from '../settings/tenant-settings';
import { getAction } from '@oars/readmodels';
import { type Receipt, hashCanonical } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { alertDraft } from '../alerts/alert-draft';
import { ApiError } from '../http/api-error';
import { RUNTIME } from '../runtime.token';
import { SubmitAction } from './submit-action.command';
import { type SubmitActionResponse, submitResponseOf } from './submit-action.response';

type Outcome = { kind: 'new'; response: SubmitActionResponse } | { kind: 'existing'; sequence: number };

/**
 * Scores, decides and records a submitted action. Rules live in libs/policy and libs/domain; this
 * handler only gathers facts, asks the chain writer to append the receipts, and shapes the answer.
 */
@CommandHandler(SubmitAction)
export class SubmitActionHandler implements ICommandHandler<SubmitAction, { response: SubmitActionResponse; position: number }> {
  /** Tools OARS executes through a configured HTTP connector (OARS_HTTP_CONNECTORS). */
  private readonly httpToolIds: ReadonlySet<string>;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {
    this.httpToolIds = new Set(runtime.config.httpConnectors.map((c) => c.toolId));
  }

  async execute(cmd: SubmitAction): Promise<{ response: SubmitActionResponse; position: number }> {
    const { body, caller, requestId } = cmd;
    const tenantId = body.tenantId;
    const userId = body.userContext?.userId ?? caller.subject;
    const context: ActionContext = {
      ...(body.context?.environment !== undefined ? { environment: body.context.environment } : {}),
      ...(body.context?.dataTypes !== undefined ? { dataTypes: body.context.dataTypes } : {}),
      requestedAt: new Date().toISOString(),
    };
    const requestHash = cmd.idempotencyKey
      ? hashCanonical({
          endpoint: 'POST /v1/actions', tenantId, subject: caller.subject, agentId: body.agentId,
          userContext: { userId, ...(body.userContext?.sessionId ? { sessionId: body.userContext.sessionId } : {}) },
          context: body.context ? { environment: body.context.environment ?? null, dataTypes: body.context.dataTypes ?? null } : null,
          resource: body.resource, input: body.input,
        })
      : null;
    const actionId = cmd.idempotencyKey ? derivedId('act', tenantId, caller.subject, cmd.idempotencyKey) : randomId('act');

    const resource = { toolId: body.resource.toolId, operation: body.resource.operation, target: body.resource.target };
    const inputHash = hashCanonical(body.input);
    const actor = { userId, agentId: body.agentId, serviceId: 'oars-gateway', delegationChain: [userId, body.agentId, 'oars-gateway'] };
    const telemetry = { traceId: `trc_${randomHex32()}`, spanId: `spn_${randomHex32().slice(0, 16)}`, requestId };
    let output: Record<string, unknown> | null = null;

    // Execution (lifecycle): an HTTP connector's input is stored before the approval can be
    // appended (receipts keep only its hash); its execution consumer calls the endpoint later, never
    // this request. The wait, if configured, is registered first so a fast outcome is not missed.
    const viaHttp = executorOf(resource.toolId, this.httpToolIds) === 'http';
    const inputKey: ConnectorRequestKey = { tenantId, actionId, inputHash };
    const storedInput = viaHttp ? await saveConnectorRequest(this.runtime.sql, inputKey, resource.toolId, body.input) : false;
    const outcome: Promise<RecordedOutcome | null> | null =
      viaHttp && this.runtime.executions ? this.runtime.executions.waitForOutcome(tenantId, actionId, this.runtime.config.connectorWaitMs) : null;

    const { value, position } = await this.runtime.writer.write<Outcome>(tenantId, async (ctx) => {
      if (cmd.idempotencyKey) {
        const existing = await this.runtime.store.lastBySubject(tenantId, `action.${actionId}`);
        if (existing) return { drafts: [], finish: () => ({ kind: 'existing', sequence: existing.sequence }) };
      }
      // The tenant's published policy and workflow as of the head this write lands on.
      const policy = publishedPolicyOf(ctx.setting(PUBLISHED_POLICY_SUBJECT)) ?? builtInDefaultPolicy(tenantId);
      const risk = scoreRisk(resource, policy.riskConfig, context);
      const evaluation = evaluatePolicy(policy, { resource, context, risk });
      const execution = planExecution(actionId, resource, body.input, this.httpToolIds);
      output = execution?.status === 'executed' ? execution.output : null;
      const approval =
        evaluation.decision === 'approve'
          ? openApproval({
              actionId, tenantId, riskTier: risk.tier, requestedBy: userId, context,
              workflow: approvalWorkflowOf(ctx.setting(APPROVAL_WORKFLOW_SUBJECT)) ?? defaultApprovalWorkflow(tenantId),
              now: context.requestedAt,
              expirySeconds: this.runtime.config.approvalExpirySeconds || null,
              plannedExecution: execution,
            })
          : undefined;
      const transitions = decideSubmitAction({
        actionId, context, decision: evaluation.decision, riskTier: risk.tier, idempotencyRequestHash: requestHash,
        ...(approval ? { approval } : {}),
        ...(execution && evaluation.decision === 'allow' ? { execution } : {}),
      }).map((t) => (viaHttp && t.type === 'action.approved' ? { ...t, data: { ...t.data, executedBy: 'http' } } : t));
      const policyFacts = { policySetId: evaluation.policySetId, policyVersion: evaluation.policyVersion, policyHash: evaluation.policyHash, decision: evaluation.decision, ruleIds: evaluation.ruleIds, rationale: evaluation.rationale };
      const drafts: ReceiptDraft[] = transitions.map((t) => ({
        subject: `action.${actionId}`, actionId, actor, resource, policy: policyFacts, risk, inputHash, telemetry,
        receiptId: derivedId('rcpt', actionId, t.type), type: t.type, data: t.data,
      }));
      const finalType = transitions[transitions.length - 1]!;
      const alert = alertForOutcome({
        tenantId, actionId, resource, risk, now: context.requestedAt,
        state: finalType.type.slice('action.'.length),
        error: typeof finalType.data.error === 'string' ? finalType.data.error : null,
      });
      const actionDrafts = drafts.length;
      if (alert) drafts.push(alertDraft(alert));
      return { drafts, finish: (receipts: Receipt[]) => ({ kind: 'new', response: submitResponseOf(actionId, receipts[actionDrafts - 1]!, output) }) };
    });
    if (value.kind === 'new') {
      const done = value.response.state === 'approved' && outcome ? await outcome : null;
      return done ? { response: submitResponseOf(actionId, done.receipt, done.output), position: done.receipt.sequence } : { response: value.response, position };
    }
    if (storedInput) await this.forgetUnusedInput(inputKey);
    const replayed = planExecution(actionId, resource, body.input, this.httpToolIds);
    return this.replay(tenantId, actionId, requestHash!, value.sequence, replayed?.status === 'executed' ? replayed.output : null);
  }

  /**
   * A retry stored an input for an action that already exists: keep it only while that action still
   * waits for its connector with this very input (the first submission's copy may be this one).
   */
  private async forgetUnusedInput(key: ConnectorRequestKey): Promise<void> {
    const latest = (await this.runtime.store.lastBySubject(key.tenantId, `action.${key.actionId}`))?.data as unknown as Receipt | undefined;
    if (!latest || latest.inputHash !== key.inputHash || isTerminalActionState(actionStatusOf(latest).state)) await deleteConnectorRequest(this.runtime.sql, key);
  }

  /** The same Idempotency-Key again: the stored answer for the same request, 409 for a different one. */
  private async replay(tenantId: string, actionId: string, requestHash: string, sequence: number, output: Record<string, unknown> | null) {
    await this.runtime.waitForPosition(tenantId, sequence);
    const found = await getAction(this.runtime.sql, [tenantId], actionId);
    if (!found) throw new ApiError(503, 'dependency_unavailable', 'The action is recorded but not yet readable; retry shortly.');
    const first = found.receipts[0]!;
    if ((first.data as { idempotencyRequestHash?: string }).idempotencyRequestHash !== requestHash) {
      throw new ApiError(409, 'idempotency_conflict', 'Idempotency-Key was already used with a different request payload.');
    }
    const last = found.receipts.filter((r) => r.type.startsWith('action.')).pop()!;
    return { response: submitResponseOf(actionId, last, last.type === 'action.executed' ? output : null), position: last.sequence };
  }
}
