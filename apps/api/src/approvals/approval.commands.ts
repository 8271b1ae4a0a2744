import type { Principal } from '../auth/token-registry';
import type { ApprovalDecisionDto } from './approval.dto';
import type { ApprovalStageDto } from './approval-workflow.dto';

/** The DecideApproval request (its handler builds the domain command): `approverId` is already bound to the caller (or an allowed impersonation). */
export class DecideApproval {
  constructor(
    readonly approvalId: string,
    readonly approverId: string,
    readonly body: ApprovalDecisionDto,
    readonly caller: Principal,
    readonly requestId: string,
  ) {}
}

export class ConfigureApprovalWorkflow {
  constructor(
    readonly tenantId: string,
    readonly stages: ApprovalStageDto[],
    readonly caller: Principal,
    readonly requestId: string,
  ) {}
}

export class EnrollStepUp {
  constructor(
    readonly tenantId: string,
    readonly subject: string,
    readonly caller: Principal,
    readonly requestId: string,
  ) {}
}

/** The answer of a decision: 202 while the approval is pending, 200 once the action moved on. */
export interface DecisionAnswer {
  status: 200 | 202;
  body: Record<string, unknown> & { actionId: string; state: string; receiptId: string };
}
