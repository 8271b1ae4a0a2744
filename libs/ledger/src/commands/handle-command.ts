import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import type { ReceiptDraft } from '../receipt-draft';
// Types only, through the barrel: the writer's own files may be rearranged.
import type { BuildContext, TenantChainWriter, WriteResult } from '..';
import { aggregateKey, aggregateLockOf } from './aggregate-lock';
import { latestReceipt } from './stored-receipt';

export interface CommandDeps {
  store: EventStore;
  writer: TenantChainWriter;
}

/** What a command decided and how it was stored: the state it was decided on, its events and their receipts. */
export interface CommandOutcome<S, E> {
  state: S;
  events: readonly E[];
  /** The receipts as stored, one per draft, in the drafts' order. */
  receipts: readonly Receipt[];
}

/** The latest receipt of a subject in the command's tenant, as of the head the events are appended after. */
export type ReadLatest = (subject: string) => Promise<Receipt | null>;

/** One command on one aggregate: how to load its state, decide, turn events into receipts and answer. */
export interface AggregateCommand<S, E, T> {
  tenantId: string;
  /**
   * The aggregates the command decides on and writes (the first is its own): each is locked while
   * the command runs, so two commands on one aggregate never land in one group commit of this
   * process, where both would decide on the same state.
   */
  subjects: readonly string[];
  /**
   * The state, through typed reads: an aggregate whose latest receipt is a snapshot reads that one
   * (an action); others evolve the events of the receipts they need (a policy). Runs inside the writer's build.
   */
  load(read: ReadLatest, ctx: BuildContext): Promise<S>;
  /** Pure; runs inside the writer's build, so it decides on the head its events are appended after. */
  decide(state: S, ctx: BuildContext): readonly E[] | Promise<readonly E[]>;
  drafts(events: readonly E[], state: S): ReceiptDraft[];
  answer(outcome: CommandOutcome<S, E>): T;
}

/**
 * The one way a command is handled: take the aggregates' in-process locks, then, in one chain
 * writer build, load the state, decide and append the events' receipts. A lost race with another
 * instance reruns the build on the fresh head (the writer's expected-head check); an empty decision
 * appends nothing and answers from the state.
 */
export async function handleCommand<S, E, T>(deps: CommandDeps, command: AggregateCommand<S, E, T>): Promise<WriteResult<T>> {
  const { tenantId } = command;
  const read: ReadLatest = (subject) => latestReceipt(deps.store, tenantId, subject);
  const keys = command.subjects.map((subject) => aggregateKey(tenantId, subject));
  return aggregateLockOf(deps.writer).run(keys, () =>
    deps.writer.write<T>(tenantId, async (ctx) => {
      const state = await command.load(read, ctx);
      const events = await command.decide(state, ctx);
      return { drafts: command.drafts(events, state), finish: (receipts: Receipt[]) => command.answer({ state, events, receipts }) };
    }),
  );
}
