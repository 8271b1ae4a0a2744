import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { type CreatePolicy, type PolicyView, decideCreatePolicy, initialPolicyState, policyEventOf, policyStateOf, policySubject, policyViewOf } from '@oars/domain';
import { derivedId, latestReceipt, randomId } from '@oars/ledger';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import { CreatePolicyCommand } from './policy.commands';
import { policyReceiptDraft } from './policy-receipt.draft';

/**
 * Records a new draft policy (`policy.created` on `policy.<id>`). With an Idempotency-Key the id is
 * derived from (tenant, caller, key), so a retry finds the first draft and answers it again.
 */
@CommandHandler(CreatePolicyCommand)
export class CreatePolicyHandler implements ICommandHandler<CreatePolicyCommand, { policy: PolicyView; position: number }> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute(cmd: CreatePolicyCommand): Promise<{ policy: PolicyView; position: number }> {
    const { body, caller, idempotencyKey } = cmd;
    const tenantId = body.tenantId;
    const policyId = idempotencyKey ? derivedId('pol', tenantId, caller.subject, idempotencyKey) : randomId('pol');
    const command: CreatePolicy = {
      type: 'CreatePolicy',
      data: { tenantId, content: { version: body.version, rules: body.rules, defaultDecision: body.defaultDecision, riskConfig: body.riskConfig } },
      metadata: { policyId, now: new Date().toISOString(), actor: caller.subject },
    };
    // Decided once before queueing, so invalid content is refused without touching the stream.
    const fresh = decideCreatePolicy(initialPolicyState, command);
    const { value, position } = await this.runtime.writer.write(tenantId, async () => {
      const stored = idempotencyKey ? policyEventOf(await latestReceipt(this.runtime.store, tenantId, policySubject(policyId))) : null;
      const events = stored ? decideCreatePolicy(policyStateOf([stored]), command) : fresh;
      const policy = (events[0] ?? stored ?? fresh[0]!).data.policy;
      return {
        drafts: events.map((e) => policyReceiptDraft(e, derivedId('rcpt', policyId, e.type), cmd.requestId)),
        finish: () => policyViewOf(policy),
      };
    });
    return { policy: value, position };
  }
}
