import {
  type PolicyDecision,
  type PolicyDocument,
  type PolicyRule,
  type PolicyValidationProblem,
  type RiskConfig,
  policyHash,
  sortRulesByPriority,
  validatePolicyContent,
} from '@oars/policy';
import { PUBLISHED_POLICY_SUBJECT } from '../tenant-settings';
import type { CreatePolicy, PolicyCommand, PolicyContent, PublishPolicy, RollbackPolicy } from './policy.commands';
import { InvalidPolicyError, PolicyAlreadyPublishedError, PolicyIdempotencyConflictError, PolicyNeverPublishedError, PolicyNotFoundError } from './policy.errors';
import { POLICY_CREATED, POLICY_PUBLISHED, POLICY_ROLLED_BACK, type PolicyEvent, policySubject } from './policy.events';
import type { PolicyState } from './policy.state';

/**
 * A document's JSON must fit in one stream message with room to spare (NATS' default max payload is
 * 1 MiB, and the published receipt carries the whole document).
 */
export const MAX_POLICY_DOCUMENT_BYTES = 512 * 1024;
const MAX_VERSION_LENGTH = 128;

export function decidePolicy(state: PolicyState, command: PolicyCommand): PolicyEvent[] {
  switch (command.type) {
    case 'CreatePolicy':
      return decideCreatePolicy(state, command);
    case 'PublishPolicy':
      return decidePublishPolicy(state, command);
    case 'RollbackPolicy':
      return decideRollbackPolicy(state, command);
    default: {
      const never: never = command;
      throw new Error(`unknown policy command ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A new draft: validated (every problem named), rules stored by priority desc (stable, so ties keep
 * the submitted order and decisions do not change). The same id again (a retried Idempotency-Key)
 * with the same content decides nothing; with other content it is a conflict.
 */
export function decideCreatePolicy(state: PolicyState, cmd: CreatePolicy): PolicyEvent[] {
  const { policyId, now, actor } = cmd.metadata;
  const policy = draftOf(cmd.data.tenantId, policyId, cmd.data.content, now);
  const existing = state.policies.get(policyId);
  if (existing) {
    if (existing.tenantId === policy.tenantId && policyHash(existing) === policyHash(policy)) return [];
    throw new PolicyIdempotencyConflictError();
  }
  return [{ type: POLICY_CREATED, subject: policySubject(policyId), data: { policy, actor } }];
}

/** Puts a draft (or an earlier policy) in force. Publishing the policy already in force decides nothing. */
export function decidePublishPolicy(state: PolicyState, cmd: PublishPolicy): PolicyEvent[] {
  const target = targetOf(state, cmd);
  if (state.published?.id === target.id) return [];
  return [{ type: POLICY_PUBLISHED, subject: PUBLISHED_POLICY_SUBJECT, data: policySetData(state, target, cmd) }];
}

/**
 * Puts back a policy that was in force before. Refused for the policy in force (409, where OARS v1
 * answered a generic 400) and for one never in force: "rollback" to a draft nobody ever ran would
 * make the audit trail claim a return to a known state that never existed; publish it instead.
 */
export function decideRollbackPolicy(state: PolicyState, cmd: RollbackPolicy): PolicyEvent[] {
  const target = targetOf(state, cmd);
  if (state.published?.id === target.id) throw new PolicyAlreadyPublishedError(target.id);
  if (!state.publishedPolicyIds.includes(target.id)) throw new PolicyNeverPublishedError(target.id);
  return [{ type: POLICY_ROLLED_BACK, subject: PUBLISHED_POLICY_SUBJECT, data: policySetData(state, target, cmd) }];
}

function targetOf(state: PolicyState, cmd: PublishPolicy | RollbackPolicy): PolicyDocument {
  const target = state.policies.get(cmd.data.policyId);
  if (!target || target.tenantId !== cmd.data.tenantId) throw new PolicyNotFoundError(cmd.data.policyId);
  return target;
}

function policySetData(state: PolicyState, target: PolicyDocument, cmd: PublishPolicy | RollbackPolicy) {
  const ids = state.publishedPolicyIds;
  return {
    policy: { ...target, status: 'published' as const, updatedAt: cmd.metadata.now },
    previousPublishedPolicyId: state.published?.id ?? null,
    publishedPolicyIds: ids.includes(target.id) ? [...ids] : [...ids, target.id],
    actor: cmd.metadata.actor,
  };
}

function draftOf(tenantId: string, id: string, content: PolicyContent, now: string): PolicyDocument {
  const problems: PolicyValidationProblem[] = [];
  if (typeof content.version !== 'string' || content.version.trim() === '' || content.version.length > MAX_VERSION_LENGTH) {
    problems.push({ field: 'version', message: `must be a non-empty string of at most ${MAX_VERSION_LENGTH} characters` });
  }
  problems.push(...validatePolicyContent(content));
  if (problems.length > 0) throw new InvalidPolicyError(problems);
  const policy: PolicyDocument = {
    id,
    tenantId,
    version: content.version as string,
    status: 'draft',
    rules: sortRulesByPriority(content.rules as PolicyRule[]),
    ...(content.defaultDecision !== undefined ? { defaultDecision: content.defaultDecision as PolicyDecision } : {}),
    ...(content.riskConfig !== undefined ? { riskConfig: content.riskConfig as RiskConfig } : {}),
    createdAt: now,
    updatedAt: now,
  };
  const bytes = new TextEncoder().encode(JSON.stringify(policy)).length;
  if (bytes > MAX_POLICY_DOCUMENT_BYTES) {
    throw new InvalidPolicyError([{ field: 'rules', message: `must keep the policy document within ${MAX_POLICY_DOCUMENT_BYTES} bytes of JSON (it has ${bytes})` }]);
  }
  return policy;
}
