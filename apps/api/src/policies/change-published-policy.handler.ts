import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { PUBLISHED_POLICY_SUBJECT, type PolicySetData, type PolicyView, decidePolicy, policyEventOf, policyStateOf, policySubject, policyViewOf } from '@oars/domain';
import { derivedId, handleCommand } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import { ChangePublishedPolicyCommand } from './policy.commands';
import { policyReceiptDraft } from './policy-receipt.draft';

export interface PublishedPolicyAnswer {
  policy: PolicyView;
  previousPublishedPolicyId: string | null;
}

/**
 * Publishes a policy or rolls back to one (rules: PublishPolicy / RollbackPolicy of the policy
 * decider). The state evolves the target's `policy.created` read from the stream (the read model
 * may lag) and the policy set in force from the chain writer's tenant settings, as of the head the
 * receipt is appended after: two concurrent publishes cannot both claim the same predecessor.
 */
@CommandHandler(ChangePublishedPolicyCommand)
export class ChangePublishedPolicyHandler implements ICommandHandler<ChangePublishedPolicyCommand, { value: PublishedPolicyAnswer; position: number }> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  execute({ kind, tenantId, policyId, caller, requestId }: ChangePublishedPolicyCommand): Promise<{ value: PublishedPolicyAnswer; position: number }> {
    const subject = policySubject(policyId);
    return handleCommand(this.runtime, {
      tenantId,
      subjects: [subject],
      load: async (read, ctx) => {
        const inForce = ctx.setting(PUBLISHED_POLICY_SUBJECT);
        return { policySet: policyStateOf([policyEventOf(await read(subject)), policyEventOf(inForce)]), inForce };
      },
      decide: ({ policySet }) => decidePolicy(policySet, { type: kind, data: { tenantId, policyId }, metadata: { now: new Date().toISOString(), actor: caller.subject } }),
      // Built on a given predecessor: a retry on the same state yields the same receipt id and collapses.
      drafts: (events, { inForce }) => events.map((e) => policyReceiptDraft(e, derivedId('rcpt', tenantId, e.type, policyId, inForce?.receiptId ?? 'none'), requestId)),
      answer: ({ state, events }) => {
        const changed = events[0];
        if (changed) return { policy: policyViewOf(changed.data.policy), previousPublishedPolicyId: (changed.data as PolicySetData).previousPublishedPolicyId };
        return { policy: policyViewOf(state.policySet.published!), previousPublishedPolicyId: (policyEventOf(state.inForce)!.data as PolicySetData).previousPublishedPolicyId };
      },
    });
  }
}
