import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  PUBLISHED_POLICY_SUBJECT,
  type PolicySetData,
  type PolicyView,
  decidePolicy,
  policyEventOf,
  policyStateOf,
  policySubject,
  policyViewOf,
} from '@oars/domain';
import { derivedId, latestReceipt } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import { ChangePublishedPolicyCommand } from './policy.commands';
import { policyReceiptDraft } from './policy-receipt.draft';

export interface PublishedPolicyAnswer {
  policy: PolicyView;
  previousPublishedPolicyId: string | null;
}

/**
 * Publishes a policy or rolls back to one. The decision reads the draft from the stream (the read
 * model may lag) and the policy in force from the chain writer's tenant settings, as of the head the
 * receipt is appended after: two concurrent publishes cannot both claim the same predecessor.
 */
@CommandHandler(ChangePublishedPolicyCommand)
export class ChangePublishedPolicyHandler implements ICommandHandler<ChangePublishedPolicyCommand, { value: PublishedPolicyAnswer; position: number }> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute(cmd: ChangePublishedPolicyCommand): Promise<{ value: PublishedPolicyAnswer; position: number }> {
    const { tenantId, policyId } = cmd;
    return this.runtime.writer.write(tenantId, async (ctx) => {
      const target = await latestReceipt(this.runtime.store, tenantId, policySubject(policyId));
      const inForce = ctx.setting(PUBLISHED_POLICY_SUBJECT);
      const state = policyStateOf([policyEventOf(target), policyEventOf(inForce)]);
      const events = decidePolicy(state, { type: cmd.kind, data: { tenantId, policyId }, metadata: { now: new Date().toISOString(), actor: cmd.caller.subject } });
      // Built on a given predecessor: a retry on the same state yields the same receipt id and collapses.
      const basis = inForce?.receiptId ?? 'none';
      const drafts = events.map((e) => policyReceiptDraft(e, derivedId('rcpt', tenantId, e.type, policyId, basis), cmd.requestId));
      const answer: PublishedPolicyAnswer = events[0]
        ? { policy: policyViewOf(events[0].data.policy), previousPublishedPolicyId: (events[0].data as PolicySetData).previousPublishedPolicyId }
        : { policy: policyViewOf(state.published!), previousPublishedPolicyId: (inForce!.data as unknown as PolicySetData).previousPublishedPolicyId };
      return { drafts, finish: () => answer };
    });
  }
}
