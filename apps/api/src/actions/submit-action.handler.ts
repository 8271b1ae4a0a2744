import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { type ActionContext, decideSubmitAction, executeSimulatedConnector } from '@oars/domain';
import { type ReceiptDraft, derivedId, randomHex32, randomId } from '@oars/ledger';
import { builtInDefaultPolicy, evaluatePolicy, scoreRisk } from '@oars/policy';
import { getAction } from '@oars/readmodels';
import { type Receipt, hashCanonical } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
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
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

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

    const policy = builtInDefaultPolicy(tenantId);
    const resource = { toolId: body.resource.toolId, operation: body.resource.operation, target: body.resource.target };
    const risk = scoreRisk(resource, policy.riskConfig, context);
    const evaluation = evaluatePolicy(policy, { resource, context, risk });
    const execution = evaluation.decision === 'allow' ? executeSimulatedConnector({ actionId, resource, input: body.input }) : null;
    const output = execution?.status === 'executed' ? execution.output : null;
    const transitions = decideSubmitAction({
      actionId,
      context,
      decision: evaluation.decision,
      riskTier: risk.tier,
      idempotencyRequestHash: requestHash,
      approval: { approvalId: derivedId('apr', actionId), totalStages: 1, firstStageName: 'Primary Approval' },
      ...(execution
        ? { execution: execution.status === 'executed' ? { status: 'executed' as const, output: execution.output, outputHash: hashCanonical(execution.output) } : execution }
        : {}),
    });
    const common: Omit<ReceiptDraft, 'receiptId' | 'type' | 'data'> = {
      subject: `action.${actionId}`,
      actionId,
      actor: { userId, agentId: body.agentId, serviceId: 'oars-gateway', delegationChain: [userId, body.agentId, 'oars-gateway'] },
      resource,
      policy: { policySetId: evaluation.policySetId, policyVersion: evaluation.policyVersion, policyHash: evaluation.policyHash, decision: evaluation.decision, ruleIds: evaluation.ruleIds, rationale: evaluation.rationale },
      risk,
      inputHash: hashCanonical(body.input),
      telemetry: { traceId: `trc_${randomHex32()}`, spanId: `spn_${randomHex32().slice(0, 16)}`, requestId },
    };
    const drafts: ReceiptDraft[] = transitions.map((t) => ({ ...common, receiptId: derivedId('rcpt', actionId, t.type), type: t.type, data: t.data }));

    const { value, position } = await this.runtime.writer.write<Outcome>(tenantId, async () => {
      if (cmd.idempotencyKey) {
        const existing = await this.runtime.store.lastBySubject(tenantId, `action.${actionId}`);
        if (existing) return { drafts: [], finish: () => ({ kind: 'existing', sequence: existing.sequence }) };
      }
      return { drafts, finish: (receipts: Receipt[]) => ({ kind: 'new', response: submitResponseOf(actionId, receipts[receipts.length - 1]!, output) }) };
    });
    if (value.kind === 'new') return { response: value.response, position };
    return this.replay(tenantId, actionId, requestHash!, value.sequence, output);
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
    const last = found.receipts[found.receipts.length - 1]!;
    return { response: submitResponseOf(actionId, last, last.type === 'action.executed' ? output : null), position: last.sequence };
  }
}
