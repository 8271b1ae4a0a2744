import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { type CreatePolicy, type PolicyView, decideCreatePolicy, initialPolicyState, policyEventOf, policyStateOf, policySubject, policyViewOf } from '@oars/domain';
import { derivedId, handleCommand, randomId } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import { CreatePolicyCommand } from './policy.commands';
import { policyReceiptDraft } from './policy-receipt.draft';

/**
 * `POST /v1/policies` (rules: CreatePolicy of the policy decider): a new draft, `policy.created` on
 * `policy.<id>`. With an Idempotency-Key the id derives from (tenant, caller, key), so a retry finds
 * the first draft and answers it again.
 */
@CommandHandler(CreatePolicyCommand)
export class CreatePolicyHandler implements ICommandHandler<CreatePolicyCommand, { policy: PolicyView; position: number }> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute({ body, caller, idempotencyKey, requestId }: CreatePolicyCommand): Promise<{ policy: PolicyView; position: number }> {
    const tenantId = body.tenantId;
    const policyId = idempotencyKey ? derivedId('pol', tenantId, caller.subject, idempotencyKey) : randomId('pol');
    const subject = policySubject(policyId);
    const command: CreatePolicy = {
      type: 'CreatePolicy',
      data: { tenantId, content: { version: body.version, rules: body.rules, defaultDecision: body.defaultDecision, riskConfig: body.riskConfig } },
      metadata: { policyId, now: new Date().toISOString(), actor: caller.subject },
    };
    // Decided once before queueing, so invalid content is refused without touching the stream.
    decideCreatePolicy(initialPolicyState, command);
    const { value, position } = await handleCommand(this.runtime, {
      tenantId,
      subjects: [subject],
      // A random id has nothing stored under it yet.
      load: async (read) => (idempotencyKey ? policyStateOf([policyEventOf(await read(subject))]) : initialPolicyState),
      decide: (state) => decideCreatePolicy(state, command),
      drafts: (events) => events.map((e) => policyReceiptDraft(e, derivedId('rcpt', policyId, e.type), requestId)),
      answer: ({ state, events }) => policyViewOf(events[0]?.data.policy ?? state.policies.get(policyId)!),
    });
    return { policy: value, position };
  }
}
