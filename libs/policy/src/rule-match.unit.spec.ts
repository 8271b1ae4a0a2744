import { InvalidRequestedAtError } from './policy.errors';
import type { PolicyEvaluationRequest, PolicyMatch, PolicyRule } from './policy.types';
import { inWindow, ruleMatches, utcHourOf } from './rule-match';

const ruleWith = (match: PolicyMatch): PolicyRule => ({ id: 'R', description: 'd', priority: 1, match, decision: 'deny' });

function request(overrides: {
  toolId?: string;
  operation?: string;
  target?: string;
  tier?: 'low' | 'medium' | 'high' | 'critical';
  environment?: string;
  dataTypes?: string[];
  requestedAt?: string;
} = {}): PolicyEvaluationRequest {
  return {
    resource: { toolId: overrides.toolId ?? 'jira', operation: overrides.operation ?? 'create_ticket', target: overrides.target ?? 'project:SEC' },
    context: { environment: overrides.environment, dataTypes: overrides.dataTypes, requestedAt: overrides.requestedAt ?? '2025-03-01T12:00:00.000Z' },
    risk: { score: 45, tier: overrides.tier ?? 'medium', signals: [] },
  };
}

describe('rule matching (OARS v1 §2.3)', () => {
  it('given an empty match, then every request matches', () => {
    expect(ruleMatches(ruleWith({}), request())).toBe(true);
    expect(ruleMatches(ruleWith({}), request({ toolId: 'x', operation: 'y', target: '', tier: 'critical' }))).toBe(true);
  });

  it('matches toolIds by membership', () => {
    expect(ruleMatches(ruleWith({ toolIds: ['slack', 'jira'] }), request({ toolId: 'jira' }))).toBe(true);
    expect(ruleMatches(ruleWith({ toolIds: ['slack'] }), request({ toolId: 'jira' }))).toBe(false);
  });

  it('matches operations by exact membership', () => {
    expect(ruleMatches(ruleWith({ operations: ['create_ticket'] }), request())).toBe(true);
    expect(ruleMatches(ruleWith({ operations: ['Create_Ticket'] }), request())).toBe(false);
  });

  it('matches targetContains as a case-sensitive substring', () => {
    expect(ruleMatches(ruleWith({ targetContains: 'SEC' }), request({ target: 'project:SEC' }))).toBe(true);
    expect(ruleMatches(ruleWith({ targetContains: 'sec' }), request({ target: 'project:SEC' }))).toBe(false);
  });

  it('matches riskTiers by membership', () => {
    expect(ruleMatches(ruleWith({ riskTiers: ['high', 'critical'] }), request({ tier: 'critical' }))).toBe(true);
    expect(ruleMatches(ruleWith({ riskTiers: ['high', 'critical'] }), request({ tier: 'medium' }))).toBe(false);
  });

  it('requires context.environment to be present and listed', () => {
    expect(ruleMatches(ruleWith({ environments: ['prod'] }), request({ environment: 'prod' }))).toBe(true);
    expect(ruleMatches(ruleWith({ environments: ['prod'] }), request({ environment: 'staging' }))).toBe(false);
    expect(ruleMatches(ruleWith({ environments: ['prod'] }), request())).toBe(false);
  });

  it('requires every requiredDataTypes entry in context.dataTypes', () => {
    const rule = ruleWith({ requiredDataTypes: ['pii', 'financial'] });
    expect(ruleMatches(rule, request({ dataTypes: ['financial', 'pii', 'other'] }))).toBe(true);
    expect(ruleMatches(rule, request({ dataTypes: ['pii'] }))).toBe(false);
    expect(ruleMatches(rule, request())).toBe(false);
  });

  it('requires every present condition (AND)', () => {
    const rule = ruleWith({ toolIds: ['iam'], operations: ['rotate_keys'], environments: ['prod'] });
    expect(ruleMatches(rule, request({ toolId: 'iam', operation: 'rotate_keys', environment: 'prod' }))).toBe(true);
    expect(ruleMatches(rule, request({ toolId: 'iam', operation: 'rotate_keys', environment: 'dev' }))).toBe(false);
    expect(ruleMatches(rule, request({ toolId: 'iam', operation: 'change_permissions', environment: 'prod' }))).toBe(false);
  });

  it('never matches on a malformed present condition', () => {
    const malformed = { toolIds: null, timeWindowUtc: null } as unknown as PolicyMatch;
    expect(ruleMatches(ruleWith({ toolIds: malformed.toolIds }), request())).toBe(false);
    expect(ruleMatches(ruleWith({ timeWindowUtc: malformed.timeWindowUtc }), request())).toBe(false);
  });
});

describe('timeWindowUtc', () => {
  const at = (hour: number, minute = 0) => `2025-03-01T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00.000Z`;
  const hoursMatching = (startHour: number, endHour: number) =>
    Array.from({ length: 24 }, (_, h) => h).filter((h) => ruleMatches(ruleWith({ timeWindowUtc: { startHour, endHour } }), request({ requestedAt: at(h, 59) })));

  it('includes the start hour and excludes the end hour', () => {
    expect(hoursMatching(9, 17)).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
  });

  it('wraps midnight when start > end (22->2 holds 22, 23, 0, 1)', () => {
    expect(hoursMatching(22, 2)).toEqual([0, 1, 22, 23]);
    expect(hoursMatching(23, 0)).toEqual([23]);
  });

  it('covers the whole day with 0->24', () => {
    expect(hoursMatching(0, 24)).toHaveLength(24);
  });

  it('never holds when start == end', () => {
    expect(inWindow(5, 5, 5)).toBe(false);
  });

  it('uses the UTC hour of a timestamp with an offset', () => {
    expect(utcHourOf('2025-03-01T01:30:00+03:00')).toBe(22);
    expect(hoursMatching(22, 2)).toContain(utcHourOf('2025-03-01T01:30:00+03:00'));
  });

  it('rejects a requestedAt without a zone or that does not parse', () => {
    expect(() => utcHourOf('2025-03-01T01:30:00')).toThrow(InvalidRequestedAtError);
    expect(() => utcHourOf('yesterday')).toThrow(InvalidRequestedAtError);
    expect(() => utcHourOf('2025-13-45T99:00:00Z')).toThrow(InvalidRequestedAtError);
  });
});
