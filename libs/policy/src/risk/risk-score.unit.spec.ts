import { InvalidRiskConfigError } from '../policy.errors';
import { DEFAULT_RISK_CONFIG, riskTierOf } from './default-risk-config';
import { scoreRisk } from './risk-score';
import type { RiskConfig } from './risk.types';

const resource = (toolId: string, operation: string, target: string) => ({ toolId, operation, target });

describe('scoreRisk with the reference model (OARS v1 §2.2)', () => {
  it.each([
    ['jira', 'create_ticket', 'project:SEC', 45, 'medium', ['medium_risk_operation']],
    ['iam', 'change_permissions', 'prod:finance', 100, 'critical', ['high_risk_operation', 'production_target', 'financial_domain_target']],
    ['iam', 'rotate_keys', 'staging', 80, 'high', ['high_risk_operation']],
    ['any', 'delete', 'prod-x', 95, 'critical', ['high_risk_operation', 'production_target']],
    ['confluence', 'create_page', 'space:SEC', 20, 'low', []],
    ['database', 'run_query', 'db:analytics', 20, 'low', []],
    ['github', 'push_code', 'repo:oars', 20, 'low', []],
  ])('given %s/%s/%s, then score %i, tier %s, signals %j', (toolId, operation, target, score, tier, signals) => {
    expect(scoreRisk(resource(toolId, operation, target))).toEqual({ score, tier, signals });
  });

  it('scores every high-risk operation +60 and every medium one +25', () => {
    for (const op of ['delete', 'drop_database', 'export_all', 'transfer_funds', 'change_permissions', 'rotate_keys']) {
      expect(scoreRisk(resource('t', op, 'x'))).toEqual({ score: 80, tier: 'high', signals: ['high_risk_operation'] });
    }
    for (const op of ['update', 'write', 'create_ticket', 'send_email']) {
      expect(scoreRisk(resource('t', op, 'x'))).toEqual({ score: 45, tier: 'medium', signals: ['medium_risk_operation'] });
    }
  });

  it('does not treat send_message as medium, and matches operations case-sensitively', () => {
    expect(scoreRisk(resource('slack', 'send_message', 'x')).score).toBe(20);
    expect(scoreRisk(resource('iam', 'Rotate_Keys', 'x')).score).toBe(20);
  });

  it('matches target signals case-insensitively, including "production" and "product"', () => {
    expect(scoreRisk(resource('t', 'read', 'PRODUCTION')).signals).toEqual(['production_target']);
    expect(scoreRisk(resource('t', 'read', 'product-catalog')).score).toBe(35);
    expect(scoreRisk(resource('t', 'read', 'Finance-Reports')).signals).toEqual(['financial_domain_target']);
  });

  it('gives the same result when DEFAULT_RISK_CONFIG is passed explicitly', () => {
    expect(scoreRisk(resource('iam', 'change_permissions', 'prod:finance'), DEFAULT_RISK_CONFIG)).toEqual(
      scoreRisk(resource('iam', 'change_permissions', 'prod:finance')),
    );
  });

  it.each([
    [0, 'low'], [39, 'low'], [40, 'medium'], [69, 'medium'], [70, 'high'], [89, 'high'], [90, 'critical'], [100, 'critical'],
  ])('maps score %i to tier %s', (score, tier) => {
    expect(riskTierOf(score)).toBe(tier);
  });

  it('keeps the shared default frozen', () => {
    expect(Object.isFrozen(DEFAULT_RISK_CONFIG.operations)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RISK_CONFIG.targets[0])).toBe(true);
  });
});

describe('scoreRisk with a tenant config', () => {
  it('given an extra operation weight, then it adds to the defaults', () => {
    const config: RiskConfig = { operations: { send_message: { weight: 30, signal: 'external_message' } } };
    expect(scoreRisk(resource('slack', 'send_message', 'prod-alerts'), config)).toEqual({
      score: 65,
      tier: 'medium',
      signals: ['external_message', 'production_target'],
    });
    expect(scoreRisk(resource('iam', 'rotate_keys', 'x'), config).score).toBe(80);
  });

  it('given a replacement for a default operation, then the tenant weight and signal apply', () => {
    const config: RiskConfig = { operations: { delete: { weight: 10, signal: 'soft_delete' } } };
    expect(scoreRisk(resource('t', 'delete', 'x'), config)).toEqual({ score: 30, tier: 'low', signals: ['soft_delete'] });
  });

  it('given target signals, then a same-substring entry replaces the default in place and new ones append', () => {
    const config: RiskConfig = {
      targets: [
        { contains: 'sandbox', weight: -20, signal: 'sandbox_target' },
        { contains: 'PROD', weight: 40, signal: 'production_target_strict' },
      ],
    };
    expect(scoreRisk(resource('t', 'update', 'prod-sandbox'), config)).toEqual({
      score: 65,
      tier: 'medium',
      signals: ['medium_risk_operation', 'production_target_strict', 'sandbox_target'],
    });
  });

  it('given data-type signals, then they apply only when context.dataTypes lists the type exactly', () => {
    const config: RiskConfig = { dataTypes: [{ dataType: 'pii', weight: 30, signal: 'pii_data' }, { dataType: 'phi', weight: 40, signal: 'phi_data' }] };
    expect(scoreRisk(resource('t', 'read', 'x'), config, { dataTypes: ['pii'] })).toEqual({ score: 50, tier: 'medium', signals: ['pii_data'] });
    expect(scoreRisk(resource('t', 'read', 'x'), config, { dataTypes: ['PII'] }).signals).toEqual([]);
    expect(scoreRisk(resource('t', 'read', 'x'), config).signals).toEqual([]);
    expect(scoreRisk(resource('t', 'read', 'x'), config, { dataTypes: ['phi', 'pii'] }).signals).toEqual(['pii_data', 'phi_data']);
  });

  it('given inheritDefaults false, then only the tenant entries apply', () => {
    const config: RiskConfig = { inheritDefaults: false, baseScore: 10, operations: { wire: { weight: 85, signal: 'money_movement' } } };
    expect(scoreRisk(resource('bank', 'wire', 'prod:finance'), config)).toEqual({ score: 95, tier: 'critical', signals: ['money_movement'] });
    expect(scoreRisk(resource('iam', 'change_permissions', 'prod'), config)).toEqual({ score: 10, tier: 'low', signals: [] });
  });

  it('clamps the total to 0..100', () => {
    const low: RiskConfig = { baseScore: 0, targets: [{ contains: 'lab', weight: -50, signal: 'lab_target' }] };
    expect(scoreRisk(resource('t', 'read', 'lab'), low)).toEqual({ score: 0, tier: 'low', signals: ['lab_target'] });
  });

  it('does not match operations inherited from Object.prototype', () => {
    expect(scoreRisk(resource('t', 'constructor', 'x')).score).toBe(20);
    expect(scoreRisk(resource('t', '__proto__', 'x')).score).toBe(20);
  });

  it('given an invalid config, then it refuses to score', () => {
    const bad = { operations: { delete: { weight: Number.NaN, signal: 'x' } } } as RiskConfig;
    expect(() => scoreRisk(resource('t', 'delete', 'x'), bad)).toThrow(InvalidRiskConfigError);
  });
});
