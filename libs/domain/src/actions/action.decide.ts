import type { ActionCommand } from './action.commands';
import type { ActionEvent } from './action.events';
import { type ActionAggregateState, evolveAction, initialActionState } from './action.state';
import { decideEscalateApproval, decideExpireApproval } from './decide/approval-timers.decide';
import { decideCancelAction } from './decide/cancel-action.decide';
import { decideDecideApproval } from './decide/decide-approval.decide';
import { decideRecordConnectorOutcome } from './decide/record-connector-outcome.decide';
import { decideReportActionResult } from './decide/report-action-result.decide';
import { decideSubmitAction } from './decide/submit-action.decide';

/**
 * The action lifecycle (OARS v1 §2.1): every command on an action, decided on the state after its
 * history. Pure: time, ids and the caller come in the command's metadata, tenant facts (the policy
 * in force, the workflow) in its data. An empty answer means "already done": the stored receipts answer.
 */
export function decideAction(command: ActionCommand, state: ActionAggregateState): ActionEvent[] {
  switch (command.type) {
    case 'SubmitAction':
      return decideSubmitAction(command, state);
    case 'DecideApproval':
      return decideDecideApproval(command, state);
    case 'CancelAction':
      return decideCancelAction(command, state);
    case 'ReportActionResult':
      return decideReportActionResult(command, state);
    case 'RecordConnectorOutcome':
      return decideRecordConnectorOutcome(command, state);
    case 'ExpireApproval':
      return decideExpireApproval(command, state);
    case 'EscalateApproval':
      return decideEscalateApproval(command, state);
    default: {
      const never: never = command;
      throw new Error(`unknown action command ${JSON.stringify(never)}`);
    }
  }
}

/** The action decider: `initialState`, `evolve`, `decide`. */
export const actionDecider = { initialState: initialActionState, evolve: evolveAction, decide: decideAction } as const;
