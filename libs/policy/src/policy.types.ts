import type { PolicyDecision, ReceiptPolicy, RiskTier } from '@oars/receipts';
import type { RiskAssessment, RiskConfig, RiskResource } from './risk/risk.types';

export type { PolicyDecision, RiskTier };

export const POLICY_DECISIONS: readonly PolicyDecision[] = Object.freeze(['allow', 'deny', 'approve', 'quarantine']);

/** UTC hours: start inclusive (0..23), end exclusive (0..24), start != end; start > end wraps midnight. */
export interface TimeWindowUtc {
  startHour: number;
  endHour: number;
}

/**
 * Conditions of a rule (OARS v1 §2.3). Every present field MUST match (AND); an empty match
 * matches every request.
 */
export interface PolicyMatch {
  /** resource.toolId is listed. */
  toolIds?: string[];
  /** resource.operation is listed. */
  operations?: string[];
  /** Case-sensitive substring of resource.target. */
  targetContains?: string;
  /** The risk tier is listed. */
  riskTiers?: RiskTier[];
  /** context.environment is present and listed. */
  environments?: string[];
  /** Every listed type is in context.dataTypes. */
  requiredDataTypes?: string[];
  /** The UTC hour of context.requestedAt is inside the window. */
  timeWindowUtc?: TimeWindowUtc;
}

/** The match fields, in the order they are checked and reported in `matchedConditions`. */
export const MATCH_FIELDS = Object.freeze([
  'toolIds',
  'operations',
  'targetContains',
  'riskTiers',
  'environments',
  'requiredDataTypes',
  'timeWindowUtc',
] as const);
export type MatchField = (typeof MATCH_FIELDS)[number];

export interface PolicyRule {
  id: string;
  description: string;
  /** Integer >= 0; higher is evaluated first, ties keep document order. */
  priority: number;
  match: PolicyMatch;
  decision: PolicyDecision;
}

export type PolicyStatus = 'draft' | 'published';

/**
 * A tenant's policy. MUST be treated as immutable once evaluated: its sorted rules and hash are
 * computed once per document object and cached.
 */
export interface PolicyDocument {
  id: string;
  tenantId: string;
  version: string;
  status: PolicyStatus;
  rules: PolicyRule[];
  /** Decision when no rule matches. Absent: deny (OARS fails closed; the v1 reference allowed). */
  defaultDecision?: PolicyDecision;
  /** The tenant's risk tuning; absent: the v1 reference model. */
  riskConfig?: RiskConfig;
  createdAt: string;
  updatedAt: string;
}

export interface PolicyEvaluationContext {
  environment?: string;
  dataTypes?: readonly string[];
  /** ISO-8601 with a zone (server time of the request). */
  requestedAt: string;
}

export interface PolicyEvaluationRequest {
  resource: RiskResource;
  context: PolicyEvaluationContext;
  risk: RiskAssessment;
}

/** The receipt's `policy` field plus which conditions of the deciding rule were present (and so matched). */
export interface PolicyEvaluation extends ReceiptPolicy {
  matchedConditions: MatchField[];
}
