import { decideConnectorOutcome } from './connector-outcome.decide';
import { givenApprovedFor, givenReceipt } from './lifecycle.fixtures';

const EXECUTED = { status: 'executed' as const, output: { id: 1 }, outputHash: 'c'.repeat(64) };

describe('decideConnectorOutcome', () => {
  it('given an action approved for its HTTP connector, when the call answers, then executed or failed', () => {
    expect(decideConnectorOutcome('act_1', givenApprovedFor('http'), EXECUTED)).toEqual({ type: 'action.executed', data: { referenceId: 'exec_act_1', outputHash: EXECUTED.outputHash } });
    expect(decideConnectorOutcome('act_1', givenApprovedFor('http'), { status: 'failed', error: 'HTTP 500' })).toEqual({ type: 'action.failed', data: { error: 'HTTP 500' } });
  });

  it('given an outcome already recorded (a retried or raced attempt), then nothing', () => {
    expect(decideConnectorOutcome('act_1', givenReceipt('action.executed'), EXECUTED)).toBeNull();
    expect(decideConnectorOutcome('act_1', givenReceipt('action.failed'), EXECUTED)).toBeNull();
  });

  it('never records a connector outcome for an action someone else executes', () => {
    expect(decideConnectorOutcome('act_1', givenApprovedFor('agent'), EXECUTED)).toBeNull();
    expect(decideConnectorOutcome('act_1', givenApprovedFor('oars'), EXECUTED)).toBeNull();
  });
});

