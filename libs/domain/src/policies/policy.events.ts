import type { PolicyDocument } from '@oars/policy';
import { PUBLISHED_POLICY_SUBJECT } from '../tenant-settings';

export const POLICY_CREATED = 'policy.created';
export const POLICY_PUBLISHED = 'policy.published';
export const POLICY_ROLLED_BACK = 'policy.rolled_back';

/** The aggregate subject of one policy; its `policy.created` receipt carries the document. */
export function policySubject(policyId: string): string {
  return `policy.${policyId}`;
}

/** `data` of `policy.created`: the draft as created (status `draft`) and who created it. */
export interface PolicyCreatedData {
  policy: PolicyDocument;
  actor: string;
}

/**
 * `data` of `policy.published` and `policy.rolled_back`, both on PUBLISHED_POLICY_SUBJECT: the latest
 * of them is the tenant's policy in force (the chain writer keeps it in memory for decisions).
 */
export interface PolicySetData {
  /** The whole document now in force: status `published`, `updatedAt` the moment it took over. */
  policy: PolicyDocument;
  /** The policy this one replaced; null when the built-in default was in force. */
  previousPublishedPolicyId: string | null;
  /**
   * Every policy id that has been in force in the tenant, first publication first. Carried forward by
   * each receipt so the latest one alone answers "was this ever published?" (rollback targets).
   */
  publishedPolicyIds: string[];
  actor: string;
}

export interface PolicyCreated {
  readonly type: typeof POLICY_CREATED;
  readonly subject: string;
  readonly data: PolicyCreatedData;
}

export interface PolicyPublished {
  readonly type: typeof POLICY_PUBLISHED;
  readonly subject: typeof PUBLISHED_POLICY_SUBJECT;
  readonly data: PolicySetData;
}

export interface PolicyRolledBack {
  readonly type: typeof POLICY_ROLLED_BACK;
  readonly subject: typeof PUBLISHED_POLICY_SUBJECT;
  readonly data: PolicySetData;
}

export type PolicyEvent = PolicyCreated | PolicyPublished | PolicyRolledBack;

const POLICY_EVENT_TYPES: ReadonlySet<string> = new Set([POLICY_CREATED, POLICY_PUBLISHED, POLICY_ROLLED_BACK]);

/** The policy event a stored receipt carries, or null for any other receipt (or a malformed one). */
export function policyEventOf(receipt: { type: string; data: Record<string, unknown> } | null): PolicyEvent | null {
  if (!receipt || !POLICY_EVENT_TYPES.has(receipt.type)) return null;
  const policy = receipt.data.policy as PolicyDocument | undefined;
  if (!policy || typeof policy.id !== 'string' || !Array.isArray(policy.rules)) return null;
  if (receipt.type === POLICY_CREATED) return { type: POLICY_CREATED, subject: policySubject(policy.id), data: receipt.data as unknown as PolicyCreatedData };
  const data = receipt.data as unknown as PolicySetData;
  const normalised: PolicySetData = { ...data, publishedPolicyIds: Array.isArray(data.publishedPolicyIds) ? data.publishedPolicyIds : [policy.id] };
  return { type: receipt.type as typeof POLICY_PUBLISHED, subject: PUBLISHED_POLICY_SUBJECT, data: normalised };
}
