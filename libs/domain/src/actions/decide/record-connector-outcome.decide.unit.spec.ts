import { actionEvents, given } from '@oars/testing';
import type { RecordConnectorOutcome } from '../action.commands';
import { actionDecider } from '../action.decide';
import type { ExecutionOutcome } from '../execution';

const { givenApprovedFor, givenEvent, timer, T1 } = actionEvents;

const EXECUTED = { status: 'executed' as const, output: { id: 1 }, outputHash: 'c'.repeat(64) };
const record = (outcome: ExecutionOutcome): RecordConnectorOutcome => ({ type: 'RecordConnectorOutcome', data: { outcome }, metadata: timer(T1) });

describe('RecordConnectorOutcome', () => {
  it('given an action approved for its HTTP connector, when the call answers, then executed or failed (with their alerts)', () => {
    given(actionDecider, givenApprovedFor('http')).when(record(EXECUTED)).then([
      givenEvent({ type: 'action.executed', data: { referenceId: 'exec_act_1', outputHash: EXECUTED.outputHash } }),
      expect.objectContaining({ type: 'alert.raised' }),
    ]);
    given(actionDecider, givenApprovedFor('http')).when(record({ status: 'failed', error: 'HTTP 500' })).then([
      givenEvent({ type: 'action.failed', data: { error: 'HTTP 500' } }),
      expect.objectContaining({ type: 'alert.raised', data: { alert: expect.objectContaining({ code: 'EXECUTION_FAILED' }) } }),
    ]);
  });

  it('given an outcome already recorded (a retried or raced attempt), then nothing', () => {
    given(actionDecider, givenApprovedFor('http'), givenEvent({ type: 'action.executed', data: { referenceId: 'exec_act_1', outputHash: 'c'.repeat(64) } })).when(record(EXECUTED)).then([]);
    given(actionDecider, givenEvent({ type: 'action.failed', data: { error: 'x' } })).when(record(EXECUTED)).then([]);
    given(actionDecider).when(record(EXECUTED)).then([]);
  });

  it('never records a connector outcome for an action someone else executes', () => {
    given(actionDecider, givenApprovedFor('agent')).when(record(EXECUTED)).then([]);
    given(actionDecider, givenApprovedFor('oars')).when(record(EXECUTED)).then([]);
  });
});
