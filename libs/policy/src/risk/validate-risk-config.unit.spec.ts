import { DEFAULT_RISK_CONFIG } from './default-risk-config';
import { validateRiskConfig } from './validate-risk-config';

describe('validateRiskConfig', () => {
  it('accepts the default and an empty config', () => {
    expect(validateRiskConfig(DEFAULT_RISK_CONFIG)).toEqual([]);
    expect(validateRiskConfig({})).toEqual([]);
  });

  it('reports a non-object', () => {
    expect(validateRiskConfig([])).toEqual([{ field: 'riskConfig', message: 'must be an object' }]);
  });

  it('reports unknown fields at every level', () => {
    const problems = validateRiskConfig({
      extra: 1,
      operations: { delete: { weight: 1, signal: 's', note: 'x' } },
      targets: [{ contains: 'a', weight: 1, signal: 's', caseSensitive: true }],
      dataTypes: [{ dataType: 'pii', weight: 1, signal: 's', level: 2 }],
    }).map((p) => p.field);
    expect(problems).toEqual([
      'riskConfig.extra',
      'riskConfig.operations.delete.note',
      'riskConfig.targets[0].caseSensitive',
      'riskConfig.dataTypes[0].level',
    ]);
  });

  it('reports bad scores, weights, names and types', () => {
    const problems = validateRiskConfig({
      baseScore: 101,
      inheritDefaults: 'no',
      operations: { '': { weight: 1.5, signal: '' } },
      targets: [{ contains: '', weight: 101, signal: 's' }],
      dataTypes: 'pii',
    }).map((p) => p.field);
    expect(problems).toEqual([
      'riskConfig.baseScore',
      'riskConfig.inheritDefaults',
      'riskConfig.operations.',
      'riskConfig.operations..weight',
      'riskConfig.operations..signal',
      'riskConfig.targets[0].weight',
      'riskConfig.targets[0].contains',
      'riskConfig.dataTypes',
    ]);
  });

  it('reports operations that are not an object keyed by operation', () => {
    expect(validateRiskConfig({ operations: [] })).toEqual([{ field: 'riskConfig.operations', message: 'must be an object keyed by operation' }]);
  });
});
