import { computePolicyHash } from './policy-hash';
import { POLICY_DECISIONS, type MatchField, type PolicyDecision, type PolicyDocument, type PolicyEvaluation, type PolicyEvaluationRequest } from './policy.types';
import { compileRule, factsOf, matchesFacts, type CompiledRule } from './rule-match';

interface CompiledPolicy {
  hash: string;
  /** Priority desc, ties in document order. */
  rules: CompiledRule[];
}

const compiledPolicies = new WeakMap<PolicyDocument, CompiledPolicy>();

/**
 * Decides a request against a policy (OARS v1 §2.3): rules by priority desc (ties in document
 * order), the first rule whose every present condition matches wins. No match: the policy's
 * `defaultDecision`, else DENY: OARS fails closed where the reference allowed (§7.2 item 3).
 * Pure and deterministic; throws InvalidRequestedAtError when `context.requestedAt` has no zone.
 * The document MUST NOT be mutated after its first evaluation (its compiled form is cached).
 */
export function evaluatePolicy(policy: PolicyDocument, request: PolicyEvaluationRequest): PolicyEvaluation {
  const compiled = compilePolicy(policy);
  const facts = factsOf(request);
  for (const r of compiled.rules) {
    if (matchesFacts(r, facts)) return result(policy, compiled, r.rule.decision, [r.rule.id], r.rule.description, r.conditions.slice());
  }
  const fallback = policy.defaultDecision !== undefined && POLICY_DECISIONS.includes(policy.defaultDecision) ? policy.defaultDecision : 'deny';
  return result(policy, compiled, fallback, [], `No matching rule; default ${fallback}.`, []);
}

/** The cached SHA-256 hex of the policy's decision-relevant content (see policyHashInput). */
export function policyHash(policy: PolicyDocument): string {
  return compilePolicy(policy).hash;
}

/** Rules sorted by priority desc, ties in document order (stable), as evaluation sees them. */
export function sortRulesByPriority<T extends { priority: number }>(rules: readonly T[]): T[] {
  return rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index)
    .map((entry) => entry.rule);
}

// Built literally, not by spreading a shared base object: the spread costs several microseconds here.
function result(
  policy: PolicyDocument,
  compiled: CompiledPolicy,
  decision: PolicyDecision,
  ruleIds: string[],
  rationale: string,
  matchedConditions: MatchField[],
): PolicyEvaluation {
  return { decision, policySetId: policy.id, policyVersion: policy.version, policyHash: compiled.hash, ruleIds, rationale, matchedConditions };
}

function compilePolicy(policy: PolicyDocument): CompiledPolicy {
  let compiled = compiledPolicies.get(policy);
  if (!compiled) {
    compiled = { hash: computePolicyHash(policy), rules: sortRulesByPriority(policy.rules).map(compileRule) };
    compiledPolicies.set(policy, compiled);
  }
  return compiled;
}
