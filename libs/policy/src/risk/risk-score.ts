import { InvalidRiskConfigError } from '../policy.errors';
import { DEFAULT_RISK_CONFIG, riskTierOf } from './default-risk-config';
import type { DataTypeRiskWeight, OperationRiskWeight, RiskAssessment, RiskConfig, RiskContext, RiskResource, TargetRiskWeight } from './risk.types';
import { validateRiskConfig } from './validate-risk-config';

interface CompiledRiskConfig {
  baseScore: number;
  /** A Map, not the config object: an operation named "constructor" must not hit Object.prototype. */
  operations: Map<string, OperationRiskWeight>;
  targets: Array<{ needle: string; weight: number; signal: string }>;
  dataTypes: DataTypeRiskWeight[];
}

const compiled = new WeakMap<RiskConfig, CompiledRiskConfig>();

/**
 * Scores an action's risk (OARS v1 §2.2). Without a config this is the reference model exactly.
 * Signals come in a fixed order: the operation's, then targets and data types in config order.
 * Pure and deterministic. A config MUST be treated as immutable once scored with (it is compiled
 * once and cached); an invalid config throws InvalidRiskConfigError.
 */
export function scoreRisk(resource: RiskResource, config?: RiskConfig, context?: RiskContext): RiskAssessment {
  const c = compileRiskConfig(config ?? DEFAULT_RISK_CONFIG);
  let score = c.baseScore;
  const signals: string[] = [];
  const operation = c.operations.get(resource.operation);
  if (operation) {
    score += operation.weight;
    signals.push(operation.signal);
  }
  const target = resource.target.toLowerCase();
  for (const t of c.targets) {
    if (target.includes(t.needle)) {
      score += t.weight;
      signals.push(t.signal);
    }
  }
  if (c.dataTypes.length > 0 && context?.dataTypes && context.dataTypes.length > 0) {
    const present = new Set(context.dataTypes);
    for (const d of c.dataTypes) {
      if (present.has(d.dataType)) {
        score += d.weight;
        signals.push(d.signal);
      }
    }
  }
  score = Math.min(100, Math.max(0, score));
  return { score, tier: riskTierOf(score), signals };
}

function compileRiskConfig(config: RiskConfig): CompiledRiskConfig {
  const cached = compiled.get(config);
  if (cached) return cached;
  const problems = validateRiskConfig(config);
  if (problems.length > 0) throw new InvalidRiskConfigError(problems);
  const inherit = config !== DEFAULT_RISK_CONFIG && config.inheritDefaults !== false;
  const base: RiskConfig = inherit ? DEFAULT_RISK_CONFIG : {};
  const result: CompiledRiskConfig = {
    baseScore: config.baseScore ?? DEFAULT_RISK_CONFIG.baseScore,
    operations: new Map([...Object.entries(base.operations ?? {}), ...Object.entries(config.operations ?? {})]),
    targets: mergeBy(base.targets ?? [], config.targets ?? [], (t) => t.contains.toLowerCase()).map((t: TargetRiskWeight) => ({
      needle: t.contains.toLowerCase(),
      weight: t.weight,
      signal: t.signal,
    })),
    dataTypes: mergeBy(base.dataTypes ?? [], config.dataTypes ?? [], (d) => d.dataType),
  };
  compiled.set(config, result);
  return result;
}

/** Defaults in order, each replaced in place by an override with the same key; new overrides appended. */
function mergeBy<T>(defaults: readonly T[], overrides: readonly T[], key: (entry: T) => string): T[] {
  const merged = new Map<string, T>();
  for (const entry of defaults) merged.set(key(entry), entry);
  for (const entry of overrides) merged.set(key(entry), entry);
  return [...merged.values()];
}
