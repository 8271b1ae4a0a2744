import type { ActionState } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { ReceiptStreamBuilder, givenActionApproved, givenActionExecuted, givenActionLifecycle, givenActionRequested } from '@oars/testing';
import { defaultPolicyHash, emptyCounters, foldOpsReceipts } from './ops-fold';
import { decidedWith, givenPolicyDocument, givenPolicyPublished } from '@oars/testing';
import { decodeSecurityEventCursor, encodeSecurityEventCursor } from './security-event-cursor';

const TENANT = 'tenant_fold';

function given(receipts: Receipt[], priorStates: ReadonlyMap<string, ActionState> = new Map()) {
  return foldOpsReceipts({ counters: emptyCounters(TENANT), receipts, priorStates });
}

function underDefault(receipts: Receipt[]): Receipt[] {
  for (const r of receipts) if (r.policy) r.policy = { ...r.policy, policyHash: defaultPolicyHash(TENANT) };
  return receipts;
}

describe('foldOpsReceipts', () => {
  it('counts an action once, in the state its latest receipt names, and its decision once', () => {
    const s = new ReceiptStreamBuilder(TENANT);
    const approve = underDefault(givenActionLifecycle(s, 'approve_pending'));
    const approved = givenActionApproved(s, approve[1]!);
    const executed = givenActionExecuted(s, approved);
    const { counters, securityEvents } = given([...approve, approved, executed]);
    expect(counters.actionsTotal).toBe(1);
    expect(counters.byState).toMatchObject({ requested: 0, approval_required: 0, approved: 0, executed: 1 });
    expect(counters.decisions).toEqual({ allow: 0, deny: 0, approve: 1, quarantine: 0 });
    expect(counters.lastSequence).toBe(executed.sequence);
    expect(securityEvents).toEqual([]);
  });

  it('ignores receipts of unknown actions, a second action.requested, and receipts at or below lastSequence', () => {
    const s = new ReceiptStreamBuilder(TENANT);
    const [requested, decided] = underDefault(givenActionLifecycle(s, 'allow'));
    const stray = givenActionExecuted(s, givenActionRequested(new ReceiptStreamBuilder(TENANT, { after: 50 })));
    const again = { ...requested!, sequence: s.next({ type: 'noop' }).sequence };
    const first = given([requested!, decided!, stray, again]);
    expect(first.counters.actionsTotal).toBe(1);
    expect(first.counters.byState.approved).toBe(1);
    const replay = foldOpsReceipts({ counters: first.counters, receipts: [requested!, decided!], priorStates: new Map() });
    expect(replay.counters).toEqual(first.counters);
  });

  it('moves an action decided in an earlier batch from the state given for it', () => {
    const s = new ReceiptStreamBuilder(TENANT, { after: 10 });
    const pending = givenActionLifecycle(s, 'approve_pending');
    const approved = givenActionApproved(s, pending[1]!);
    const counters = { ...emptyCounters(TENANT), actionsTotal: 1, lastSequence: pending[1]!.sequence };
    counters.byState = { ...counters.byState, approval_required: 1 };
    const out = foldOpsReceipts({ counters, receipts: [approved], priorStates: new Map([[approved.actionId!, 'approval_required']]) });
    expect(out.counters.byState).toMatchObject({ approval_required: 0, approved: 1 });
    expect(out.counters.decisions.allow).toBe(0);
  });

  it('flags a decision made with a policy other than the one in force at its position', () => {
    const s = new ReceiptStreamBuilder(TENANT);
    const fine = underDefault(givenActionLifecycle(s, 'allow'));
    const v2 = givenPolicyDocument(TENANT, 'v2');
    const published = givenPolicyPublished(s, v2);
    const stale = underDefault(givenActionLifecycle(s, 'allow')); // still the default after v2 was published
    const current = decidedWith(givenActionLifecycle(s, 'deny'), v2);
    const { counters, securityEvents } = given([...fine, published, ...stale, ...current]);
    expect(counters.policyDriftDecisions).toBe(1);
    expect(counters.lastPolicyDriftAt).toBe(stale[1]!.timestamp);
    expect(counters.publishedPolicy).toMatchObject({ id: v2.id, version: 'v2', sequence: published.sequence });
    const drift = securityEvents.find((e) => e.eventType === 'policy.drift_detected')!;
    expect(drift).toMatchObject({ source: 'receipt', occurredAt: stale[1]!.timestamp, payload: { receiptId: stale[1]!.receiptId, actionId: stale[1]!.actionId, decisionPolicy: { policyHash: defaultPolicyHash(TENANT) }, publishedPolicy: { policyVersion: 'v2' } } });
    expect(securityEvents.map((e) => e.eventType)).toEqual(['policy.published', 'policy.drift_detected']);
  });

  it('counts denials and quarantines at tier high or critical as denied high-risk actions', () => {
    const s = new ReceiptStreamBuilder(TENANT);
    const tiers = ['low', 'medium', 'high', 'critical'] as const;
    const receipts = tiers.flatMap((tier, i) => {
      const lifecycle = underDefault(givenActionLifecycle(s, i % 2 === 0 ? 'deny' : 'quarantine'));
      for (const r of lifecycle) r.risk = { score: 10 * i, tier, signals: [] };
      return lifecycle;
    });
    const { counters, securityEvents } = given(receipts);
    expect(counters.deniedHighRisk).toBe(2);
    expect(securityEvents.map((e) => [e.eventType, e.payload.riskTier, e.payload.state])).toEqual([
      ['action.denied_high_risk', 'high', 'denied'],
      ['action.denied_high_risk', 'critical', 'quarantined'],
    ]);
    expect(new Set(securityEvents.map((e) => e.id)).size).toBe(2);
  });

  it('gives receipt-sourced events ids derived from the receipt, so a replay yields the same ids', () => {
    const s = new ReceiptStreamBuilder(TENANT);
    const key = s.next({ type: 'key.rotated', data: { newKeyId: 'key_b', previousKeyId: 'key_a' } });
    const a = given([key]).securityEvents;
    const b = given([key]).securityEvents;
    expect(a).toEqual(b);
    expect(a[0]).toMatchObject({ eventType: 'keys.rotated', payload: { newKeyId: 'key_b', previousKeyId: 'key_a', sequence: key.sequence } });
  });
});

describe('security event cursor', () => {
  it('round-trips a position and refuses what this server did not issue', () => {
    const cursor = encodeSecurityEventCursor({ occurredAtMs: 1767225600123, eventId: 'evt_abc' });
    expect(decodeSecurityEventCursor(cursor)).toEqual({ occurredAtMs: 1767225600123, eventId: 'evt_abc' });
    for (const bad of ['', 'zz!', Buffer.from('x:evt_a').toString('base64url'), Buffer.from('12:rcpt_a').toString('base64url'), `${cursor}=`]) {
      expect(() => decodeSecurityEventCursor(bad)).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    }
  });
});
