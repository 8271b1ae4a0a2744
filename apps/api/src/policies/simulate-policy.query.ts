import { PUBLISHED_POLICY_SUBJECT, policyEventOf, policySubject } from '@oars/domain';
import { latestReceipt, randomId } from '@oars/ledger';
import { type PolicyDocument, type PolicyEvaluation, type RiskAssessment, builtInDefaultPolicy, evaluatePolicy, scoreRisk, utcHourOf } from '@oars/policy';
import type { Runtime } from '@oars/runtime';
import { ApiError, notFound } from '../http/api-error';
import { publishedPolicyOf } from '../settings/tenant-settings';
import type { SimulatePolicyDto } from './simulate-policy.dto';

/** `POST /v1/policies/simulate` answer: OARS v1 §1.3 #22 plus the policy hash and the matched conditions. */
export type SimulationAnswer = PolicyEvaluation & { simulationId: string; tenantId: string; risk: RiskAssessment };

/**
 * Decides a hypothetical action exactly as submission would (risk with the policy's tuning, then the
 * rules), against the named policy (draft or published), else the one in force, else the built-in
 * default. Reads the stream, not the read model, so a policy created a moment ago is found. Writes nothing.
 */
export async function simulatePolicy(runtime: Runtime, body: SimulatePolicyDto): Promise<SimulationAnswer> {
  const requestedAt = body.context?.requestedAt ?? new Date().toISOString();
  try {
    utcHourOf(requestedAt);
  } catch {
    throw new ApiError(400, 'validation_error', 'Invalid request: context.requestedAt must be an ISO-8601 timestamp with a time zone (Z or ±hh:mm).', [
      { field: 'context.requestedAt', message: 'must be an ISO-8601 timestamp with a time zone' },
    ]);
  }
  const policy = await policyFor(runtime, body.tenantId, body.policyId);
  const context = {
    ...(body.context?.environment !== undefined ? { environment: body.context.environment } : {}),
    ...(body.context?.dataTypes !== undefined ? { dataTypes: body.context.dataTypes } : {}),
    requestedAt,
  };
  const resource = { toolId: body.resource.toolId, operation: body.resource.operation, target: body.resource.target };
  const risk = scoreRisk(resource, policy.riskConfig, context);
  const evaluation = evaluatePolicy(policy, { resource, context, risk });
  return {
    simulationId: randomId('sim'),
    tenantId: body.tenantId,
    policySetId: evaluation.policySetId,
    policyVersion: evaluation.policyVersion,
    policyHash: evaluation.policyHash,
    decision: evaluation.decision,
    rationale: evaluation.rationale,
    ruleIds: evaluation.ruleIds,
    matchedConditions: evaluation.matchedConditions,
    risk,
  };
}

async function policyFor(runtime: Runtime, tenantId: string, policyId: string | undefined): Promise<PolicyDocument> {
  if (policyId !== undefined) {
    const stored = policyEventOf(await latestReceipt(runtime.store, tenantId, policySubject(policyId)));
    if (!stored) throw notFound('Policy');
    return stored.data.policy;
  }
  return publishedPolicyOf(await latestReceipt(runtime.store, tenantId, PUBLISHED_POLICY_SUBJECT)) ?? builtInDefaultPolicy(tenantId);
}
