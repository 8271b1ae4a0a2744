/** Stable codes of the approval rules (the API maps each to its HTTP status). */
export type ApprovalRuleCode =
  | 'approval_not_pending'
  | 'duplicate_approver'
  | 'approver_not_authorized'
  | 'separation_of_duties'
  | 'step_up_required'
  | 'step_up_invalid'
  | 'step_up_replayed';

/** A decision refused by an approval rule; `code` is stable, the message is for people. */
export class ApprovalRuleError extends Error {
  constructor(
    readonly code: ApprovalRuleCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApprovalRuleError';
  }
}
