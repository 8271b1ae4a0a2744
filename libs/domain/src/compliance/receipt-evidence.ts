import type { Receipt } from '@oars/receipts';
import type { ScannedControl } from './coverage';
import type { ReceiptFilters } from './control-mapping.types';
import { EVIDENCE_KIND_DEFINITIONS, type EvidenceKind, isHumanApprovalReceipt } from './evidence-kinds';
import type { ComplianceFramework } from './frameworks';

/**
 * Whether one receipt is evidence of `kind` for a control of `framework`: the per-receipt reading of
 * {@link EVIDENCE_KIND_DEFINITIONS} that an evidence bundle uses (coverage scans read the evidence
 * graph, which holds the same facts as nodes). An auto-allowed action is no human approval.
 */
export function receiptIsEvidenceOf(kind: EvidenceKind, receipt: Receipt, framework: ComplianceFramework): boolean {
  const def = EVIDENCE_KIND_DEFINITIONS[kind];
  if (def.receiptTypes && !def.receiptTypes.includes(receipt.type)) return false;
  if (def.requires === 'action' && receipt.actionId === null) return false;
  if (def.requires === 'actor' && receipt.actor === null) return false;
  if (def.requires === 'policy' && (receipt.policy === null || receipt.actionId === null)) return false;
  switch (def.nodeType) {
    case 'approval_decision':
      return isHumanApprovalReceipt(receipt);
    case 'evidence_bundle':
      return receipt.type === 'evidence.bundle.generated' && (!def.sameFramework || receipt.data.framework === framework);
    case 'control_mapping':
      return receipt.type === 'compliance.control_mapping.upserted' && (!def.sameFramework || (receipt.data as { mapping?: { framework?: unknown } }).mapping?.framework === framework);
    default:
      return true;
  }
}

/** Whether a receipt passes a control mapping's filters (they narrow evidence about actions only). */
export function receiptPassesFilters(receipt: Receipt, filters: ReceiptFilters | null): boolean {
  if (!filters || receipt.actionId === null) return true;
  const any = <T>(list: readonly T[] | undefined, value: T | null | undefined) => !list || (value !== null && value !== undefined && list.includes(value));
  return (
    any(filters.toolIds, receipt.resource?.toolId) &&
    any(filters.operations, receipt.resource?.operation) &&
    any(filters.policyDecisions, receipt.policy?.decision) &&
    any(filters.actorUserIds, receipt.actor?.userId) &&
    any(filters.actorAgentIds, receipt.actor?.agentId) &&
    any(filters.policyVersions, receipt.policy?.policyVersion) &&
    (!filters.policyRuleIds || (receipt.policy?.ruleIds ?? []).some((id) => filters.policyRuleIds!.includes(id)))
  );
}

/** The receipts (by id) that are evidence of a control: of one of its kinds, inside its filters. */
export function controlEvidenceOf(control: ScannedControl, receipts: readonly Receipt[], framework: ComplianceFramework): string[] {
  return receipts
    .filter((r) => receiptPassesFilters(r, control.receiptFilters) && control.kinds.some((k) => receiptIsEvidenceOf(k, r, framework)))
    .map((r) => r.receiptId);
}
