import type { PolicyDecision } from '@oars/receipts';
import type { EvidenceNodeType } from './evidence-kinds';
import type { ComplianceFramework } from './frameworks';

/**
 * Which receipts are a control's (OARS v1 §2.12): each list matches any of its values, the lists
 * AND together; `policyRuleIds` matches a receipt whose rule ids overlap it.
 */
export interface ReceiptFilters {
  toolIds?: string[];
  operations?: string[];
  policyDecisions?: PolicyDecision[];
  actorUserIds?: string[];
  actorAgentIds?: string[];
  policyRuleIds?: string[];
  policyVersions?: string[];
}

export const RECEIPT_FILTER_FIELDS = ['toolIds', 'operations', 'policyDecisions', 'actorUserIds', 'actorAgentIds', 'policyRuleIds', 'policyVersions'] as const satisfies readonly (keyof ReceiptFilters)[];

/** A tenant's own control mapping (OARS v1 §2.12 ControlMappingRecord), keyed by (tenant, framework, controlId). */
export interface ControlMappingRecord {
  /** `ctl_…`, derived from (tenant, framework, controlId): an upsert keeps it. */
  id: string;
  tenantId: string;
  framework: ComplianceFramework;
  controlId: string;
  controlDescription: string;
  /** Deduplicated, sorted. */
  requiredNodeTypes: EvidenceNodeType[];
  /** Each list deduplicated and sorted; absent when no list is given. */
  receiptFilters?: ReceiptFilters;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}
