import { actionEvents, given } from '@oars/testing';
import { ActionNotAwaitingResultError, NotActionRequesterError } from '../../lifecycle/lifecycle.errors';
import type { ActionResultReport, ReportActionResult } from '../action.commands';
import { actionDecider } from '../action.decide';

const { FACTS, REQUESTER, T1, by, givenApprovalRequired, givenApprovedFor, givenEvent } = actionEvents;

const HASH = 'a'.repeat(64);
const report = (r: ActionResultReport, actor = REQUESTER, admin = false): ReportActionResult => ({ type: 'ReportActionResult', data: { report: r }, metadata: by(actor, admin) });

describe('ReportActionResult', () => {
  it('given an action approved for its agent, when the agent reports executed, then action.executed with the output hash and the high-risk alert', () => {
    const [executed, alert, ...rest] = given(actionDecider, givenApprovedFor('agent')).when(report({ status: 'executed', outputHash: HASH })).events();
    expect(executed).toEqual(givenEvent({ type: 'action.executed', data: { referenceId: 'exec_act_1', outputHash: HASH, reportedBy: REQUESTER } }));
    expect(alert).toMatchObject({ type: 'alert.raised', data: { alert: { code: 'HIGH_RISK_EXECUTED', actionId: 'act_1', createdAt: T1, metadata: { toolId: FACTS.resource.toolId } } } });
    expect(rest).toEqual([]);
  });

  it('given an action approved for its agent, when an admin reports failed, then action.failed with the error and the failure alert', () => {
    given(actionDecider, givenApprovedFor('agent')).when(report({ status: 'failed', error: 'timeout' }, 'admin_user', true)).then([
      givenEvent({ type: 'action.failed', data: { error: 'timeout', reportedBy: 'admin_user' } }),
      expect.objectContaining({ type: 'alert.raised', data: { alert: expect.objectContaining({ code: 'EXECUTION_FAILED', metadata: expect.objectContaining({ error: 'timeout' }) }) } }),
    ]);
  });

  it('given a reported outcome, when the same report comes again, then nothing new; a different one is refused', () => {
    const executed = givenEvent({ type: 'action.executed', data: { referenceId: 'exec_act_1', outputHash: HASH, reportedBy: REQUESTER } });
    given(actionDecider, executed).when(report({ status: 'executed', outputHash: HASH })).then([]);
    given(actionDecider, executed).when(report({ status: 'executed', outputHash: 'b'.repeat(64) })).thenThrows(ActionNotAwaitingResultError, 'action_not_awaiting_result');
    given(actionDecider, executed).when(report({ status: 'failed', error: 'x' })).thenThrows(ActionNotAwaitingResultError);
    const failed = givenEvent({ type: 'action.failed', data: { error: 'boom', reportedBy: REQUESTER } });
    given(actionDecider, failed).when(report({ status: 'failed', error: 'boom' })).then([]);
  });

  it('refuses reports for actions OARS executes, or that are not approved', () => {
    for (const latest of [givenApprovedFor('oars'), givenApprovedFor('http'), givenApprovalRequired(), givenEvent({ type: 'action.canceled', data: { error: 'x' } })]) {
      given(actionDecider, latest).when(report({ status: 'executed', outputHash: HASH })).thenThrows(ActionNotAwaitingResultError);
    }
    // A built-in connector's outcome (no reportedBy) is never taken for an agent's report.
    given(actionDecider, givenEvent({ type: 'action.executed', data: { referenceId: 'exec_act_1', outputHash: HASH } }))
      .when(report({ status: 'executed', outputHash: HASH }))
      .thenThrows(ActionNotAwaitingResultError);
  });

  it('refuses anyone but the submitter and admins', () => {
    given(actionDecider, givenApprovedFor('agent')).when(report({ status: 'failed', error: 'x' }, 'someone_else')).thenThrows(NotActionRequesterError);
  });
});
