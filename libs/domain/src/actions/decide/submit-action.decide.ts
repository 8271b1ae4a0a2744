import { evaluatePolicy, scoreRisk } from '@oars/policy';
import { approvalProgressOf, openApproval } from '../../approvals/approval.types';
import type { SubmitAction } from '../action.commands';
import type { ActionChainEvent, ActionEvent, ActionEventBody, ActionEventMetadata } from '../action.events';
import type { ActionAggregateState } from '../action.state';
import type { ActionContext } from '../action.types';
import { executorOf } from '../execution';
import { derivedReceiptId } from '../receipt-id';
import { alertAfter, executionBody, existing, nextEvent } from './action-event.build';

export const DENIED_BY_POLICY = 'Action denied by policy.';
export const QUARANTINED_BY_POLICY = 'Action quarantined by policy.';

/**
 * The receipts of a submission (OARS v1 §2.1): `requested`, then the policy's decision on the
 * scored risk, then, for an allowed action whose built-in connector ran inline, `executed` or
 * `failed`; plus the alert the final state raises. An action approved for an HTTP connector or
 * its agent stays `approved` (`executedBy` names who records its outcome). The same id again (a
 * retried Idempotency-Key) decides nothing, the stored answer is replayed, with one exception
 * (`completeInterruptedSubmission`).
 */
export function decideSubmitAction(cmd: SubmitAction, state: ActionAggregateState): ActionEvent[] {
  if (state.actionId !== null) return completeInterruptedSubmission(cmd, state);
  const { tenantId, actionId, now } = cmd.metadata;
  const { policy, resource, userId, agentId } = cmd.data;
  const context: ActionContext = {
    ...(cmd.data.context.environment !== undefined ? { environment: cmd.data.context.environment } : {}),
    ...(cmd.data.context.dataTypes !== undefined ? { dataTypes: cmd.data.context.dataTypes } : {}),
    requestedAt: now,
  };
  const risk = scoreRisk(resource, policy.riskConfig, context);
  const e = evaluatePolicy(policy, { resource, context, risk });
  const metadata: Omit<ActionEventMetadata, 'receiptId'> = {
    actionId,
    actor: { userId, agentId, serviceId: 'oars-gateway', delegationChain: [userId, agentId, 'oars-gateway'] },
    resource,
    policy: { policySetId: e.policySetId, policyVersion: e.policyVersion, policyHash: e.policyHash, decision: e.decision, ruleIds: e.ruleIds, rationale: e.rationale },
    risk,
    inputHash: cmd.data.inputHash,
  };
  const { execution } = cmd.data;
  const bodies: ActionEventBody[] = [{ type: 'action.requested', data: { context, idempotencyRequestHash: cmd.data.idempotencyRequestHash } }];
  switch (e.decision) {
    case 'deny':
      bodies.push({ type: 'action.denied', data: { error: DENIED_BY_POLICY } });
      break;
    case 'quarantine':
      bodies.push({ type: 'action.quarantined', data: { error: QUARANTINED_BY_POLICY } });
      break;
    case 'approve': {
      const approval = openApproval({
        actionId, tenantId, workflow: cmd.data.workflow, riskTier: risk.tier, requestedBy: userId, context, now,
        expirySeconds: cmd.data.approvalExpirySeconds, plannedExecution: execution,
      });
      bodies.push({
        type: 'action.approval_required',
        data: { approvalId: approval.id, stepUpRequired: approval.requiresStepUp, approvalProgress: approvalProgressOf(approval), approval },
      });
      break;
    }
    case 'allow':
      bodies.push({ type: 'action.approved', data: { executedBy: executorOf(resource.toolId, cmd.data.httpToolIds) } });
      if (execution) bodies.push(executionBody(actionId, execution));
      break;
    default: {
      const never: never = e.decision;
      throw new Error(`unknown decision ${String(never)}`);
    }
  }
  const events = bodies.map((b) => ({ ...b, metadata: { ...metadata, receiptId: derivedReceiptId(actionId, b.type) } }) as ActionChainEvent);
  return [...events, ...alertAfter(tenantId, events[events.length - 1]!, now)];
}

/**
 * A retried submission of an action left `approved` for a built-in connector with no outcome: the
 * write that was to record `approved` and `executed` together was cut after `approved` (the event
 * store went down between the two messages of one append, so the request got a 503 and was retried).
 * Only a request holds the raw input a built-in connector runs on, so this retry records the outcome
 * the first attempt planned: the same tool, target and input, so the same deterministic execution.
 * Anything else about an existing action decides nothing.
 */
function completeInterruptedSubmission(cmd: SubmitAction, state: ActionAggregateState): ActionEvent[] {
  const { execution, resource, inputHash, agentId } = cmd.data;
  if (state.status !== 'approved' || state.executor !== 'oars' || !execution || state.facts === null) return [];
  const facts = state.facts;
  const same =
    facts.inputHash === inputHash && facts.actor?.agentId === agentId &&
    facts.resource?.toolId === resource.toolId && facts.resource?.operation === resource.operation && facts.resource?.target === resource.target;
  if (!same) return [];
  const action = existing(state);
  const outcome = nextEvent(action, executionBody(action.actionId, execution));
  return [outcome, ...alertAfter(cmd.metadata.tenantId, outcome, cmd.metadata.now)];
}
