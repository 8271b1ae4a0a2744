import { validatePolicyContent, validatePolicyRules } from './validate-policy-rules';

const valid = () => ({ id: 'R1', description: 'Deny drops.', priority: 10, match: { operations: ['drop_database'] }, decision: 'deny' });
const withRule = (patch: Record<string, unknown>) => [{ ...valid(), ...patch }];
const withMatch = (match: Record<string, unknown>) => withRule({ match });
const fields = (rules: unknown) => validatePolicyRules(rules).map((p) => p.field);

describe('validatePolicyRules', () => {
  it('accepts well-formed rules, including every match field and a missing match', () => {
    const rules = [
      valid(),
      {
        id: 'R2',
        description: 'Everything.',
        priority: 0,
        decision: 'approve',
        match: {
          toolIds: ['iam'],
          operations: ['rotate_keys'],
          targetContains: '',
          riskTiers: ['low', 'medium', 'high', 'critical'],
          environments: ['prod'],
          requiredDataTypes: ['pii'],
          timeWindowUtc: { startHour: 22, endHour: 2 },
        },
      },
      { id: 'R3', description: 'Rest.', priority: 1, decision: 'allow' },
      { id: 'R4', description: 'All day.', priority: 1, decision: 'quarantine', match: { timeWindowUtc: { startHour: 0, endHour: 24 } } },
    ];
    expect(validatePolicyRules(rules)).toEqual([]);
  });

  it('requires a non-empty array of objects', () => {
    expect(validatePolicyRules({})).toEqual([{ field: 'rules', message: 'must be an array of rules' }]);
    expect(validatePolicyRules([])).toEqual([{ field: 'rules', message: 'must contain at least one rule' }]);
    expect(fields([valid(), 'rule'])).toEqual(['rules[1]']);
  });

  it('reports unknown fields on the rule, the match and the window', () => {
    expect(fields(withRule({ effect: 'deny' }))).toEqual(['rules[0].effect']);
    expect(fields(withMatch({ tools: ['jira'] }))).toEqual(['rules[0].match.tools']);
    expect(fields(withMatch({ timeWindowUtc: { startHour: 1, endHour: 2, tz: 'UTC' } }))).toEqual(['rules[0].match.timeWindowUtc.tz']);
  });

  it('requires a non-empty id and description', () => {
    expect(fields(withRule({ id: '' }))).toEqual(['rules[0].id']);
    expect(fields(withRule({ description: undefined }))).toEqual(['rules[0].description']);
  });

  it('reports duplicate rule ids at the later rule', () => {
    expect(validatePolicyRules([valid(), { ...valid(), priority: 5 }])).toEqual([
      { field: 'rules[1].id', message: 'duplicate rule id "R1" (also rules[0])' },
    ]);
  });

  it.each([[-1], [1.5], ['10'], [Number.NaN], [null]])('rejects priority %p', (priority) => {
    expect(fields(withRule({ priority }))).toEqual(['rules[0].priority']);
  });

  it.each([['block'], ['ALLOW'], [undefined]])('rejects decision %p', (decision) => {
    expect(fields(withRule({ decision }))).toEqual(['rules[0].decision']);
  });

  it('rejects a match that is not an object', () => {
    expect(fields(withRule({ match: [] }))).toEqual(['rules[0].match']);
  });

  it.each(['toolIds', 'operations', 'riskTiers', 'environments', 'requiredDataTypes'])('rejects an empty or non-list %s', (key) => {
    expect(validatePolicyRules(withMatch({ [key]: [] }))).toEqual([{ field: `rules[0].match.${key}`, message: 'must contain at least one entry' }]);
    expect(fields(withMatch({ [key]: 'jira' }))).toEqual([`rules[0].match.${key}`]);
  });

  it('rejects non-string or empty list entries', () => {
    expect(fields(withMatch({ toolIds: ['jira', 3, ''] }))).toEqual(['rules[0].match.toolIds[1]', 'rules[0].match.toolIds[2]']);
  });

  it('rejects unknown risk tiers', () => {
    expect(fields(withMatch({ riskTiers: ['high', 'severe', 'Critical'] }))).toEqual(['rules[0].match.riskTiers[1]', 'rules[0].match.riskTiers[2]']);
  });

  it('rejects a targetContains that is not a string', () => {
    expect(fields(withMatch({ targetContains: 5 }))).toEqual(['rules[0].match.targetContains']);
  });

  it.each([
    [{ startHour: 24, endHour: 2 }, ['startHour']],
    [{ startHour: -1, endHour: 2 }, ['startHour']],
    [{ startHour: 1, endHour: 25 }, ['endHour']],
    [{ startHour: 1.5, endHour: 2 }, ['startHour']],
    [{ startHour: 3 }, ['endHour']],
    [{ startHour: 7, endHour: 7 }, ['endHour']],
  ])('rejects the window %j', (timeWindowUtc, bad) => {
    expect(fields(withMatch({ timeWindowUtc }))).toEqual(bad.map((key) => `rules[0].match.timeWindowUtc.${key}`));
  });

  it('names the equal-hours problem', () => {
    expect(validatePolicyRules(withMatch({ timeWindowUtc: { startHour: 7, endHour: 7 } }))).toEqual([
      { field: 'rules[0].match.timeWindowUtc.endHour', message: 'must differ from startHour' },
    ]);
  });

  it('rejects a window that is not an object', () => {
    expect(fields(withMatch({ timeWindowUtc: '22-2' }))).toEqual(['rules[0].match.timeWindowUtc']);
  });

  it('reports every problem at once, with paths', () => {
    const rules = [valid(), { id: 'R2', description: '', priority: -3, decision: 'nope', match: { riskTiers: [], environments: [] } }];
    expect(fields(rules)).toEqual(['rules[1].description', 'rules[1].priority', 'rules[1].decision', 'rules[1].match.environments', 'rules[1].match.riskTiers']);
  });
});

describe('validatePolicyContent', () => {
  it('also checks defaultDecision and riskConfig', () => {
    const problems = validatePolicyContent({ rules: [valid()], defaultDecision: 'maybe', riskConfig: { baseScore: -1 } });
    expect(problems.map((p) => p.field)).toEqual(['defaultDecision', 'riskConfig.baseScore']);
    expect(validatePolicyContent({ rules: [valid()], defaultDecision: 'deny', riskConfig: {} })).toEqual([]);
  });
});
