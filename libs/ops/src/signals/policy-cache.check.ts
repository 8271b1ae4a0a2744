import { PUBLISHED_POLICY_SUBJECT } from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import { type PolicyDocument, builtInDefaultPolicy, policyHash } from '@oars/policy';
import type { Receipt } from '@oars/receipts';
import { receiptOf } from '@oars/ledger';

/** What the per-process policy check needs of the chain writer (read-only). */
export interface PolicyCacheSource {
  setting(tenantId: string, subject: string): Receipt | null | undefined;
  knownHead(tenantId: string): number | undefined;
}

/**
 * - `in_sync`: the writer's cached published policy is the stream's latest.
 * - `behind`: the stream has a newer one the writer has not seen yet (another instance published
 *   after this writer's last write; its next write reloads, so no decision uses the old one).
 * - `drift`: the writer's cache disagrees with the stream at a position the writer claims to have
 *   seen: its next decision would use the wrong policy.
 * - `not_cached`: this process holds nothing for the tenant.
 */
export type PolicyCacheState = 'in_sync' | 'behind' | 'drift' | 'not_cached';

export interface PolicyRef {
  receiptId: string | null;
  sequence: number | null;
  policySetId: string;
  policyVersion: string;
  policyHash: string;
}

export interface PolicyCacheCheck {
  tenantId: string;
  state: PolicyCacheState;
  /** The policy this process would decide with (null when not cached). */
  cached: PolicyRef | null;
  /** The published policy per the stream (the built-in default when none was published). */
  stream: PolicyRef;
  writerHead: number | null;
}

export async function checkPolicyCache(writer: PolicyCacheSource, store: EventStore, tenantId: string): Promise<PolicyCacheCheck> {
  const cachedReceipt = writer.setting(tenantId, PUBLISHED_POLICY_SUBJECT);
  const head = writer.knownHead(tenantId) ?? null;
  const latest = await store.lastBySubject(tenantId, PUBLISHED_POLICY_SUBJECT);
  const streamRef = refOf(tenantId, latest ? receiptOf(latest) : null);
  const cached = cachedReceipt === undefined ? null : refOf(tenantId, cachedReceipt);
  let state: PolicyCacheState;
  if (!cached) state = 'not_cached';
  else if (cached.receiptId === streamRef.receiptId) state = 'in_sync';
  else if (streamRef.sequence !== null && head !== null && streamRef.sequence > head) state = 'behind';
  else state = 'drift';
  return { tenantId, state, cached, stream: streamRef, writerHead: head };
}

function refOf(tenantId: string, receipt: Receipt | null): PolicyRef {
  const policy = receipt?.data.policy as PolicyDocument | undefined;
  const doc = policy && Array.isArray(policy.rules) ? policy : builtInDefaultPolicy(tenantId);
  return { receiptId: receipt?.receiptId ?? null, sequence: receipt?.sequence ?? null, policySetId: doc.id, policyVersion: doc.version, policyHash: policyHash(doc) };
}
