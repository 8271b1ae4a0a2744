import { createHash } from 'node:crypto';
import { evaluatePolicy, policyHash, sortRulesByPriority } from './evaluate-policy';
import { InvalidRequestedAtError } from './policy.errors';
import type { PolicyDocument, PolicyEvaluationRequest, PolicyRule } from './policy.types';
import { scoreRisk } from './risk/risk-score';

const rule = (id: string, priority: number, match: PolicyRule['match'], decision: PolicyRule['decision'] = 'allow'): PolicyRule => ({
  id,
  description: `rule ${id}`,
  priority,
  match,
  decision,
});

function givenPolicy(rules: PolicyRule[], extra: Partial<PolicyDocument> = {}): PolicyDocument {
  return {
    id: 'pol_1',
    tenantId: 'tenant_alpha',
    version: 'v1',
    status: 'published',
    rules,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

function whenRequested(toolId: string, operation: string, target: string, context: Partial<PolicyEvaluationRequest['context']> = {}): PolicyEvaluationRequest {
  const resource = { toolId, operation, target };
  return { resource, context: { requestedAt: '2025-03-01T12:00:00.000Z', ...context }, risk: scoreRisk(resource) };
}

describe('evaluatePolicy', () => {
  it('given rules out of priority order, then the highest priority match wins', () => {
    const policy = givenPolicy([rule('LOW', 10, {}, 'allow'), rule('HIGH', 90, { toolIds: ['iam'] }, 'deny')]);
    expect(evaluatePolicy(policy, whenRequested('iam', 'rotate_keys', 'x'))).toEqual({
      decision: 'deny',
      policySetId: 'pol_1',
      policyVersion: 'v1',
      policyHash: policyHash(policy),
      ruleIds: ['HIGH'],
      rationale: 'rule HIGH',
      matchedConditions: ['toolIds'],
    });
    expect(evaluatePolicy(policy, whenRequested('jira', 'create_ticket', 'x')).ruleIds).toEqual(['LOW']);
  });

  it('given equal priorities, then document order breaks the tie', () => {
    const policy = givenPolicy([rule('FIRST', 50, {}, 'quarantine'), rule('SECOND', 50, {}, 'allow')]);
    expect(evaluatePolicy(policy, whenRequested('jira', 'create_ticket', 'x'))).toMatchObject({ decision: 'quarantine', ruleIds: ['FIRST'] });
    expect(sortRulesByPriority([{ priority: 1, n: 'a' }, { priority: 2, n: 'b' }, { priority: 1, n: 'c' }]).map((r) => r.n)).toEqual(['b', 'a', 'c']);
  });

  it('reports the matched conditions of the deciding rule in field order', () => {
    const policy = givenPolicy([
      rule('R', 1, { timeWindowUtc: { startHour: 8, endHour: 18 }, riskTiers: ['high'], environments: ['prod'], operations: ['rotate_keys'] }, 'approve'),
    ]);
    expect(evaluatePolicy(policy, whenRequested('iam', 'rotate_keys', 'x', { environment: 'prod' })).matchedConditions).toEqual([
      'operations',
      'riskTiers',
      'environments',
      'timeWindowUtc',
    ]);
  });

  it('given no matching rule and no defaultDecision, then it denies (fails closed)', () => {
    const policy = givenPolicy([rule('ONLY_JIRA', 10, { toolIds: ['jira'] })]);
    expect(evaluatePolicy(policy, whenRequested('slack', 'send_message', '#general'))).toEqual({
      decision: 'deny',
      policySetId: 'pol_1',
      policyVersion: 'v1',
      policyHash: policyHash(policy),
      ruleIds: [],
      rationale: 'No matching rule; default deny.',
      matchedConditions: [],
    });
  });

  it('given no rules at all, then it denies', () => {
    expect(evaluatePolicy(givenPolicy([]), whenRequested('jira', 'create_ticket', 'x')).decision).toBe('deny');
  });

  it.each(['allow', 'approve', 'quarantine', 'deny'] as const)('given defaultDecision %s and no match, then it applies it', (defaultDecision) => {
    const policy = givenPolicy([rule('NEVER', 1, { toolIds: ['nothing'] })], { defaultDecision });
    expect(evaluatePolicy(policy, whenRequested('jira', 'create_ticket', 'x'))).toMatchObject({
      decision: defaultDecision,
      ruleIds: [],
      rationale: `No matching rule; default ${defaultDecision}.`,
    });
  });

  it('given an unknown defaultDecision at run time, then it denies', () => {
    const policy = givenPolicy([], { defaultDecision: 'maybe' as never });
    expect(evaluatePolicy(policy, whenRequested('jira', 'create_ticket', 'x')).decision).toBe('deny');
  });

  it('finds the only matching rule among 1,000', () => {
    const rules = Array.from({ length: 1000 }, (_, i) => rule(`R${i}`, 1000 - i, { toolIds: [`tool_${i}`], operations: ['op'] }));
    const policy = givenPolicy(rules);
    expect(evaluatePolicy(policy, whenRequested('tool_999', 'op', 'x')).ruleIds).toEqual(['R999']);
    expect(evaluatePolicy(policy, whenRequested('tool_999', 'other', 'x')).ruleIds).toEqual([]);
  });

  it('rejects a requestedAt without a time zone', () => {
    const policy = givenPolicy([rule('ALL', 1, {})]);
    expect(() => evaluatePolicy(policy, whenRequested('jira', 'create_ticket', 'x', { requestedAt: '2025-03-01 12:00' }))).toThrow(
      InvalidRequestedAtError,
    );
  });
});

describe('policyHash', () => {
  it('is the SHA-256 hex of the RFC 8785 canonical JSON of the decision-relevant content', () => {
    const policy = givenPolicy([rule('A', 5, { toolIds: ['jira'] }, 'deny')]);
    const canonical =
      '{"defaultDecision":null,"id":"pol_1","riskConfig":null,' +
      '"rules":[{"decision":"deny","description":"rule A","id":"A","match":{"toolIds":["jira"]},"priority":5}],' +
      '"tenantId":"tenant_alpha","version":"v1"}';
    expect(policyHash(policy)).toBe(createHash('sha256').update(canonical).digest('hex'));
  });

  it('ignores status and timestamps, so publish and rollback keep the hash', () => {
    const rules = [rule('A', 5, {})];
    expect(policyHash(givenPolicy(rules, { status: 'draft', updatedAt: '2026-01-01T00:00:00.000Z' }))).toBe(policyHash(givenPolicy(rules)));
  });

  it('changes with the rules, their order, the default decision and the risk config', () => {
    const a = rule('A', 5, {});
    const b = rule('B', 5, {}, 'deny');
    const hashes = [
      policyHash(givenPolicy([a, b])),
      policyHash(givenPolicy([b, a])),
      policyHash(givenPolicy([a])),
      policyHash(givenPolicy([a, b], { defaultDecision: 'approve' })),
      policyHash(givenPolicy([a, b], { riskConfig: { baseScore: 30 } })),
      policyHash(givenPolicy([a, b], { version: 'v2' })),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(hashes.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
  });

  it('does not depend on key order in the document', () => {
    const reordered = { match: {}, decision: 'allow', priority: 5, description: 'rule A', id: 'A' } as PolicyRule;
    expect(policyHash(givenPolicy([reordered]))).toBe(policyHash(givenPolicy([rule('A', 5, {})])));
  });
});
