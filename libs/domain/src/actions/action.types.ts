import type { PolicyDecision, ReceiptActor, ReceiptPolicy, ReceiptResource, ReceiptRisk } from '@oars/receipts';

export const ACTION_STATES = ['requested', 'denied', 'approval_required', 'approved', 'executed', 'failed', 'quarantined', 'canceled'] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/** Receipt types of the action lifecycle (OARS v1 §2.1). The type names the state entered. */
export const ACTION_RECEIPT_TYPES = [
  'action.requested',
  'action.denied',
  'action.approval_required',
  'action.approved',
  'action.executed',
  'action.failed',
  'action.quarantined',
  'action.canceled',
] as const;
export type ActionReceiptType = (typeof ACTION_RECEIPT_TYPES)[number];

export function stateOfReceiptType(type: ActionReceiptType): ActionState {
  return type.slice('action.'.length) as ActionState;
}

export function decisionToState(decision: PolicyDecision): ActionState {
  switch (decision) {
    case 'allow':
      return 'approved';
    case 'deny':
      return 'denied';
    case 'approve':
      return 'approval_required';
    case 'quarantine':
      return 'quarantined';
    default: {
      const never: never = decision;
      throw new Error(`unknown decision ${String(never)}`);
    }
  }
}

export interface ActionContext {
  environment?: string;
  dataTypes?: string[];
  /** Server time of submission (the client's value is overridden, as in OARS v1). */
  requestedAt: string;
}

/** `data` of each action receipt type: what the read models and verifiers can rely on. */
export interface ActionRequestedData {
  context: ActionContext;
  /** SHA-256 of the canonical idempotency request (OARS v1 §1.1), or null without Idempotency-Key. */
  idempotencyRequestHash: string | null;
}
export interface ActionApprovalRequiredData {
  approvalId: string;
  stepUpRequired: boolean;
  approvalProgress: { currentStageIndex: number; totalStages: number; currentStageName: string };
}
export interface ActionExecutedData {
  referenceId: string;
  /** SHA-256 of the canonical connector output. */
  outputHash: string;
}
export interface ActionFailedData {
  error: string;
}
export interface ActionDeniedData {
  error: string;
}
export interface ActionQuarantinedData {
  error: string;
}

/** The action as served by `GET /v1/actions/:id` (OARS v1 ActionRecord; the raw input is not kept, only its hash). */
export interface ActionRecord {
  id: string;
  tenantId: string;
  state: ActionState;
  actor: ReceiptActor;
  context: ActionContext;
  resource: ReceiptResource;
  inputHash: string;
  approvalId: string | null;
  policyDecision: PolicyDecision | null;
  policySetId: string | null;
  policyVersion: string | null;
  policyHash: string | null;
  policyRuleIds: string[];
  policyRationale: string | null;
  risk: ReceiptRisk | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  receiptIds: string[];
  /** Tenant stream sequence of the action's latest receipt. */
  lastSequence: number;
}

export type { PolicyDecision, ReceiptActor, ReceiptPolicy, ReceiptResource, ReceiptRisk };
