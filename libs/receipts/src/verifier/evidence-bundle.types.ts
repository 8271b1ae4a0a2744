import { canonicalize } from '../canonical-json';
import type { KeyringEntry, PolicyDecision, Receipt } from '../receipt.types';
import type { MERKLE_ALGORITHM } from './merkle';

/**
 * The self-contained evidence bundle (version 2.0.0): everything an auditor needs to check a tenant's
 * evidence offline, with no call to OARS. It keeps the OARS v1 fields (reference §2.9) and embeds the
 * full receipts, the policy versions and human approvals they show, the public keys, a signed Merkle
 * checkpoint and an inclusion proof per receipt.
 *
 * What is hashed: the whole bundle without `integrity`, canonicalised with RFC 8785, SHA-256, lowercase
 * hex (`integrity.bundleHash`), so every entry and its metadata is covered (v1 covered only a list of
 * receipt hashes). What is signed: the ASCII bytes of `EVIDENCE_BUNDLE_SIGNATURE_DOMAIN + bundleHash`
 * with Ed25519; the domain differs from receipts' so neither signature can pass as the other.
 *
 * The sections derived from the receipts (artifacts, artifactHashes, summary, policies, approvals,
 * manifest) are defined by the functions below, which the builder and the verifier share.
 */
export const EVIDENCE_BUNDLE_VERSION = '2.0.0';
export const EVIDENCE_BUNDLE_SIGNATURE_DOMAIN = 'oars.evidence-bundle.v1:';
export const CHECKPOINT_RECEIPT_TYPE = 'ledger.checkpoint';

export type EvidenceFramework = 'soc2' | 'iso_42001' | 'eu_ai_act';
export const EVIDENCE_FRAMEWORKS: readonly EvidenceFramework[] = ['soc2', 'iso_42001', 'eu_ai_act'];

/**
 * Which receipts the bundle holds: those timestamped in [dateFrom, dateTo] (inclusive) whose tool,
 * agent and policy set are listed by each filter given. A receipt without that fact (a key or policy
 * receipt has no resource) passes the filter.
 */
export interface EvidenceScope {
  dateFrom: string;
  dateTo: string;
  toolIds?: string[];
  agentIds?: string[];
  policyIds?: string[];
  /** The controls the bundle may map evidence to. */
  controlIds?: string[];
}

/** The v1 metadata line of one receipt. */
export interface EvidenceArtifact {
  receiptId: string;
  type: string;
  actionId: string | null;
  timestamp: string;
  decision: PolicyDecision | null;
  receiptHash: string;
}

/** A policy version the receipts cite, and the included receipt that put it in force (null when not included: e.g. the built-in default). */
export interface EvidencePolicy {
  policySetId: string;
  policyVersion: string;
  policyHash: string;
  receiptId: string | null;
}

/**
 * An approval that people concluded: the `action.approved` or `action.denied` receipt carrying the
 * `approvalId` of a decided approval. An auto-allowed action is no approval, and a denial by the
 * policy re-evaluated at the final approval (`reevaluatedDecision`) is the policy's, not a person's.
 */
export interface EvidenceApproval {
  receiptId: string;
  actionId: string;
  approvalId: string;
  decision: 'approved' | 'rejected';
  /** The approvers whose decisions concluded it (every approve for `approved`, the reject for `rejected`). */
  decidedBy: string[];
  decidedAt: string;
  /** The included receipt (`approval.decided`) whose approval snapshot names them, or null when it is not included. */
  decisionReceiptId: string | null;
}

/** Inclusion of the receipt at `sequence` (leaf `sequence - 1`) in the checkpoint's tree of `treeSize` leaves. */
export interface EvidenceProof {
  receiptId: string;
  sequence: number;
  leafIndex: number;
  treeSize: number;
  /** RFC 6962 audit path, lowercase hex, leaf to root. */
  hashes: string[];
}

export interface EvidenceControl {
  controlId: string;
  description: string;
  evidenceReceiptIds: string[];
}

export const EVIDENCE_MANIFEST_SECTIONS = ['receipts', 'policies', 'approvals', 'keys', 'proofs', 'checkpoint', 'controls', 'artifacts'] as const;
export type EvidenceManifestSection = (typeof EVIDENCE_MANIFEST_SECTIONS)[number];

/** One section: its entry count (checkpoint: 0 or 1) and the SHA-256 of its canonical JSON (an absent `controls` is `[]`). */
export interface EvidenceManifestEntry {
  name: EvidenceManifestSection;
  count: number;
  sha256: string;
}

export interface EvidenceBundleIntegrity {
  bundleHash: string;
  /** Standard base64 Ed25519 signature. */
  signature: string;
  signingKeyId: string;
  signatureAlg: 'Ed25519';
  signatureDomain: typeof EVIDENCE_BUNDLE_SIGNATURE_DOMAIN;
}

export interface EvidenceBundle {
  bundleVersion: typeof EVIDENCE_BUNDLE_VERSION;
  /** `evb_…`. */
  bundleId: string;
  tenantId: string;
  framework: EvidenceFramework;
  generatedAt: string;
  scope: EvidenceScope;
  /** actionCount: distinct actions among the included receipts (v1 counted every action of the tenant). */
  summary: { actionCount: number; receiptCount: number };
  /** The receiptHash of each receipt, in order. */
  artifactHashes: string[];
  artifacts: EvidenceArtifact[];
  /** The full receipts, in strictly increasing sequence. */
  receipts: Receipt[];
  policies: EvidencePolicy[];
  approvals: EvidenceApproval[];
  /** Public keys of the signers (receipts, checkpoint, bundle). */
  keys: KeyringEntry[];
  /** A `ledger.checkpoint` receipt covering every included receipt (null only for a bundle without receipts). */
  checkpoint: Receipt | null;
  /** One per receipt, in the same order. */
  proofs: EvidenceProof[];
  controls?: EvidenceControl[];
  manifest: { entries: EvidenceManifestEntry[] };
  integrity: EvidenceBundleIntegrity;
}

/** `data` of a `ledger.checkpoint` receipt at sequence `treeSize + 1` (the fields a verifier reads). */
export interface CheckpointReceiptData {
  treeSize: number;
  rootHash: string;
  algorithm: typeof MERKLE_ALGORITHM;
  /** receiptHash of the receipt at sequence `treeSize`. */
  lastReceiptHash: string;
}

/** Whether a parsed JSON document presents itself as an evidence bundle (`bundleVersion` and `integrity.signatureDomain`), not as receipts. */
export function looksLikeEvidenceBundle(value: unknown): boolean {
  const v = value as { bundleVersion?: unknown; integrity?: { signatureDomain?: unknown } } | null;
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.bundleVersion !== undefined && typeof v.integrity === 'object' && v.integrity?.signatureDomain !== undefined;
}

/** What the bundle hash covers: everything but `integrity`. */
export function evidenceBundleHashInput(bundle: Omit<EvidenceBundle, 'integrity'> | EvidenceBundle): object {
  return { ...bundle, integrity: undefined };
}

/** The exact text Ed25519 signs: the bundle domain tag followed by the 64 hex characters (ASCII). */
export function evidenceBundleSignatureMessage(bundleHash: string): string {
  return EVIDENCE_BUNDLE_SIGNATURE_DOMAIN + bundleHash;
}

/** The first field that puts `receipt` outside `scope` (`timestamp`, `resource.toolId`, `actor.agentId`, `policy.policySetId`), or null. */
export function outOfScopeFieldOf(receipt: Receipt, scope: EvidenceScope): string | null {
  const at = Date.parse(receipt.timestamp);
  const passes = (allowed: string[] | undefined, value: string | null | undefined) => !allowed || value == null || allowed.includes(value);
  if (!(at >= Date.parse(scope.dateFrom) && at <= Date.parse(scope.dateTo))) return 'timestamp';
  if (!passes(scope.toolIds, receipt.resource?.toolId)) return 'resource.toolId';
  if (!passes(scope.agentIds, receipt.actor?.agentId)) return 'actor.agentId';
  if (!passes(scope.policyIds, receipt.policy?.policySetId)) return 'policy.policySetId';
  return null;
}

export function evidenceArtifactOf(r: Receipt): EvidenceArtifact {
  return { receiptId: r.receiptId, type: r.type, actionId: r.actionId, timestamp: r.timestamp, decision: r.policy?.decision ?? null, receiptHash: r.integrity.receiptHash };
}

export function evidenceSummaryOf(receipts: readonly Receipt[]): EvidenceBundle['summary'] {
  const actions = new Set(receipts.flatMap((r) => (r.actionId === null ? [] : [r.actionId])));
  return { actionCount: actions.size, receiptCount: receipts.length };
}

const POLICY_SET_TYPES = ['policy.published', 'policy.rolled_back'];

/** Every distinct policy evaluation cited, first citation first, with the latest included publication before that citation. */
export function citedPoliciesOf(receipts: readonly Receipt[]): EvidencePolicy[] {
  const out = new Map<string, EvidencePolicy>();
  const published = new Map<string, string>();
  for (const r of receipts) {
    const doc = POLICY_SET_TYPES.includes(r.type) ? (r.data.policy as { id?: unknown; version?: unknown } | undefined) : undefined;
    if (doc && typeof doc.id === 'string' && typeof doc.version === 'string') published.set(JSON.stringify([doc.id, doc.version]), r.receiptId);
    if (!r.policy) continue;
    const { policySetId, policyVersion, policyHash } = r.policy;
    const key = citedPolicyKey(r.policy);
    if (!out.has(key)) out.set(key, { policySetId, policyVersion, policyHash, receiptId: published.get(JSON.stringify([policySetId, policyVersion])) ?? null });
  }
  return [...out.values()];
}

export function citedPolicyKey(p: { policySetId: string; policyVersion: string; policyHash: string }): string {
  return JSON.stringify([p.policySetId, p.policyVersion, p.policyHash]);
}

interface ApprovalSnapshot {
  id: string;
  decisions: Array<{ decision: string; approverId: string; decidedAt: string }>;
}

/** The human approvals among `receipts` (see {@link EvidenceApproval}), in receipt order. */
export function humanApprovalsOf(receipts: readonly Receipt[]): EvidenceApproval[] {
  const snapshots = new Map<string, { receiptId: string; approval: ApprovalSnapshot }>();
  const out: EvidenceApproval[] = [];
  for (const r of receipts) {
    const approval = snapshotOf(r.data.approval);
    if (r.type === 'approval.decided' && approval) snapshots.set(approval.id, { receiptId: r.receiptId, approval });
    const concluded = humanApprovalConclusionOf(r);
    if (!concluded) continue;
    const snapshot = snapshots.get(concluded.approvalId);
    const counted = (snapshot?.approval.decisions ?? []).filter((d) => d.decision === (concluded.decision === 'approved' ? 'approve' : 'reject'));
    out.push({
      ...concluded,
      decidedBy: [...new Set(counted.map((d) => d.approverId))],
      decidedAt: counted[counted.length - 1]?.decidedAt ?? r.timestamp,
      decisionReceiptId: snapshot?.receiptId ?? null,
    });
  }
  return out;
}

/** The receipt's approval outcome when people decided it, or null. */
export function humanApprovalConclusionOf(r: Receipt): Pick<EvidenceApproval, 'receiptId' | 'actionId' | 'approvalId' | 'decision'> | null {
  const { approvalId, reevaluatedDecision } = r.data;
  if (r.actionId === null || typeof approvalId !== 'string' || reevaluatedDecision !== undefined) return null;
  if (r.type !== 'action.approved' && r.type !== 'action.denied') return null;
  return { receiptId: r.receiptId, actionId: r.actionId, approvalId, decision: r.type === 'action.approved' ? 'approved' : 'rejected' };
}

function snapshotOf(value: unknown): ApprovalSnapshot | null {
  const a = value as Partial<ApprovalSnapshot> | null | undefined;
  if (typeof a !== 'object' || a === null || typeof a.id !== 'string' || !Array.isArray(a.decisions)) return null;
  const decisions = a.decisions.filter((d) => typeof d?.approverId === 'string' && typeof d.decidedAt === 'string' && typeof d.decision === 'string');
  return { id: a.id, decisions };
}

/** The manifest of a bundle's sections; `sha256Hex` hashes the UTF-8 canonical JSON of each. */
export function evidenceManifestOf(bundle: Pick<EvidenceBundle, EvidenceManifestSection>, sha256Hex: (text: string) => string): { entries: EvidenceManifestEntry[] } {
  return {
    entries: EVIDENCE_MANIFEST_SECTIONS.map((name) => {
      const section = name === 'controls' ? (bundle.controls ?? []) : bundle[name];
      const count = Array.isArray(section) ? section.length : section === null ? 0 : 1;
      return { name, count, sha256: sha256Hex(canonicalize(section)) };
    }),
  };
}
