import { InvalidRequestedAtError } from './policy.errors';
import { MATCH_FIELDS, type MatchField, type PolicyEvaluationRequest, type PolicyRule } from './policy.types';

/** A rule with its list fields turned into Sets, built once per policy document. */
export interface CompiledRule {
  rule: PolicyRule;
  toolIds?: ReadonlySet<string>;
  operations?: ReadonlySet<string>;
  targetContains?: string;
  riskTiers?: ReadonlySet<string>;
  environments?: ReadonlySet<string>;
  requiredDataTypes?: readonly string[];
  window?: { start: number; end: number };
  /** The match fields present on the rule, in MATCH_FIELDS order. */
  conditions: MatchField[];
}

/** The request reduced to what rules look at; computed once per evaluation. */
export interface MatchFacts {
  toolId: string;
  operation: string;
  target: string;
  tier: string;
  environment: string | undefined;
  dataTypes: ReadonlySet<string>;
  utcHour: number;
}

export function compileRule(rule: PolicyRule): CompiledRule {
  const m = rule.match ?? {};
  const asSet = (list: unknown): ReadonlySet<string> => new Set(Array.isArray(list) ? list : []);
  return {
    rule,
    toolIds: m.toolIds === undefined ? undefined : asSet(m.toolIds),
    operations: m.operations === undefined ? undefined : asSet(m.operations),
    targetContains: m.targetContains,
    riskTiers: m.riskTiers === undefined ? undefined : asSet(m.riskTiers),
    environments: m.environments === undefined ? undefined : asSet(m.environments),
    requiredDataTypes: m.requiredDataTypes === undefined ? undefined : Array.isArray(m.requiredDataTypes) ? m.requiredDataTypes : [],
    window: m.timeWindowUtc === undefined ? undefined : { start: m.timeWindowUtc?.startHour, end: m.timeWindowUtc?.endHour },
    conditions: MATCH_FIELDS.filter((field) => m[field] !== undefined),
  };
}

/** True when every present condition holds (a malformed present condition never holds). */
export function matchesFacts(r: CompiledRule, f: MatchFacts): boolean {
  if (r.toolIds && !r.toolIds.has(f.toolId)) return false;
  if (r.operations && !r.operations.has(f.operation)) return false;
  if (r.targetContains !== undefined && !(typeof r.targetContains === 'string' && f.target.includes(r.targetContains))) return false;
  if (r.riskTiers && !r.riskTiers.has(f.tier)) return false;
  if (r.environments && !(f.environment !== undefined && r.environments.has(f.environment))) return false;
  if (r.requiredDataTypes && !r.requiredDataTypes.every((t) => f.dataTypes.has(t))) return false;
  if (r.window && !inWindow(f.utcHour, r.window.start, r.window.end)) return false;
  return true;
}

/** Start inclusive, end exclusive; start > end wraps midnight (22->2 holds 22, 23, 0, 1); start == end never holds. */
export function inWindow(hour: number, start: number, end: number): boolean {
  if (start < end) return hour >= start && hour < end;
  if (start > end) return hour >= start || hour < end;
  return false;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * The UTC hour of an ISO-8601 timestamp. A zone designator is required: without one the hour
 * would depend on the machine's local zone.
 */
export function utcHourOf(requestedAt: string): number {
  const millis = typeof requestedAt === 'string' && ISO_WITH_ZONE.test(requestedAt) ? Date.parse(requestedAt) : NaN;
  if (Number.isNaN(millis)) throw new InvalidRequestedAtError(requestedAt);
  return new Date(millis).getUTCHours();
}

export function factsOf(request: PolicyEvaluationRequest): MatchFacts {
  return {
    toolId: request.resource.toolId,
    operation: request.resource.operation,
    target: request.resource.target,
    tier: request.risk.tier,
    environment: request.context.environment,
    dataTypes: new Set(request.context.dataTypes ?? []),
    utcHour: utcHourOf(request.context.requestedAt),
  };
}

/** Whether one rule matches a request (for explanations and tests; evaluatePolicy uses the compiled form). */
export function ruleMatches(rule: PolicyRule, request: PolicyEvaluationRequest): boolean {
  return matchesFacts(compileRule(rule), factsOf(request));
}
