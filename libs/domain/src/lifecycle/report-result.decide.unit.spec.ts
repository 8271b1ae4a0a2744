import { ActionNotAwaitingResultError, NotActionRequesterError } from './lifecycle.errors';
import { REQUESTER, givenApprovalRequired, givenApprovedFor, givenReceipt } from './lifecycle.fixtures';
import { type ActionResultReport, decideReportResult } from './report-result.decide';
import type { LatestActionReceipt } from './action-status';

const HASH = 'a'.repeat(64);
const when = (latest: LatestActionReceipt, report: ActionResultReport, by = REQUESTER, admin = false) =>
  decideReportResult({ actionId: 'act_1', latest, reportedBy: by, callerIsAdmin: admin, report });

describe('decideReportResult', () => {
  it('given an action approved for its agent, when the agent reports executed, then action.executed with the output hash', () => {
    expect(when(givenApprovedFor('agent'), { status: 'executed', outputHash: HASH })).toEqual({
      kind: 'record',
      transition: { type: 'action.executed', data: { referenceId: 'exec_act_1', outputHash: HASH, reportedBy: REQUESTER } },
    });
  });

  it('given an action approved for its agent, when an admin reports failed, then action.failed with the error', () => {
    expect(when(givenApprovedFor('agent'), { status: 'failed', error: 'timeout' }, 'admin_user', true)).toEqual({
      kind: 'record',
      transition: { type: 'action.failed', data: { error: 'timeout', reportedBy: 'admin_user' } },
    });
  });

  it('given a reported outcome, when the same report comes again, then nothing new; a different one is refused', () => {
    const executed = givenReceipt('action.executed', { referenceId: 'exec_act_1', outputHash: HASH, reportedBy: REQUESTER });
    expect(when(executed, { status: 'executed', outputHash: HASH })).toEqual({ kind: 'already_recorded' });
    expect(() => when(executed, { status: 'executed', outputHash: 'b'.repeat(64) })).toThrow(ActionNotAwaitingResultError);
    expect(() => when(executed, { status: 'failed', error: 'x' })).toThrow(ActionNotAwaitingResultError);
    const failed = givenReceipt('action.failed', { error: 'boom', reportedBy: REQUESTER });
    expect(when(failed, { status: 'failed', error: 'boom' })).toEqual({ kind: 'already_recorded' });
  });

  it('refuses reports for actions OARS executes, or that are not approved', () => {
    for (const latest of [givenApprovedFor('oars'), givenApprovedFor('http'), givenApprovalRequired(), givenReceipt('action.canceled')]) {
      expect(() => when(latest, { status: 'executed', outputHash: HASH })).toThrow(ActionNotAwaitingResultError);
    }
    // A built-in connector's outcome (no reportedBy) is never taken for an agent's report.
    expect(() => when(givenReceipt('action.executed', { outputHash: HASH }), { status: 'executed', outputHash: HASH })).toThrow(ActionNotAwaitingResultError);
  });

  it('refuses anyone but the submitter and admins', () => {
    expect(() => when(givenApprovedFor('agent'), { status: 'failed', error: 'x' }, 'someone_else')).toThrow(NotActionRequesterError);
  });
});
