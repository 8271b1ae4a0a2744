import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApprovalRuleError, PUBLISHED_POLICY_SUBJECT, actionIdOfApproval, approvalOf, reasonHashOf, stepUpSubjectOf } from '@oars/domain';
import { handleActionCommand, lastChainReceipt, latestReceipt } from '@oars/ledger';
import { builtInDefaultPolicy } from '@oars/policy';
import { findApprovalTenant } from '@oars/readmodels';
import { deriveKek } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { notFound } from '../http/api-error';
import { RUNTIME } from '../runtime.token';
import { publishedPolicyOf } from '../settings/tenant-settings';
import { type DecisionAnswer, DecideApproval } from './approval.commands';
import { concludedAnswer, pendingAnswer, recordedAnswer } from './decision-answer';
import { loadStepUpFactor } from './step-up-factor';

type Outcome = { kind: 'answer'; answer: DecisionAnswer } | { kind: 'recorded'; sequence: number };

/**
 * `POST /v1/approvals/:id/decision` (rules: DecideApproval of the action decider). This adapter
 * finds the approval's tenant, builds the command with the approver's step-up factor and the policy
 * in force, and shapes the answer; a decision already recorded is answered from the read models.
 */
@CommandHandler(DecideApproval)
export class DecideApprovalHandler implements ICommandHandler<DecideApproval, DecisionAnswer> {
  private readonly kek: Buffer;
  private readonly httpToolIds: ReadonlySet<string>;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {
    this.kek = deriveKek(runtime.config.keyEncryptionSecret);
    this.httpToolIds = new Set(runtime.config.httpConnectors.map((c) => c.toolId));
  }

  async execute(cmd: DecideApproval): Promise<DecisionAnswer> {
    const { approverId, body } = cmd;
    const actionId = actionIdOfApproval(cmd.approvalId);
    if (!actionId) throw notFound('Approval');
    const tenantId = await this.locate(cmd, actionId);
    const reasonHash = reasonHashOf(body.reason);
    const now = new Date().toISOString();
    const { value } = await handleActionCommand<Outcome>(this.runtime, {
      tenantId, actionId, requestId: cmd.requestId,
      alsoLocks: body.decision === 'approve' ? [stepUpSubjectOf(approverId)] : [],
      command: async ({ state }, ctx) => {
        const factor = body.decision === 'approve' && state.approval?.requiresStepUp ? await loadStepUpFactor(this.runtime, this.kek, tenantId, approverId) : null;
        return {
          type: 'DecideApproval',
          data: {
            approverId, decision: body.decision, reasonHash,
            stepUp: {
              code: body.stepUpCode ?? null,
              totp: factor ? { ...factor.enrollment, secret: factor.secret } : null,
              sharedCode: this.runtime.config.stepUpSharedCode,
            },
            policy: publishedPolicyOf(ctx.setting(PUBLISHED_POLICY_SUBJECT)) ?? builtInDefaultPolicy(tenantId),
            httpToolIds: this.httpToolIds,
          },
          metadata: { tenantId, actionId, now },
        };
      },
      answer: (outcome) => {
        const last = lastChainReceipt(outcome);
        const decided = outcome.events[0];
        // Nothing new (a retry, or the approval concluded meanwhile): the recorded decision answers.
        if (!last || decided?.type !== 'approval.decided') return { kind: 'recorded', sequence: outcome.state.latest!.sequence };
        const after = decided.data.approval;
        const answer = last === outcome.receipts[0] ? pendingAnswer(actionId, last, after) : concludedAnswer(actionId, last, after, approverId, body.reason);
        return { kind: 'answer', answer };
      },
    });
    if (value.kind === 'answer') return value.answer;
    const answer = await recordedAnswer(this.runtime, tenantId, actionId, value.sequence, { approverId, decision: body.decision, reasonHash, reason: body.reason });
    if (!answer) throw new ApprovalRuleError('approval_not_pending', `Approval is not pending: ${cmd.approvalId}`);
    return answer;
  }

  /** The tenant holding the approval among the caller's: the read model, or (just submitted elsewhere) the streams. */
  private async locate(cmd: DecideApproval, actionId: string): Promise<string> {
    const tenants = cmd.caller.tenantIds;
    await this.runtime.catchUp(tenants);
    const found = await findApprovalTenant(this.runtime.sql, tenants, cmd.approvalId);
    if (found) return found;
    for (const tenantId of tenants) {
      if (approvalOf(await latestReceipt(this.runtime.store, tenantId, `action.${actionId}`))) return tenantId;
    }
    throw notFound('Approval');
  }
}
