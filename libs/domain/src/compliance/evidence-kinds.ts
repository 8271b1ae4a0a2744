import type { Receipt } from '@oars/receipts';

/** The node types of the evidence graph (OARS v1 §2.11). */
export const EVIDENCE_NODE_TYPES = ['action', 'receipt', 'policy_version', 'actor', 'approval_decision', 'evidence_bundle', 'control_mapping'] as const;

export type EvidenceNodeType = (typeof EVIDENCE_NODE_TYPES)[number];

export function isEvidenceNodeType(value: unknown): value is EvidenceNodeType {
  return typeof value === 'string' && (EVIDENCE_NODE_TYPES as readonly string[]).includes(value);
}

/**
 * What a control can ask for. Each kind names exactly which graph nodes count, so "covered" can be
 * checked by a query, and says what does not count where a look-alike exists.
 */
export const EVIDENCE_KINDS = [
  'human_approval',
  'policy_decision',
  'denied_action',
  'execution_recorded',
  'action_recorded',
  'actor_attributed',
  'signed_receipts',
  'key_custody',
  'key_rotation',
  'policy_published',
  'oversight_configured',
  'evidence_bundle',
  'control_mapped',
] as const;

export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/**
 * Which evidence-graph nodes are evidence of a kind. A node counts when it has `nodeType`, its
 * receipt type is one of `receiptTypes` (null: any), it carries the action fact `requires` names,
 * and it happened inside the scan's window. `scope: 'action'` evidence is about one action and is
 * narrowed by a control mapping's `receiptFilters`; `scope: 'tenant'` evidence (keys, policies,
 * bundles) carries no tool or actor and is not. `sameFramework`: only nodes recorded for the
 * control's own framework count (a SOC 2 bundle is no EU AI Act evidence).
 */
export interface EvidenceKindDefinition {
  readonly kind: EvidenceKind;
  readonly nodeType: EvidenceNodeType;
  readonly receiptTypes: readonly string[] | null;
  readonly requires: 'action' | 'actor' | 'policy' | null;
  readonly scope: 'action' | 'tenant';
  readonly sameFramework: boolean;
  /** What counts, in words (docs, the catalogue answer). */
  readonly counts: string;
  /** The look-alike that does not count, when there is one. */
  readonly doesNotCount: string | null;
}

const kind = (
  k: EvidenceKind,
  nodeType: EvidenceNodeType,
  counts: string,
  o: Partial<Pick<EvidenceKindDefinition, 'receiptTypes' | 'requires' | 'scope' | 'sameFramework' | 'doesNotCount'>> = {},
): EvidenceKindDefinition => ({
  kind: k,
  nodeType,
  receiptTypes: o.receiptTypes ?? null,
  requires: o.requires ?? null,
  scope: o.scope ?? 'action',
  sameFramework: o.sameFramework ?? false,
  counts,
  doesNotCount: o.doesNotCount ?? null,
});

export const EVIDENCE_KIND_DEFINITIONS: Readonly<Record<EvidenceKind, EvidenceKindDefinition>> = {
  human_approval: kind('human_approval', 'approval_decision', 'An approval_decision node: an action.approved receipt that concluded an approval (data.approvalId), decided by the approvers its approval.decided receipts name.', {
    doesNotCount: 'An action the policy allowed by itself: its action.approved receipt has no approval and no approver, so it is no human oversight.',
  }),
  policy_decision: kind('policy_decision', 'receipt', 'An action receipt that records the policy evaluation (policy set, version, hash, decision, rules).', { requires: 'policy' }),
  denied_action: kind('denied_action', 'receipt', 'An action.denied receipt: refused by the policy, by an approver, or by the policy evaluated again at the final approval.', { receiptTypes: ['action.denied'] }),
  execution_recorded: kind('execution_recorded', 'receipt', 'An action.executed or action.failed receipt: the outcome of an execution, with its output hash.', { receiptTypes: ['action.executed', 'action.failed'] }),
  action_recorded: kind('action_recorded', 'receipt', 'A receipt of an action chain (any receipt with an actionId).', { requires: 'action' }),
  actor_attributed: kind('actor_attributed', 'receipt', 'A receipt that names the agent, and the user it acted for, behind an action.', { requires: 'actor' }),
  signed_receipts: kind('signed_receipts', 'receipt', 'Any receipt of the tenant chain: hash-chained and Ed25519-signed.'),
  key_custody: kind('key_custody', 'receipt', 'A key.generated or key.rotated receipt: signed by the key it introduces or the key it replaces.', { receiptTypes: ['key.generated', 'key.rotated'], scope: 'tenant' }),
  key_rotation: kind('key_rotation', 'receipt', 'A key.rotated receipt.', { receiptTypes: ['key.rotated'], scope: 'tenant', doesNotCount: 'The first key of a tenant (key.generated) is custody, not rotation.' }),
  policy_published: kind('policy_published', 'receipt', 'A policy.published or policy.rolled_back receipt: who put which policy document (by hash) in force.', { receiptTypes: ['policy.published', 'policy.rolled_back'], scope: 'tenant', doesNotCount: 'A draft (policy.created) that was never put in force.' }),
  oversight_configured: kind('oversight_configured', 'receipt', 'An approval.workflow_configured receipt: the approval stages and approvers the tenant set.', { receiptTypes: ['approval.workflow_configured'], scope: 'tenant' }),
  evidence_bundle: kind('evidence_bundle', 'evidence_bundle', 'An evidence bundle generated for the control\'s framework (evidence.bundle.generated).', { scope: 'tenant', sameFramework: true, doesNotCount: 'A bundle generated for another framework.' }),
  control_mapped: kind('control_mapped', 'control_mapping', 'A control mapping the tenant recorded for the control\'s framework (compliance.control_mapping.upserted).', { scope: 'tenant', sameFramework: true }),
};

/** The evidence a tenant mapping's `requiredNodeTypes` entry asks for (a v1 mapping names node types). */
export const NODE_TYPE_EVIDENCE: Readonly<Record<EvidenceNodeType, EvidenceKind>> = {
  action: 'action_recorded',
  receipt: 'signed_receipts',
  policy_version: 'policy_decision',
  actor: 'actor_attributed',
  approval_decision: 'human_approval',
  evidence_bundle: 'evidence_bundle',
  control_mapping: 'control_mapped',
};

/**
 * A human approval: an `action.approved` receipt that concluded an approval (`data.approvalId`),
 * which only an approver's `approval.decided` can do. An action the policy allowed by itself is
 * `action.approved` too, without an approval: that is no evidence of human oversight.
 */
export function isHumanApprovalReceipt(receipt: Pick<Receipt, 'type' | 'data'>): boolean {
  return receipt.type === 'action.approved' && typeof receipt.data.approvalId === 'string' && receipt.data.approvalId !== '';
}
