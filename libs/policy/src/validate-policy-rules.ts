import { RISK_TIERS } from './risk/default-risk-config';
import { validateRiskConfig } from './risk/validate-risk-config';
import { POLICY_DECISIONS } from './policy.types';
import { isNonEmptyString, isPlainObject, unknownKeyProblems, type PolicyValidationProblem } from './validation-problem';

const RULE_KEYS = new Set(['id', 'description', 'priority', 'match', 'decision']);
const MATCH_KEYS = new Set(['toolIds', 'operations', 'targetContains', 'riskTiers', 'environments', 'requiredDataTypes', 'timeWindowUtc']);
const WINDOW_KEYS = new Set(['startHour', 'endHour']);
const STRING_LISTS = ['toolIds', 'operations', 'environments', 'requiredDataTypes'] as const;

/**
 * Every problem in submitted rules (OARS v1 §2.3 plus what the reference let through): unknown
 * fields at any level, empty id/description, duplicate ids, priority not an integer >= 0, unknown
 * decision, empty or non-string lists, unknown risk tiers, bad or equal window hours. An empty
 * list is rejected rather than read as "matches nothing". Returns [] when the rules are valid.
 */
export function validatePolicyRules(rules: unknown, path = 'rules'): PolicyValidationProblem[] {
  if (!Array.isArray(rules)) return [{ field: path, message: 'must be an array of rules' }];
  if (rules.length === 0) return [{ field: path, message: 'must contain at least one rule' }];
  const problems: PolicyValidationProblem[] = [];
  const firstIndexById = new Map<string, number>();
  rules.forEach((rule, i) => {
    const at = `${path}[${i}]`;
    problems.push(...ruleProblems(rule, at));
    if (isPlainObject(rule) && isNonEmptyString(rule.id)) {
      const first = firstIndexById.get(rule.id);
      if (first === undefined) firstIndexById.set(rule.id, i);
      else problems.push({ field: `${at}.id`, message: `duplicate rule id ${JSON.stringify(rule.id)} (also ${path}[${first}])` });
    }
  });
  return problems;
}

function ruleProblems(rule: unknown, at: string): PolicyValidationProblem[] {
  if (!isPlainObject(rule)) return [{ field: at, message: 'must be an object' }];
  const problems = unknownKeyProblems(rule, RULE_KEYS, at);
  if (!isNonEmptyString(rule.id)) problems.push({ field: `${at}.id`, message: 'must be a non-empty string' });
  if (!isNonEmptyString(rule.description)) problems.push({ field: `${at}.description`, message: 'must be a non-empty string' });
  if (!Number.isSafeInteger(rule.priority) || (rule.priority as number) < 0) {
    problems.push({ field: `${at}.priority`, message: 'must be an integer >= 0' });
  }
  if (!POLICY_DECISIONS.includes(rule.decision as never)) {
    problems.push({ field: `${at}.decision`, message: `must be one of ${POLICY_DECISIONS.join(', ')}` });
  }
  if (rule.match !== undefined) problems.push(...matchProblems(rule.match, `${at}.match`));
  return problems;
}

function matchProblems(match: unknown, at: string): PolicyValidationProblem[] {
  if (!isPlainObject(match)) return [{ field: at, message: 'must be an object' }];
  const problems = unknownKeyProblems(match, MATCH_KEYS, at);
  for (const key of STRING_LISTS) problems.push(...stringListProblems(match[key], `${at}.${key}`));
  if (match.riskTiers !== undefined) {
    problems.push(...stringListProblems(match.riskTiers, `${at}.riskTiers`));
    if (Array.isArray(match.riskTiers)) {
      match.riskTiers.forEach((tier, i) => {
        if (typeof tier === 'string' && !RISK_TIERS.includes(tier as never)) {
          problems.push({ field: `${at}.riskTiers[${i}]`, message: `unknown risk tier; must be one of ${RISK_TIERS.join(', ')}` });
        }
      });
    }
  }
  if (match.targetContains !== undefined && typeof match.targetContains !== 'string') {
    problems.push({ field: `${at}.targetContains`, message: 'must be a string' });
  }
  if (match.timeWindowUtc !== undefined) problems.push(...windowProblems(match.timeWindowUtc, `${at}.timeWindowUtc`));
  return problems;
}

function stringListProblems(list: unknown, at: string): PolicyValidationProblem[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return [{ field: at, message: 'must be an array of strings' }];
  if (list.length === 0) return [{ field: at, message: 'must contain at least one entry' }];
  return list.flatMap((entry, i) => (isNonEmptyString(entry) ? [] : [{ field: `${at}[${i}]`, message: 'must be a non-empty string' }]));
}

function windowProblems(window: unknown, at: string): PolicyValidationProblem[] {
  if (!isPlainObject(window)) return [{ field: at, message: 'must be an object with startHour and endHour' }];
  const problems = unknownKeyProblems(window, WINDOW_KEYS, at);
  const startOk = isHour(window.startHour, 23);
  const endOk = isHour(window.endHour, 24);
  if (!startOk) problems.push({ field: `${at}.startHour`, message: 'must be an integer from 0 to 23' });
  if (!endOk) problems.push({ field: `${at}.endHour`, message: 'must be an integer from 0 to 24' });
  if (startOk && endOk && window.startHour === window.endHour) {
    problems.push({ field: `${at}.endHour`, message: 'must differ from startHour' });
  }
  return problems;
}

function isHour(value: unknown, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max;
}

/** Problems in the decision-relevant content of a submitted policy: rules, defaultDecision, riskConfig. */
export function validatePolicyContent(content: { rules: unknown; defaultDecision?: unknown; riskConfig?: unknown }): PolicyValidationProblem[] {
  const problems = validatePolicyRules(content.rules);
  if (content.defaultDecision !== undefined && !POLICY_DECISIONS.includes(content.defaultDecision as never)) {
    problems.push({ field: 'defaultDecision', message: `must be one of ${POLICY_DECISIONS.join(', ')}` });
  }
  if (content.riskConfig !== undefined) problems.push(...validateRiskConfig(content.riskConfig));
  return problems;
}
