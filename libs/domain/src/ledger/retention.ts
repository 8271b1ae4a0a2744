import { CHECKPOINT_SUBJECT, type FrontierNode } from './ledger.events';

/**
 * Retention of a tenant stream (docs/retention.md): a policy (days, the v1 legal-hold flag), legal
 * holds (incident evidence among them) and the prunes applied. One aggregate, `ledger.retention`,
 * whose every receipt carries the whole snapshot. A prune never rewrites what remains: the prefix is
 * archived, a signed `ledger.retention_applied` receipt carries the head hash, the Merkle frontier
 * and the key ring at the prune point (so the rest verifies from it), and only then is the prefix
 * removed from the live stream.
 */
export const RETENTION_SUBJECT = 'ledger.retention';
export const RETENTION_POLICY_SET = 'ledger.retention_policy_set';
export const LEGAL_HOLD_PLACED = 'ledger.legal_hold_placed';
export const LEGAL_HOLD_RELEASED = 'ledger.legal_hold_released';
export const RETENTION_APPLIED = 'ledger.retention_applied';
/** The key ring restated on its own subject at a prune, so the writer keeps it once `key.generated` is archived. */
export const KEYRING_RESTATED = 'keyring.restated';
export const RETENTION_EVENT_TYPES = [RETENTION_POLICY_SET, LEGAL_HOLD_PLACED, LEGAL_HOLD_RELEASED, RETENTION_APPLIED] as const;

export const DEFAULT_RETENTION_DAYS = 365;
export const MAX_RETENTION_DAYS = 36_500;

export interface RetentionPolicy {
  retentionDays: number;
  /** The v1 flag: a hold placed through the policy itself. */
  legalHold: boolean;
  reason: string | null;
  updatedAt: string | null;
  updatedBy: string;
}

export interface LegalHold {
  holdId: string;
  reason: string;
  /** The incident whose evidence it preserves, when it is an incident hold. */
  incidentId: string | null;
  placedAt: string;
  placedBy: string;
}

export interface PruneRecord {
  /** Every event up to this sequence was archived and removed. */
  prunedThrough: number;
  /** receiptHash of the event at `prunedThrough`: the next event's prevEventHash. */
  lastReceiptHash: string;
  /** Merkle compact range of sequences 1..prunedThrough: trees and proofs continue from it. */
  frontier: FrontierNode[];
  /** Public key ring (keyId, publicKeyPem, …) in force at the prune: later receipts verify with it. */
  keyring: unknown;
  archive: { location: string; sha256: string; events: number; bytes: number; fromSequence: number };
  cutoff: string;
  appliedAt: string;
  appliedBy: string;
}

export interface RetentionSnapshot {
  policy: RetentionPolicy;
  holds: LegalHold[];
  lastPrune: PruneRecord | null;
}

export const initialRetention: RetentionSnapshot = {
  policy: { retentionDays: DEFAULT_RETENTION_DAYS, legalHold: false, reason: null, updatedAt: null, updatedBy: 'system' },
  holds: [],
  lastPrune: null,
};

export type RetentionEvent = { readonly type: (typeof RETENTION_EVENT_TYPES)[number]; readonly subject: typeof RETENTION_SUBJECT; readonly data: RetentionSnapshot & Record<string, unknown> };
export type KeyringRestated = { readonly type: typeof KEYRING_RESTATED; readonly subject: string; readonly data: { keyring: unknown; restatedAt: string } };

export type RetentionCommand =
  | { type: 'SetRetentionPolicy'; data: { retentionDays: number; legalHold: boolean; reason: string | null }; metadata: { now: string; actor: string } }
  | { type: 'PlaceLegalHold'; data: { holdId: string; reason: string; incidentId: string | null }; metadata: { now: string; actor: string } }
  | { type: 'ReleaseLegalHold'; data: { holdId: string }; metadata: { now: string; actor: string } }
  | { type: 'ApplyRetention'; data: { prune: Omit<PruneRecord, 'appliedAt' | 'appliedBy'>; keyringSubject: string }; metadata: { now: string; actor: string } };

export class RetentionError extends Error {
  constructor(
    readonly code: 'legal_hold_active' | 'legal_hold_not_found' | 'nothing_to_prune' | 'invalid_retention_policy',
    message: string,
  ) {
    super(message);
  }
}

/** The snapshot a retention receipt carries (the initial policy before any). */
export function retentionOf(data: unknown): RetentionSnapshot {
  const d = data as Partial<RetentionSnapshot> | null | undefined;
  return d && d.policy && Array.isArray(d.holds) ? { policy: d.policy, holds: d.holds, lastPrune: d.lastPrune ?? null } : initialRetention;
}

/** Whether anything holds the stream back from pruning. */
export function holdsOf(state: RetentionSnapshot): string[] {
  return [...(state.policy.legalHold ? ['the retention policy places a legal hold'] : []), ...state.holds.map((h) => `hold ${h.holdId}${h.incidentId ? ` (incident ${h.incidentId})` : ''}: ${h.reason}`)];
}

/** The latest cutoff: events at or after it are kept. */
export function retentionCutoff(state: RetentionSnapshot, now: string): string {
  return new Date(Date.parse(now) - state.policy.retentionDays * 86_400_000).toISOString();
}

/** Subjects whose latest receipt is live state and must never be pruned (besides the tenant settings, open actions and the key ring, which is restated). */
export const RETAINED_SUBJECTS: readonly string[] = [CHECKPOINT_SUBJECT, RETENTION_SUBJECT];

export function decideRetention(state: RetentionSnapshot, command: RetentionCommand): Array<RetentionEvent | KeyringRestated> {
  const { now, actor } = command.metadata;
  switch (command.type) {
    case 'SetRetentionPolicy': {
      const { retentionDays, legalHold, reason } = command.data;
      if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS) {
        throw new RetentionError('invalid_retention_policy', `retentionDays must be an integer from 1 to ${MAX_RETENTION_DAYS}.`);
      }
      return [snapshotEvent(RETENTION_POLICY_SET, { ...state, policy: { retentionDays, legalHold, reason, updatedAt: now, updatedBy: actor } })];
    }
    case 'PlaceLegalHold': {
      if (state.holds.some((h) => h.holdId === command.data.holdId)) return [];
      const hold: LegalHold = { ...command.data, placedAt: now, placedBy: actor };
      return [snapshotEvent(LEGAL_HOLD_PLACED, { ...state, holds: [...state.holds, hold] }, { hold })];
    }
    case 'ReleaseLegalHold': {
      const hold = state.holds.find((h) => h.holdId === command.data.holdId);
      if (!hold) throw new RetentionError('legal_hold_not_found', `No active legal hold ${command.data.holdId}.`);
      return [snapshotEvent(LEGAL_HOLD_RELEASED, { ...state, holds: state.holds.filter((h) => h !== hold) }, { hold, releasedAt: now, releasedBy: actor })];
    }
    case 'ApplyRetention': {
      const holds = holdsOf(state);
      if (holds.length > 0) throw new RetentionError('legal_hold_active', `Retention cannot be applied while legal hold is active (${holds.join('; ')}).`);
      const { prune, keyringSubject } = command.data;
      if (prune.prunedThrough <= (state.lastPrune?.prunedThrough ?? 0)) throw new RetentionError('nothing_to_prune', 'Nothing is older than the retention period, or it is held back by live state.');
      const record: PruneRecord = { ...prune, appliedAt: now, appliedBy: actor };
      return [
        { type: KEYRING_RESTATED, subject: keyringSubject, data: { keyring: prune.keyring, restatedAt: now } },
        snapshotEvent(RETENTION_APPLIED, { ...state, lastPrune: record }),
      ];
    }
    default:
      throw new Error(`Unknown retention command ${JSON.stringify(command satisfies never)}`);
  }
}

function snapshotEvent(type: RetentionEvent['type'], snapshot: RetentionSnapshot, extra: Record<string, unknown> = {}): RetentionEvent {
  return { type, subject: RETENTION_SUBJECT, data: { ...snapshot, ...extra } };
}
