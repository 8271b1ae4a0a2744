import { type ActionAggregateState, type ActionCommand, type ActionEvent, actionStateOf, decideAction, isActionChainEvent } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import type { BuildContext, WriteResult } from '..';
import { actionReceiptDrafts } from './action-receipt.drafts';
import { type CommandDeps, type CommandOutcome, handleCommand } from './handle-command';

/** The action as loaded: its state and the latest stored receipt it was read from (what new receipts link to). */
export interface LoadedAction {
  state: ActionAggregateState;
  latest: Receipt | null;
}

export type ActionOutcome = CommandOutcome<LoadedAction, ActionEvent>;

export interface ActionCommandRequest<T> {
  tenantId: string;
  actionId: string;
  /**
   * The command, built on the loaded action (inside the writer's build, so tenant facts read from
   * `ctx` are those of the head it is appended after). Several: the first that decides anything
   * counts (a timer expires the approval, else escalates it).
   */
  command(action: LoadedAction, ctx: BuildContext): ActionCommand | readonly ActionCommand[] | Promise<ActionCommand | readonly ActionCommand[]>;
  /** The id was drawn at random just now: nothing can be stored under it, so the read is skipped. */
  knownNew?: boolean;
  /** Other aggregates the command writes (an approver's step-up factor): locked too. */
  alsoLocks?: readonly string[];
  /** `telemetry.requestId` of the new receipts; a function of the latest receipt to carry it on. */
  requestId: string | null | ((latest: Receipt | null) => string | null);
  answer(outcome: ActionOutcome): T;
}

/**
 * Handles a command of the action lifecycle: loads the action from its latest receipt, decides with
 * `decideAction`, appends the receipts `actionReceiptDrafts` makes of the events, answers.
 */
export function handleActionCommand<T>(deps: CommandDeps, request: ActionCommandRequest<T>): Promise<WriteResult<T>> {
  const subject = `action.${request.actionId}`;
  return handleCommand<LoadedAction, ActionEvent, T>(deps, {
    tenantId: request.tenantId,
    subjects: [subject, ...(request.alsoLocks ?? [])],
    load: async (read) => {
      const latest = request.knownNew ? null : await read(subject);
      return { state: actionStateOf(latest), latest };
    },
    decide: async (action, ctx) => {
      const built = await request.command(action, ctx);
      for (const command of Array.isArray(built) ? (built as readonly ActionCommand[]) : [built as ActionCommand]) {
        const events = decideAction(command, action.state);
        if (events.length > 0) return events;
      }
      return [];
    },
    drafts: (events, action) => {
      const requestId = typeof request.requestId === 'function' ? request.requestId(action.latest) : request.requestId;
      return actionReceiptDrafts(events, action.latest, requestId);
    },
    answer: request.answer,
  });
}

/** The receipt of the last event of the action's own chain in an outcome (what the answer is shaped by), or null. */
export function lastChainReceipt(outcome: ActionOutcome): Receipt | null {
  for (let i = outcome.events.length - 1; i >= 0; i--) {
    if (isActionChainEvent(outcome.events[i]!)) return outcome.receipts[i] ?? null;
  }
  return null;
}
