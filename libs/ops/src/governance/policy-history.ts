import { POLICY_PUBLISHED, POLICY_ROLLED_BACK, PUBLISHED_POLICY_SUBJECT } from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import { receiptOf } from '@oars/ledger';
import { type PolicyDocument, builtInDefaultPolicy, policyHash } from '@oars/policy';
import type { Receipt } from '@oars/receipts';
import { defaultPolicyHash } from '@oars/readmodels';
import { type PolicyPublication, policyInForceAt } from './policy-drift.rule';

const PAGE = 1000;
const MAX_STREAMS = 10_000;

/**
 * Which policy was in force where in each stream, read from the stream itself. The publications of a
 * stream are facts that never change, so what was read is kept (per stream, up to the position read)
 * and later lookups only read what came after. The common case costs one read: the stream's latest
 * publication precedes the position asked about.
 */
export class PolicyHistory {
  private readonly streams = new Map<string, { through: number; publications: PolicyPublication[] }>();
  /**
   * Per stream, the publication in force after the position the reactor has reached, kept by
   * `observe` (the reactor sees every publication in stream order): a decision at the front of the
   * stream is checked without a read and without hashing the policy again. Null: the default.
   */
  private readonly live = new Map<string, { at: number; publication: PolicyPublication | null }>();

  constructor(private readonly store: EventStore) {}

  /** A publication or rollback the reactor reached, in stream order. */
  observe(receipt: Receipt): void {
    const live = this.live.get(receipt.tenantId);
    if (!live || receipt.sequence <= live.at) return;
    const publication = publicationOf(receipt);
    if (publication) this.live.set(receipt.tenantId, { at: receipt.sequence, publication });
  }

  /** The policy in force at `sequence`, answered from what `observe` kept when the reactor is at the front; else from the stream. */
  async inForceAtFront(tenantId: string, sequence: number): Promise<PolicyPublication | null> {
    const live = this.live.get(tenantId);
    if (live && live.at < sequence) return live.publication ?? defaultPublication(tenantId);
    const found = await this.inForceAt(tenantId, sequence);
    // Once the latest publication precedes the decision, later decisions only need what comes after.
    const latest = await this.store.lastBySubject(tenantId, PUBLISHED_POLICY_SUBJECT);
    if (!latest || latest.sequence < sequence) {
      if (this.live.size >= MAX_STREAMS) this.live.clear();
      this.live.set(tenantId, { at: sequence, publication: latest ? publicationOf(receiptOf(latest)) : null });
    }
    return found;
  }

  /**
   * The policy in force at `sequence` of the tenant's stream (what a decision there must carry), or
   * null when the stream no longer holds it (pruned; retention keeps only the latest publication).
   */
  async inForceAt(tenantId: string, sequence: number): Promise<PolicyPublication | null> {
    const latest = await this.store.lastBySubject(tenantId, PUBLISHED_POLICY_SUBJECT);
    if (!latest) return defaultPublication(tenantId);
    if (latest.sequence < sequence) return publicationOf(receiptOf(latest)) ?? defaultPublication(tenantId);
    const history = await this.readThrough(tenantId, sequence - 1);
    const found = policyInForceAt(history, sequence);
    if (found) return found;
    return (await this.store.firstSequence(tenantId)) > 1 ? null : defaultPublication(tenantId);
  }

  private async readThrough(tenantId: string, to: number): Promise<PolicyPublication[]> {
    let known = this.streams.get(tenantId);
    if (!known) {
      if (this.streams.size >= MAX_STREAMS) this.streams.clear();
      known = { through: 0, publications: [] };
      this.streams.set(tenantId, known);
    }
    while (known.through < to) {
      const events = await this.store.read(tenantId, { from: known.through + 1, to, limit: PAGE, types: [POLICY_PUBLISHED, POLICY_ROLLED_BACK] });
      for (const e of events) {
        const p = publicationOf(receiptOf(e));
        if (p) known.publications.push(p);
      }
      known.through = events.length < PAGE ? to : events[events.length - 1]!.sequence;
    }
    return known.publications;
  }
}

function publicationOf(receipt: Receipt): PolicyPublication | null {
  const policy = receipt.data.policy as PolicyDocument | undefined;
  if (!policy || typeof policy.id !== 'string' || !Array.isArray(policy.rules)) return null;
  return { sequence: receipt.sequence, policySetId: policy.id, policyVersion: String(policy.version), policyHash: policyHash(policy) };
}

function defaultPublication(tenantId: string): PolicyPublication {
  const policy = builtInDefaultPolicy(tenantId);
  return { sequence: 0, policySetId: policy.id, policyVersion: String(policy.version), policyHash: defaultPolicyHash(tenantId) };
}
