import type { RiskTier } from '@oars/receipts';
import { ApprovalRuleError } from './approval.errors';
import { type ApprovalStage, type ApprovalState, type ApprovalWorkflow, openApproval } from './approval.types';
import { type DecideApprovalCommand, type DecideApprovalResult, type StepUpEvidence, decideApproval, reasonHashOf } from './decide-approval';
import { hotp, totpTimeStep } from './totp';

const T0 = '2026-03-01T10:00:00.000Z';
const T1 = '2026-03-01T10:05:00.000Z';
const SECRET = Buffer.from('12345678901234567890');

const stage = (id: string, over: Partial<ApprovalStage> = {}): ApprovalStage => ({
  id, name: `Stage ${id}`, mode: 'serial', requiredApprovals: 1, approverIds: [], slaSeconds: null, escalateTo: [], ...over,
});

function pending(stages: ApprovalStage[], riskTier: RiskTier = 'high'): ApprovalState {
  const workflow: ApprovalWorkflow = { id: 'apr_wf_1', tenantId: 't1', stages, createdAt: T0, updatedAt: T0, createdBy: 'admin' };
  return openApproval({
    actionId: 'act_1', tenantId: 't1', workflow, riskTier, requestedBy: 'requester', context: { requestedAt: T0 },
    now: T0, expirySeconds: 3600, plannedExecution: null,
  });
}

const noStepUp: StepUpEvidence = { code: null, totp: null, sharedCode: null };
const cmd = (approverId: string, over: Partial<DecideApprovalCommand> = {}): DecideApprovalCommand => ({
  approverId, decision: 'approve', reasonHash: reasonHashOf('looks good'), stepUp: noStepUp, ...over,
});

/** given(approval state).when(decisions...) → the last result, or the rule error's code. */
function given(state: ApprovalState) {
  return {
    when(...commands: DecideApprovalCommand[]): { state: ApprovalState; result: DecideApprovalResult } | { refused: string } {
      let current = state;
      let result: DecideApprovalResult | undefined;
      try {
        for (const c of commands) {
          result = decideApproval(current, c, T1);
          if (result.kind === 'recorded') current = result.approval;
        }
      } catch (err) {
        if (err instanceof ApprovalRuleError) return { refused: err.code };
        throw err;
      }
      return { state: current, result: result! };
    },
  };
}

const stateOf = (outcome: ReturnType<ReturnType<typeof given>['when']>) => {
  if ('refused' in outcome) throw new Error(`refused: ${outcome.refused}`);
  return outcome.state;
};

describe('decideApproval (given approval, when decisions, then snapshot or refusal)', () => {
  describe('workflow shapes', () => {
    it('serial single stage: one approval approves', () => {
      const after = stateOf(given(pending([stage('s1')])).when(cmd('alice')));
      expect(after.status).toBe('approved');
      expect(after.decisions).toEqual([
        { decision: 'approve', approverId: 'alice', reasonHash: reasonHashOf('looks good'), stageId: 's1', stageIndex: 0, stepUp: null, decidedAt: T1 },
      ]);
    });

    it('parallel quorum: 2 of 3 stays pending after one, approves after two', () => {
      const wf = [stage('p', { mode: 'parallel', requiredApprovals: 2, approverIds: ['alice', 'bob', 'carol'] })];
      expect(stateOf(given(pending(wf)).when(cmd('alice')))).toMatchObject({ status: 'pending', currentStageIndex: 0 });
      expect(stateOf(given(pending(wf)).when(cmd('alice'), cmd('carol')))).toMatchObject({ status: 'approved' });
    });

    it('multi-stage: a completed stage advances, restarting the clock and the next SLA', () => {
      const wf = [stage('s1'), stage('s2', { mode: 'parallel', requiredApprovals: 2, slaSeconds: 60 }), stage('s3')];
      const afterFirst = stateOf(given(pending(wf)).when(cmd('alice')));
      expect(afterFirst).toMatchObject({ status: 'pending', currentStageIndex: 1, stageStartedAt: T1, stageDeadlineAt: '2026-03-01T10:06:00.000Z' });
      const afterSecond = stateOf(given(pending(wf)).when(cmd('alice'), cmd('bob'), cmd('carol')));
      expect(afterSecond).toMatchObject({ status: 'pending', currentStageIndex: 2, stageDeadlineAt: null });
      const done = stateOf(given(pending(wf)).when(cmd('alice'), cmd('bob'), cmd('carol'), cmd('dave')));
      expect(done.status).toBe('approved');
      expect(done.decisions.map((d) => [d.approverId, d.stageId])).toEqual([['alice', 's1'], ['bob', 's2'], ['carol', 's2'], ['dave', 's3']]);
    });

    it('a reject ends the approval at any stage', () => {
      const wf = [stage('s1'), stage('s2', { mode: 'parallel', requiredApprovals: 2 })];
      expect(stateOf(given(pending(wf)).when(cmd('alice', { decision: 'reject' }))).status).toBe('rejected');
      const late = stateOf(given(pending(wf)).when(cmd('alice'), cmd('bob'), cmd('carol', { decision: 'reject' })));
      expect(late).toMatchObject({ status: 'rejected', currentStageIndex: 1 });
    });
  });

  describe('who may decide', () => {
    it('the same approver cannot count twice (in a stage or across stages)', () => {
      const parallel = [stage('p', { mode: 'parallel', requiredApprovals: 2 })];
      expect(given(pending(parallel)).when(cmd('alice'), cmd('alice', { reasonHash: reasonHashOf('again') }))).toEqual({ refused: 'duplicate_approver' });
      const twoStages = [stage('s1'), stage('s2')];
      expect(given(pending(twoStages)).when(cmd('alice'), cmd('alice', { decision: 'reject' }))).toEqual({ refused: 'duplicate_approver' });
    });

    it('the same decision again by the same approver is a retry, not a second vote', () => {
      const parallel = [stage('p', { mode: 'parallel', requiredApprovals: 2 })];
      const outcome = given(pending(parallel)).when(cmd('alice'), cmd('alice'));
      expect(outcome).toMatchObject({ result: { kind: 'already_recorded', decision: { approverId: 'alice', stageIndex: 0 } } });
      expect(stateOf(outcome).decisions).toHaveLength(1);
      // Even after the approval concluded, a retry is recognised rather than refused.
      expect(given(pending([stage('s1')])).when(cmd('alice'), cmd('alice'))).toMatchObject({ result: { kind: 'already_recorded' } });
    });

    it('a stage with approverIds accepts only them', () => {
      expect(given(pending([stage('s1', { approverIds: ['bob'] })])).when(cmd('alice'))).toEqual({ refused: 'approver_not_authorized' });
    });

    it('the requester cannot approve their own action, but may withdraw it by rejecting', () => {
      expect(given(pending([stage('s1')])).when(cmd('requester'))).toEqual({ refused: 'separation_of_duties' });
      expect(stateOf(given(pending([stage('s1')])).when(cmd('requester', { decision: 'reject' }))).status).toBe('rejected');
    });

    it.each<ApprovalState['status']>(['approved', 'rejected', 'expired', 'canceled'])('an approval in status %s takes no decision', (status) => {
      expect(given({ ...pending([stage('s1')]), status }).when(cmd('alice'))).toEqual({ refused: 'approval_not_pending' });
    });
  });

  describe('step-up for critical approvals', () => {
    const critical = () => pending([stage('s1')], 'critical');
    const step = totpTimeStep(Date.parse(T1));
    const totp = (lastTimeStep: number | null = null) => ({ enrollmentId: 'stp_1', enrolledAt: T0, secret: SECRET, lastTimeStep });

    it('is required to approve, and is not needed to reject', () => {
      expect(given(critical()).when(cmd('alice'))).toEqual({ refused: 'step_up_required' });
      expect(stateOf(given(critical()).when(cmd('alice', { decision: 'reject' }))).status).toBe('rejected');
    });

    it('accepts the shared code of approvers without a factor, and refuses a wrong or disabled one', () => {
      const ok = given(critical()).when(cmd('alice', { stepUp: { code: 'stepup_dev_code', totp: null, sharedCode: 'stepup_dev_code' } }));
      expect(stateOf(ok).decisions[0]!.stepUp).toBe('shared_code');
      expect(given(critical()).when(cmd('alice', { stepUp: { code: 'wrong', totp: null, sharedCode: 'stepup_dev_code' } }))).toEqual({ refused: 'step_up_invalid' });
      expect(given(critical()).when(cmd('alice', { stepUp: { code: 'stepup_dev_code', totp: null, sharedCode: null } }))).toEqual({ refused: 'step_up_invalid' });
    });

    it('accepts the current TOTP of an enrolled approver and reports its time step', () => {
      const outcome = given(critical()).when(cmd('alice', { stepUp: { code: hotp(SECRET, step), totp: totp(), sharedCode: null } }));
      expect(outcome).toMatchObject({ result: { kind: 'recorded', totpTimeStep: step, decision: { stepUp: 'totp' } } });
    });

    it('refuses an invalid TOTP, and the shared code once a factor is enrolled', () => {
      expect(given(critical()).when(cmd('alice', { stepUp: { code: hotp(SECRET, step + 5), totp: totp(), sharedCode: null } }))).toEqual({ refused: 'step_up_invalid' });
      expect(given(critical()).when(cmd('alice', { stepUp: { code: 'stepup_dev_code', totp: totp(), sharedCode: 'stepup_dev_code' } }))).toEqual({ refused: 'step_up_invalid' });
    });

    it('refuses a TOTP code whose time step was already used', () => {
      expect(given(critical()).when(cmd('alice', { stepUp: { code: hotp(SECRET, step), totp: totp(step), sharedCode: null } }))).toEqual({ refused: 'step_up_replayed' });
    });
  });
});
