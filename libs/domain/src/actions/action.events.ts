import type { Receipt, ReceiptActor, ReceiptPolicy, ReceiptResource, ReceiptRisk } from '@oars/receipts';
import type { AlertRecord } from '../alerts/alert.types';
import type { ApprovalDecisionRecord, ApprovalState } from '../approvals/approval.types';
import type { ActionApprovalRequiredData, ActionExecutedData, ActionRequestedData, PolicyDecision } from './action.types';
import type { ActionExecutor } from './execution';

/**
 * What every receipt of an action's chain records besides its `data`: who asked, for what, under
 * which policy evaluation and risk, with which input. A follow-up event carries the facts of the
 * receipt before it, except the conclusion of an approval, which carries the policy re-evaluated then.
 */
export interface ActionFacts {
  readonly actor: ReceiptActor | null;
  readonly resource: ReceiptResource | null;
  readonly policy: ReceiptPolicy | null;
  readonly risk: ReceiptRisk | null;
  readonly inputHash: string | null;
}

/**
 * `receiptId` derives from the command (see `derivedReceiptId`), so a retried or raced command
 * decides the same ids and collapses into one set of receipts.
 */
export interface ActionEventMetadata extends ActionFacts {
  readonly receiptId: string;
  readonly actionId: string;
}

interface ChainEvent<T extends string, D> {
  readonly type: T;
  readonly data: D;
  readonly metadata: ActionEventMetadata;
}

export type ActionRequested = ChainEvent<'action.requested', ActionRequestedData>;
/** Denied by policy (`{error}`), by an approver, or by the policy re-evaluated at the final approval. */
export type ActionDenied = ChainEvent<'action.denied', { error: string; approvalId?: string; reevaluatedDecision?: PolicyDecision }>;
export type ActionQuarantined = ChainEvent<'action.quarantined', { error: string }>;
export type ActionApprovalRequired = ChainEvent<'action.approval_required', ActionApprovalRequiredData & { approval: ApprovalState }>;
/** `executedBy` names who records the outcome (see `ActionExecutor`); `approvalId` when an approval concluded it. */
export type ActionApproved = ChainEvent<'action.approved', { executedBy: ActionExecutor; approvalId?: string }>;
/** `reportedBy`: the caller who reported an agent-executed outcome (absent for OARS' connectors). */
export type ActionExecuted = ChainEvent<'action.executed', ActionExecutedData & { reportedBy?: string }>;
export type ActionFailed = ChainEvent<'action.failed', { error: string; reportedBy?: string }>;
/** Canceled by the requester or an admin (`canceledBy`, `reasonHash`), or because its approval expired. */
export type ActionCanceled = ChainEvent<
  'action.canceled',
  { error: string; canceledBy?: string; reasonHash?: string; approvalId?: string; approval?: ApprovalState }
>;
export type ApprovalDecided = ChainEvent<
  'approval.decided',
  Pick<ApprovalDecisionRecord, 'stageIndex' | 'stageId' | 'approverId' | 'decision' | 'reasonHash' | 'stepUp'> & { approvalId: string; approval: ApprovalState }
>;
export type ApprovalEscalated = ChainEvent<
  'approval.escalated',
  { approvalId: string; stageId: string; stageName: string; escalateTo: string[]; overdueSeconds: number; approval: ApprovalState }
>;
export type ApprovalExpired = ChainEvent<'approval.expired', { approvalId: string; expiredAt: string; approval: ApprovalState }>;

/** The events of an action's own chain (subject `action.<actionId>`). */
export type ActionChainEvent =
  | ActionRequested
  | ActionDenied
  | ActionQuarantined
  | ActionApprovalRequired
  | ActionApproved
  | ActionExecuted
  | ActionFailed
  | ActionCanceled
  | ApprovalDecided
  | ApprovalEscalated
  | ApprovalExpired;

/** An alert an action's new state raises; its own aggregate (`alert.<id>`), recorded in the same write. */
export interface AlertRaised {
  readonly type: 'alert.raised';
  readonly data: { alert: AlertRecord };
  readonly metadata: { readonly receiptId: string };
}

/** A TOTP step-up code was used to approve: the approver's step-up aggregate refuses that time step from now on. */
export interface StepUpUsed {
  readonly type: 'stepup.used';
  readonly data: { subject: string; enrollmentId: string; enrolledAt: string; lastTimeStep: number };
  readonly metadata: { readonly receiptId: string };
}

/** Everything an action command decides, in the order it is appended. */
export type ActionEvent = ActionChainEvent | AlertRaised | StepUpUsed;

/** An action event before the decider adds its metadata: the type and its `data`. */
export type ActionEventBody<E extends ActionChainEvent = ActionChainEvent> = E extends ActionChainEvent ? { readonly type: E['type']; readonly data: E['data'] } : never;

const CHAIN_TYPES: ReadonlySet<string> = new Set<ActionChainEvent['type']>([
  'action.requested', 'action.denied', 'action.quarantined', 'action.approval_required', 'action.approved',
  'action.executed', 'action.failed', 'action.canceled', 'approval.decided', 'approval.escalated', 'approval.expired',
]);

/** True for an event of the action's own chain (not an alert or a step-up receipt it also decided). */
export function isActionChainEvent(event: ActionEvent): event is ActionChainEvent {
  return CHAIN_TYPES.has(event.type);
}

/** The action event a stored receipt records, or null for a receipt outside any action's chain or of a type this code does not know. */
export function actionEventOf(receipt: Receipt): ActionChainEvent | null {
  if (!receipt.actionId || !CHAIN_TYPES.has(receipt.type)) return null;
  const { receiptId, actionId, actor, resource, policy, risk, inputHash } = receipt;
  return { type: receipt.type, data: receipt.data, metadata: { receiptId, actionId, actor, resource, policy, risk, inputHash } } as ActionChainEvent;
}
