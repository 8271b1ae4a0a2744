import { hashCanonical } from '@oars/receipts';
import { actionEvents, given } from '@oars/testing';
import { actionDecider } from '../action.decide';
import { derivedReceiptId } from '../receipt-id';

const { ACTION_ID, FACTS, REQUESTER, T0, givenActionRequested, givenEvent, policyDeciding, submit } = actionEvents;

const jira = { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' };
const typesOf = (events: readonly { type: string }[]) => events.map((e) => e.type);

describe('SubmitAction', () => {
  it('given nothing, when denied by policy, then requested, denied and the POLICY_DENIED alert, all with the submission facts', () => {
    const events = given(actionDecider).when(submit({ policy: policyDeciding('deny'), context: { environment: 'prod' } })).events();
    expect(typesOf(events)).toEqual(['action.requested', 'action.denied', 'alert.raised']);
    expect(events[0]).toEqual({
      type: 'action.requested',
      data: { context: { environment: 'prod', requestedAt: T0 }, idempotencyRequestHash: null },
      metadata: {
        receiptId: derivedReceiptId(ACTION_ID, 'action.requested'), actionId: ACTION_ID,
        actor: FACTS.actor, resource: FACTS.resource, inputHash: hashCanonical({ q: 1 }),
        policy: expect.objectContaining({ policySetId: 'pol_1', policyVersion: 'v1', decision: 'deny', ruleIds: [] }),
        risk: expect.objectContaining({ tier: expect.any(String), score: expect.any(Number) }),
      },
    });
    expect(events[1]).toMatchObject({ data: { error: 'Action denied by policy.' }, metadata: { receiptId: derivedReceiptId(ACTION_ID, 'action.denied') } });
    expect(events[2]).toMatchObject({ data: { alert: { code: 'POLICY_DENIED', createdAt: T0 } } });
  });

  it('given nothing, when quarantined, then requested, quarantined and its alert', () => {
    const events = given(actionDecider).when(submit({ policy: policyDeciding('quarantine') })).events();
    expect(typesOf(events)).toEqual(['action.requested', 'action.quarantined', 'alert.raised']);
    expect(events[1]!.data).toEqual({ error: 'Action quarantined by policy.' });
  });

  it('given nothing, when the policy asks for approval, then approval_required opening the workflow (with its expiry)', () => {
    const events = given(actionDecider).when(submit({ policy: policyDeciding('approve'), approvalExpirySeconds: 60 })).events();
    expect(typesOf(events)).toEqual(['action.requested', 'action.approval_required']);
    expect(events[1]!.data).toMatchObject({
      approvalId: 'apr_1', stepUpRequired: false, approvalProgress: { currentStageIndex: 0, totalStages: 1, currentStageName: 'Primary Approval' },
      approval: { id: 'apr_1', status: 'pending', requestedBy: REQUESTER, expiresAt: '2026-03-01T10:01:00.000Z', plannedExecution: null },
    });
  });

  it('given nothing, when allowed, then approved for whoever executes it: a built-in connector inline, an HTTP connector, or the agent', () => {
    const inline = given(actionDecider).when(submit({ resource: jira })).events();
    expect(typesOf(inline)).toEqual(['action.requested', 'action.approved', 'action.executed']);
    expect(inline[1]!.data).toEqual({ executedBy: 'oars' });
    expect(inline[2]!.data).toEqual({ referenceId: `exec_${ACTION_ID}`, outputHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const viaHttp = given(actionDecider).when(submit({ resource: jira, httpToolIds: new Set(['jira']) })).events();
    expect(viaHttp.map((e) => e.data)).toEqual([expect.anything(), { executedBy: 'http' }]);
    expect(given(actionDecider).when(submit()).events()[1]!.data).toEqual({ executedBy: 'agent' });
  });

  it('plans a built-in outcome into the approval, so the approval can conclude it', () => {
    const [, required] = given(actionDecider).when(submit({ resource: jira, policy: policyDeciding('approve') })).events();
    expect(required!.data).toMatchObject({ approval: { plannedExecution: { status: 'executed' } } });
  });

  it('given the action exists (a retried Idempotency-Key), then nothing: the stored answer is replayed', () => {
    given(actionDecider, givenActionRequested()).when(submit()).then([]);
  });

  it('given an append cut after approved for a built-in connector, when the same submission is retried, then the planned outcome is recorded', () => {
    const facts = { resource: jira, inputHash: hashCanonical({ q: 1 }) };
    const cut = [givenEvent({ type: 'action.requested', data: { context: { requestedAt: T0 }, idempotencyRequestHash: null } }, facts), givenEvent({ type: 'action.approved', data: { executedBy: 'oars' } }, facts)];
    const events = given(actionDecider, ...cut).when(submit({ resource: jira })).events();
    // The alert is that of an execution at the stored risk (high here).
    expect(typesOf(events)).toEqual(['action.executed', 'alert.raised']);
    expect(events[0]).toMatchObject({ data: { referenceId: `exec_${ACTION_ID}` }, metadata: { receiptId: derivedReceiptId(ACTION_ID, 'action.executed'), resource: jira, inputHash: facts.inputHash } });
    // The same outcome as an uninterrupted submission.
    expect(events[0]!.data).toEqual(given(actionDecider).when(submit({ resource: jira })).events()[2]!.data);
    // Not for another input, tool or agent under the same id, nor once the outcome is recorded, nor for an executor other than OARS.
    given(actionDecider, ...cut).when(submit({ resource: jira }, T0, { q: 2 })).then([]);
    given(actionDecider, ...cut).when(submit({ resource: { ...jira, target: 'project:OTHER' } })).then([]);
    given(actionDecider, ...cut).when(submit({ resource: jira, agentId: 'agent_2' })).then([]);
    given(actionDecider, ...cut, ...given(actionDecider).when(submit({ resource: jira })).events().slice(2)).when(submit({ resource: jira })).then([]);
    given(actionDecider, givenEvent({ type: 'action.approved', data: { executedBy: 'agent' } }, facts)).when(submit({ resource: jira })).then([]);
  });
});
