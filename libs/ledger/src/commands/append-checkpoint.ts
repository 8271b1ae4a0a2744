import {
  type AppendCheckpoint,
  CHECKPOINT_SUBJECT,
  type CheckpointData,
  type CheckpointState,
  checkpointStateOf,
  decideAppendCheckpoint,
  evolveCheckpointState,
  initialCheckpointState,
  type FrontierNode,
  RETENTION_SUBJECT,
  retentionOf,
} from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import type { WriteResult } from '..';
import { aggregateDraft, derivedId } from '../receipt-draft';
import { type CommandDeps, handleCommand } from './handle-command';
import { latestReceipt, receiptOf } from './stored-receipt';

const PAGE = 1000;

/**
 * Appends a signed Merkle checkpoint of the tenant's stream as of the head it lands after, or
 * nothing when that head is already attested. Its cost is the events since the previous
 * checkpoint: the tree continues from that checkpoint's frontier. The receipt id derives from the
 * covered size, so two instances attesting the same prefix collapse into one receipt.
 */
export async function appendCheckpoint(deps: CommandDeps, tenantId: string, now: Date = new Date()): Promise<WriteResult<Receipt | null>> {
  const command: AppendCheckpoint = { type: 'AppendCheckpoint', data: { tenantId }, metadata: { now: now.toISOString() } };
  return handleCommand(deps, {
    tenantId,
    subjects: [CHECKPOINT_SUBJECT],
    load: async (read, ctx) => loadCheckpointState(deps.store, tenantId, await read(CHECKPOINT_SUBJECT), ctx.head.sequence),
    decide: (state) => decideAppendCheckpoint(state, command),
    drafts: (events) =>
      events.map((e) => aggregateDraft(derivedId('rcpt', tenantId, e.type, String(e.data.treeSize)), e.type, e.subject, e.data as unknown as Record<string, unknown>)),
    answer: ({ receipts }) => receipts[0] ?? null,
  });
}

/**
 * The latest checkpoint of the stream when it covers `sequence`; else one appended now (or another
 * writer's that landed meanwhile). Null only when none covers it yet: `sequence` is the newest
 * checkpoint itself, which the next one covers.
 */
export async function checkpointCovering(deps: CommandDeps, tenantId: string, sequence: number): Promise<Receipt | null> {
  const covers = (r: Receipt | null): r is Receipt => r !== null && (r.data as unknown as CheckpointData).treeSize >= sequence;
  const latest = await latestReceipt(deps.store, tenantId, CHECKPOINT_SUBJECT);
  if (covers(latest)) return latest;
  const appended = (await appendCheckpoint(deps, tenantId)).value ?? (await latestReceipt(deps.store, tenantId, CHECKPOINT_SUBJECT));
  return covers(appended) ? appended : null;
}

/** The ledger state at `headSequence`: from the latest checkpoint, folding the events after what it covers. */
export async function loadCheckpointState(store: EventStore, tenantId: string, latest: Receipt | null, headSequence: number): Promise<CheckpointState> {
  let state = latest ? checkpointStateOf(latest.sequence, latest.data as unknown as CheckpointData) : initialCheckpointState;
  // A stream pruned past its latest checkpoint continues from the prune's frontier (the events before it are archived).
  const prune = retentionOf((await latestReceipt(store, tenantId, RETENTION_SUBJECT))?.data).lastPrune;
  if (prune && prune.prunedThrough > state.tree.size) {
    state = { last: state.last, head: { sequence: prune.prunedThrough, receiptHash: prune.lastReceiptHash }, tree: { size: prune.prunedThrough, frontier: prune.frontier } };
  }
  // Another writer's checkpoint past the head this build runs on: nothing to attest on this head.
  if (latest && latest.sequence > headSequence) return { ...state, head: { sequence: latest.sequence, receiptHash: latest.integrity.receiptHash } };
  for (let from = state.tree.size + 1; from <= headSequence; ) {
    const events = await store.read(tenantId, { from, to: headSequence, limit: PAGE });
    if (events.length === 0) break;
    for (const event of events) {
      const r = receiptOf(event);
      state = evolveCheckpointState(state, { sequence: event.sequence, receiptHash: r.integrity.receiptHash, type: event.type, data: r.data });
    }
    from = events[events.length - 1]!.sequence + 1;
  }
  return state;
}

/** Where a pruned stream's Merkle tree continues from: the frontier its last retention prune recorded (null when never pruned). */
export function prunedBaseOf(store: EventStore): (tenantId: string) => Promise<{ size: number; frontier: FrontierNode[] } | null> {
  return async (tenantId) => {
    const prune = retentionOf((await latestReceipt(store, tenantId, RETENTION_SUBJECT))?.data).lastPrune;
    return prune ? { size: prune.prunedThrough, frontier: prune.frontier } : null;
  };
}
