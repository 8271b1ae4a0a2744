import type { PolicyDecision, PolicyDocument } from '@oars/policy';
import { type RiskTier, hashCanonical } from '@oars/receipts';
import {
  type ActionChainEvent,
  type ActionCommand,
  type ActionEventBody,
  type ActionEventMetadata,
  type ActionExecutor,
  type ApprovalStage,
  type ApprovalState,
  type ApprovalWorkflow,
  type CallerCommandMetadata,
  type SubmitAction,
  defaultApprovalWorkflow,
  derivedReceiptId,
  openApproval,
  planExecution,
} from '@oars/domain';

/** Event and command builders for the action decider's specs (given …, when …), exported as `actionEvents`. */
export const TENANT = 't1';
export const ACTION_ID = 'act_1';
export const REQUESTER = 'agent_owner';
export const T0 = '2026-03-01T10:00:00.000Z';
export const T1 = '2026-03-01T10:05:00.000Z';
export const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

export const FACTS = {
  actor: { userId: REQUESTER, agentId: 'agent_1', serviceId: 'oars-gateway', delegationChain: [REQUESTER, 'agent_1', 'oars-gateway'] },
  resource: { toolId: 'custom_tool', operation: 'read', target: 'db:x' },
  policy: { policySetId: 'pol_1', policyVersion: 'v1', policyHash: 'p'.repeat(64), decision: 'approve' as const, ruleIds: [], rationale: 'r' },
  risk: { score: 60, tier: 'high' as const, signals: [] },
  inputHash: 'i'.repeat(64),
};

/** An event of the action's chain as the decider builds it: the standard facts and the id derived from the type. */
export function givenEvent(body: ActionEventBody, over: Partial<ActionEventMetadata> = {}): ActionChainEvent {
  return { ...body, metadata: { receiptId: derivedReceiptId(ACTION_ID, body.type), actionId: ACTION_ID, ...FACTS, ...over } } as ActionChainEvent;
}

export const givenActionRequested = () => givenEvent({ type: 'action.requested', data: { context: { requestedAt: T0 }, idempotencyRequestHash: null } });
export const givenApprovedFor = (executedBy: ActionExecutor) => givenEvent({ type: 'action.approved', data: { executedBy } });

export const stage = (id: string, over: Partial<ApprovalStage> = {}): ApprovalStage => ({
  id, name: `Stage ${id}`, mode: 'serial', requiredApprovals: 1, approverIds: [], slaSeconds: null, escalateTo: [], ...over,
});

export function pendingApproval(stages: ApprovalStage[] = [stage('s1')], riskTier: RiskTier = 'high', expirySeconds: number | null = 3600): ApprovalState {
  const workflow: ApprovalWorkflow = stages.length ? { id: 'apr_wf_1', tenantId: TENANT, stages, createdAt: T0, updatedAt: T0, createdBy: 'admin' } : defaultApprovalWorkflow(TENANT);
  return openApproval({ actionId: ACTION_ID, tenantId: TENANT, workflow, riskTier, requestedBy: REQUESTER, context: { requestedAt: T0 }, now: T0, expirySeconds, plannedExecution: null });
}

export function givenApprovalRequired(approval: ApprovalState = pendingApproval()): ActionChainEvent {
  const progress = { currentStageIndex: approval.currentStageIndex, totalStages: approval.stages.length, currentStageName: approval.stages[approval.currentStageIndex]!.name };
  return givenEvent({ type: 'action.approval_required', data: { approvalId: approval.id, stepUpRequired: approval.requiresStepUp, approvalProgress: progress, approval } });
}

/** A policy that decides `decision` for everything (no rules; the default). */
export function policyDeciding(decision: PolicyDecision): PolicyDocument {
  return { id: 'pol_1', tenantId: TENANT, version: 'v1', status: 'published', rules: [], defaultDecision: decision, createdAt: T0, updatedAt: T0 };
}

export const NO_HTTP: ReadonlySet<string> = new Set();

export function submit(over: Partial<SubmitAction['data']> = {}, now = T0, input: Record<string, unknown> = { q: 1 }): SubmitAction {
  const data = {
    agentId: 'agent_1', userId: REQUESTER, resource: FACTS.resource, context: {}, idempotencyRequestHash: null,
    policy: policyDeciding('allow'), httpToolIds: NO_HTTP, workflow: defaultApprovalWorkflow(TENANT), approvalExpirySeconds: null, ...over,
  };
  // What the adapter plans from the raw input before deciding.
  const planned = { inputHash: hashCanonical(input), execution: planExecution(ACTION_ID, data.resource, input, data.httpToolIds) };
  return { type: 'SubmitAction', data: { ...planned, ...data }, metadata: { tenantId: TENANT, actionId: ACTION_ID, now } };
}

/** The metadata of a command by `actor` (the requester by default). */
export const by = (actor = REQUESTER, callerIsAdmin = false, now = T1): CallerCommandMetadata => ({ tenantId: TENANT, actionId: ACTION_ID, now, actor, callerIsAdmin });
export const timer = (now: string): ActionCommand['metadata'] => ({ tenantId: TENANT, actionId: ACTION_ID, now });
