import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  APPROVAL_DECIDED,
  type ApprovalState,
  ApprovalRuleError,
  PUBLISHED_POLICY_SUBJECT,
  STEP_UP_USED,
  actionIdOfApproval,
  alertForOutcome,
  approvalOf,
  concludeApproval,
  decideApproval,
  reasonHashOf,
  stepUpSubjectOf,
} from '@oars/domain';
import { type ReceiptDraft, aggregateDraft, derivedId } from '@oars/ledger';
import { builtInDefaultPolicy, evaluatePolicy, scoreRisk } from '@oars/policy';
import { type ActionChainEntry, actionChainDrafts, aggregateKey, aggregateLockOf, findApprovalTenant } from '@oars/readmodels';
import { type Receipt, type ReceiptPolicy, type ReceiptRisk, deriveKek } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { alertDraft } from '../alerts/alert-draft';
import { ApiError, notFound } from '../http/api-error';
import { RUNTIME } from '../runtime.token';
import { publishedPolicyOf } from '../settings/tenant-settings';
import { type DecisionAnswer, DecideApproval } from './approval.commands';
import { concludedAnswer, conclusionReceiptId, pendingAnswer, recordedAnswer } from './decision-answer';
import { loadStepUpFactor } from './step-up-factor';

type Outcome = { kind: 'answer'; answer: DecisionAnswer } | { kind: 'recorded'; sequence: number };

const RULE_STATUS: Record<ApprovalRuleError['code'], number> = {
  approval_not_pending: 409,
  duplicate_approver: 409,
  approver_not_authorized: 403,
  separation_of_duties: 403,
  step_up_required: 403,
  step_up_invalid: 403,
  step_up_replayed: 403,
};

/**
 * Records an approval decision in the action's chain and, at the final one, concludes the action
 * under the policy in force now. Rules live in `decideApproval` / `concludeApproval`; this handler
 * finds the approval, gathers the facts inside the chain writer's build and shapes the answer.
 */
@CommandHandler(DecideApproval)
export class DecideApprovalHandler implements ICommandHandler<DecideApproval, DecisionAnswer> {
  private readonly kek: Buffer;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {
    this.kek = deriveKek(runtime.config.keyEncryptionSecret);
  }

  async execute(cmd: DecideApproval): Promise<DecisionAnswer> {
    const actionId = actionIdOfApproval(cmd.approvalId);
    if (!actionId) throw notFound('Approval');
    const tenantId = await this.locate(cmd, actionId);
    const reasonHash = reasonHashOf(cmd.body.reason);
    const keys = [aggregateKey(tenantId, `action.${actionId}`)];
    if (cmd.body.decision === 'approve') keys.push(aggregateKey(tenantId, stepUpSubjectOf(cmd.approverId)));
    try {
      const outcome = await aggregateLockOf(this.runtime.writer).run(keys, () => this.write(cmd, tenantId, actionId, reasonHash));
      if (outcome.kind === 'answer') return outcome.answer;
      const answer = await recordedAnswer(this.runtime, tenantId, actionId, outcome.sequence, {
        approverId: cmd.approverId, decision: cmd.body.decision, reasonHash, reason: cmd.body.reason,
      });
      if (!answer) throw new ApprovalRuleError('approval_not_pending', `Approval is not pending: ${cmd.approvalId}`);
      return answer;
    } catch (err) {
      if (err instanceof ApprovalRuleError) throw new ApiError(RULE_STATUS[err.code], err.code, err.message);
      throw err;
    }
  }

  /** The tenant holding the approval among the caller's: the read model, or — just submitted elsewhere — the streams. */
  private async locate(cmd: DecideApproval, actionId: string): Promise<string> {
    const tenants = cmd.caller.tenantIds;
    await this.runtime.catchUp(tenants);
    const found = await findApprovalTenant(this.runtime.sql, tenants, cmd.approvalId);
    if (found) return found;
    for (const tenantId of tenants) {
      const event = await this.runtime.store.lastBySubject(tenantId, `action.${actionId}`);
      if (approvalOf(event ? (event.data as unknown as Receipt) : null)) return tenantId;
    }
    throw notFound('Approval');
  }

  private async write(cmd: DecideApproval, tenantId: string, actionId: string, reasonHash: string): Promise<Outcome> {
    const { approverId, body } = cmd;
    const now = new Date().toISOString();
    const { value } = await this.runtime.writer.write<Outcome>(tenantId, async (ctx) => {
      const event = await this.runtime.store.lastBySubject(tenantId, `action.${actionId}`);
      if (!event) throw notFound('Approval');
      const last = event.data as unknown as Receipt;
      const approval = approvalOf(last);
      // Concluded (the latest receipt no longer carries the approval): only a retry can still be answered.
      if (!approval) return { drafts: [], finish: () => ({ kind: 'recorded', sequence: event.sequence }) };
      const needsStepUp = body.decision === 'approve' && approval.requiresStepUp;
      const factor = needsStepUp ? await loadStepUpFactor(this.runtime, this.kek, tenantId, approverId) : null;
      const result = decideApproval(approval, {
        approverId,
        decision: body.decision,
        reasonHash,
        stepUp: {
          code: body.stepUpCode ?? null,
          totp: factor ? { enrollmentId: factor.enrollment.enrollmentId, secret: factor.secret, lastTimeStep: factor.enrollment.lastTimeStep } : null,
          sharedCode: this.runtime.config.stepUpSharedCode,
        },
      }, now);
      if (result.kind === 'already_recorded') return { drafts: [], finish: () => ({ kind: 'recorded', sequence: event.sequence }) };

      const { decision, approval: after } = result;
      const decidedId = derivedId('rcpt', approval.id, String(decision.stageIndex), approverId, decision.decision, reasonHash);
      const entries: ActionChainEntry[] = [{
        receiptId: decidedId,
        type: APPROVAL_DECIDED,
        data: { approvalId: approval.id, stageIndex: decision.stageIndex, stageId: decision.stageId, approverId, decision: decision.decision, reasonHash, stepUp: decision.stepUp, approval: after },
      }];
      const reevaluation = after.status === 'approved' ? this.reevaluate(ctx.setting(PUBLISHED_POLICY_SUBJECT), tenantId, last, after) : null;
      const transitions = concludeApproval(after, reevaluation?.policy.decision ?? null, this.deferredExecutor(last));
      for (const t of transitions) {
        entries.push({ receiptId: conclusionReceiptId(decidedId, t.type), type: t.type, data: t.data, ...(reevaluation ?? {}) });
      }
      const drafts: ReceiptDraft[] = actionChainDrafts(last, entries, cmd.requestId);
      if (factor && result.totpTimeStep !== null) drafts.push(this.stepUpUsedDraft(decidedId, approverId, factor.enrollment, result.totpTimeStep));
      const final = transitions[transitions.length - 1];
      const alert = final
        ? alertForOutcome({
            tenantId, actionId, resource: last.resource!, risk: reevaluation?.risk ?? last.risk!, now,
            state: final.type.slice('action.'.length), error: typeof final.data.error === 'string' ? final.data.error : null,
          })
        : null;
      if (alert) drafts.push({ ...alertDraft(alert), receiptId: conclusionReceiptId(decidedId, 'alert') });
      return {
        drafts,
        finish: (receipts: Receipt[]) => {
          const answer = transitions.length === 0
            ? pendingAnswer(actionId, receipts[0]!, after)
            : concludedAnswer(actionId, receipts[transitions.length]!, after, approverId, body.reason);
          return { kind: 'answer', answer };
        },
      };
    });
    return value;
  }

  /** The current published policy (else the built-in default) on the action's resource, context and a fresh risk score. */
  private reevaluate(published: Receipt | null, tenantId: string, last: Receipt, approval: ApprovalState): { policy: ReceiptPolicy; risk: ReceiptRisk } {
    const policy = publishedPolicyOf(published) ?? builtInDefaultPolicy(tenantId);
    const resource = last.resource!;
    const risk = scoreRisk(resource, policy.riskConfig, approval.context);
    const e = evaluatePolicy(policy, { resource, context: approval.context, risk });
    return { policy: { policySetId: e.policySetId, policyVersion: e.policyVersion, policyHash: e.policyHash, decision: e.decision, ruleIds: e.ruleIds, rationale: e.rationale }, risk };
  }

  /** Who records the outcome of an approved tool without a planned built-in outcome: its HTTP connector, else the agent. */
  private deferredExecutor(last: Receipt): 'http' | 'agent' {
    const toolId = last.resource?.toolId;
    return this.runtime.config.httpConnectors.some((c) => c.toolId === toolId) ? 'http' : 'agent';
  }

  private stepUpUsedDraft(decidedId: string, approverId: string, enrollment: { enrollmentId: string; enrolledAt: string }, lastTimeStep: number): ReceiptDraft {
    return aggregateDraft(conclusionReceiptId(decidedId, STEP_UP_USED), STEP_UP_USED, stepUpSubjectOf(approverId), { subject: approverId, enrollmentId: enrollment.enrollmentId, enrolledAt: enrollment.enrolledAt, lastTimeStep });
  }
}
