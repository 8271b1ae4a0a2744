import { builtInDefaultPolicy, DEFAULT_POLICY_RULES } from './default-policy';
import { evaluatePolicy } from './evaluate-policy';
import { scoreRisk } from './risk/risk-score';
import { validatePolicyRules } from './validate-policy-rules';

function decide(toolId: string, operation: string, target: string) {
  const resource = { toolId, operation, target };
  const risk = scoreRisk(resource);
  const evaluation = evaluatePolicy(builtInDefaultPolicy('tenant_alpha'), { resource, context: { requestedAt: '2025-03-01T12:00:00.000Z' }, risk });
  return { tier: risk.tier, decision: evaluation.decision, ruleIds: evaluation.ruleIds, rationale: evaluation.rationale };
}

describe('builtInDefaultPolicy', () => {
  it('is default_<tenantId>, version default-1, published, with the three reference rules', () => {
    const policy = builtInDefaultPolicy('tenant_alpha');
    expect(policy).toEqual({
      id: 'default_tenant_alpha',
      tenantId: 'tenant_alpha',
      version: 'default-1',
      status: 'published',
      createdAt: '1970-01-01T00:00:00.000Z',
      updatedAt: '1970-01-01T00:00:00.000Z',
      rules: [
        { id: 'R-CRITICAL-DENY', description: 'Critical destructive operations are denied by default.', priority: 100, match: { operations: ['drop_database'] }, decision: 'deny' },
        { id: 'R-HIGH-APPROVAL', description: 'High-risk operations require human approval.', priority: 80, match: { riskTiers: ['high', 'critical'] }, decision: 'approve' },
        { id: 'R-ALLOW-DEFAULT', description: 'All remaining actions are allowed.', priority: 10, match: {}, decision: 'allow' },
      ],
    });
    expect(validatePolicyRules(DEFAULT_POLICY_RULES)).toEqual([]);
  });

  it('hands out one frozen document per tenant', () => {
    const policy = builtInDefaultPolicy('tenant_bravo');
    expect(builtInDefaultPolicy('tenant_bravo')).toBe(policy);
    expect(Object.isFrozen(policy.rules[0].match.operations)).toBe(true);
    expect(builtInDefaultPolicy('tenant_alpha').id).toBe('default_tenant_alpha');
  });

  it.each([
    ['iam', 'change_permissions', 'prod:finance', 'critical', 'approve', 'R-HIGH-APPROVAL'],
    ['iam', 'rotate_keys', 'staging', 'high', 'approve', 'R-HIGH-APPROVAL'],
    ['github', 'delete', 'prod-x', 'critical', 'approve', 'R-HIGH-APPROVAL'],
    ['database', 'drop_database', 'db:analytics', 'high', 'deny', 'R-CRITICAL-DENY'],
    ['jira', 'create_ticket', 'project:SEC', 'medium', 'allow', 'R-ALLOW-DEFAULT'],
    ['confluence', 'create_page', 'space:SEC', 'low', 'allow', 'R-ALLOW-DEFAULT'],
    ['database', 'run_query', 'db:analytics', 'low', 'allow', 'R-ALLOW-DEFAULT'],
    ['github', 'push_code', 'repo:oars', 'low', 'allow', 'R-ALLOW-DEFAULT'],
  ])('given %s/%s/%s (tier %s), then %s via %s', (toolId, operation, target, tier, decision, ruleId) => {
    const rationale = DEFAULT_POLICY_RULES.find((r) => r.id === ruleId)?.description;
    expect(decide(toolId, operation, target)).toEqual({ tier, decision, ruleIds: [ruleId], rationale });
  });
});
