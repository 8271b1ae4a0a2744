import type { ActionState } from '../actions/action.types';

/** The action is not pending (waiting for approval, or approved and waiting for its agent's result). */
export class ActionNotCancelableError extends Error {
  readonly code = 'action_not_cancelable';
  constructor(readonly state: ActionState | null) {
    super(`Action is ${state ?? 'in an unknown state'}; only an action waiting for approval or for its agent's result can be canceled.`);
    this.name = 'ActionNotCancelableError';
  }
}

/** The action is not `approved` for its agent to execute (already finished, or run by a connector). */
export class ActionNotAwaitingResultError extends Error {
  readonly code = 'action_not_awaiting_result';
  constructor(message: string) {
    super(message);
    this.name = 'ActionNotAwaitingResultError';
  }
}

/** Only the requester of an action (its actor's userId) or an admin may cancel it or report its result. */
export class NotActionRequesterError extends Error {
  readonly code = 'not_action_requester';
  constructor(what: 'cancel' | 'report the result of') {
    super(`Only the requester of the action or an admin may ${what} it.`);
    this.name = 'NotActionRequesterError';
  }
}

/** No such action (or approval) in the tenant; other tenants' actions are reported the same way. */
export class ActionNotFoundError extends Error {
  readonly code = 'not_found';
  constructor(what: 'Action' | 'Approval') {
    super(`${what} not found.`);
    this.name = 'ActionNotFoundError';
  }
}
