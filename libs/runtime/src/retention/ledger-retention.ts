import { createHash } from 'node:crypto';
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlClient } from '@oars/db';
import {
  type CheckpointState,
  RETAINED_SUBJECTS,
  RETENTION_SUBJECT,
  type RetentionCommand,
  type RetentionSnapshot,
  RetentionError,
  TENANT_SETTINGS_SUBJECTS,
  decideRetention,
  evolveCheckpointState,
  holdsOf,
  initialCheckpointState,
  retentionCutoff,
  retentionOf,
} from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import { KEYRING_SUBJECT, type TenantChainWriter, aggregateDraft, derivedId, handleCommand, latestReceipt, receiptOf } from '@oars/ledger';
import { loadIntegrityRecord } from '@oars/ops';
import type { Receipt } from '@oars/receipts';

export interface LedgerRetentionDeps {
  store: EventStore;
  writer: TenantChainWriter;
  sql: SqlClient;
  archiveDir: string;
}

/** What one applied retention did. */
export interface RetentionOutcome {
  tenantId: string;
  prunedThrough: number;
  firstSequence: number;
  archived: number;
  archive: { location: string; sha256: string; events: number; bytes: number; fromSequence: number };
  cutoff: string;
  /** The signed `ledger.retention_applied` receipt later verifiers start from. */
  retentionReceiptId: string;
  /** What held the prune point back from the cutoff, if anything. */
  heldBackBy: string | null;
}

const PAGE = 1000;

/** Events that are not live state: not the latest of a setting or a retained subject, not an open action's, verified by the integrity verifier. */
const OPEN_ACTION_STATES = ['requested', 'approval_required', 'approved'];

/**
 * Retention of the tenant streams (docs/retention.md). Policy and holds are receipts of the
 * `ledger.retention` aggregate; applying it archives the prefix older than the policy (never what is
 * still live state, never what the integrity verifier has not verified), records a signed
 * `ledger.retention_applied` receipt (head hash, Merkle frontier, key ring at the prune point) and
 * only then removes the prefix from the live stream. A crash between the receipt and the removal is
 * finished by the next apply.
 */
export class LedgerRetention {
  constructor(private readonly deps: LedgerRetentionDeps) {}

  async state(tenantId: string): Promise<{ snapshot: RetentionSnapshot; receipt: Receipt | null }> {
    const receipt = await latestReceipt(this.deps.store, tenantId, RETENTION_SUBJECT);
    return { snapshot: retentionOf(receipt?.data), receipt };
  }

  setPolicy(tenantId: string, data: { retentionDays: number; legalHold: boolean; reason: string | null }, actor: string, now = new Date()) {
    return this.command(tenantId, { type: 'SetRetentionPolicy', data, metadata: { now: now.toISOString(), actor } });
  }

  placeHold(tenantId: string, data: { holdId: string; reason: string; incidentId: string | null }, actor: string, now = new Date()) {
    return this.command(tenantId, { type: 'PlaceLegalHold', data, metadata: { now: now.toISOString(), actor } });
  }

  releaseHold(tenantId: string, holdId: string, actor: string, now = new Date()) {
    return this.command(tenantId, { type: 'ReleaseLegalHold', data: { holdId }, metadata: { now: now.toISOString(), actor } });
  }

  async apply(tenantId: string, actor: string, now = new Date()): Promise<RetentionOutcome> {
    const { store } = this.deps;
    const { snapshot } = await this.state(tenantId);
    const holds = holdsOf(snapshot);
    if (holds.length > 0) throw new RetentionError('legal_hold_active', `Retention cannot be applied while legal hold is active (${holds.join('; ')}).`);
    // A prune recorded but not carried out (a crash, or a store that refused): finish it first.
    const first = await store.firstSequence(tenantId);
    const last = snapshot.lastPrune;
    if (last && first > 0 && first <= last.prunedThrough) return this.finish(tenantId, last, null);

    const cutoff = retentionCutoff(snapshot, now.toISOString());
    const { limit, reason } = await this.pruneLimit(tenantId);
    const oldest = await this.lastBefore(tenantId, Math.max(first, 1), limit, cutoff);
    const prunedThrough = Math.min(oldest, limit);
    const from = (last?.prunedThrough ?? 0) + 1;
    if (prunedThrough < from) throw new RetentionError('nothing_to_prune', `Nothing before ${cutoff} can be pruned${reason && oldest > limit ? ` (${reason})` : ''}.`);

    const { archive, tree, lastReceiptHash } = await this.archive(tenantId, from, prunedThrough, last);
    const keyring = await this.deps.writer.keyring(tenantId);
    const prune = { prunedThrough, lastReceiptHash, frontier: [...tree.frontier], keyring, archive, cutoff };
    const { value: receipt } = await handleCommand<RetentionSnapshot, ReturnType<typeof decideRetention>[number], Receipt>(this.deps, {
      tenantId,
      subjects: [RETENTION_SUBJECT, KEYRING_SUBJECT],
      load: async (read) => retentionOf((await read(RETENTION_SUBJECT))?.data),
      decide: (state) => decideRetention(state, { type: 'ApplyRetention', data: { prune, keyringSubject: KEYRING_SUBJECT }, metadata: { now: now.toISOString(), actor } }),
      drafts: (events) => events.map((e) => aggregateDraft(derivedId('rcpt', tenantId, e.type, String(prunedThrough)), e.type, e.subject, e.data as unknown as Record<string, unknown>)),
      answer: ({ receipts }) => receipts[receipts.length - 1]!,
    });
    return this.finish(tenantId, retentionOf(receipt.data).lastPrune!, receipt, oldest > limit ? reason : null);
  }

  private async finish(tenantId: string, prune: NonNullable<RetentionSnapshot['lastPrune']>, receipt: Receipt | null, heldBackBy: string | null = null): Promise<RetentionOutcome> {
    const { firstSequence } = await this.deps.store.prune(tenantId, prune.prunedThrough);
    const retention = receipt ?? (await latestReceipt(this.deps.store, tenantId, RETENTION_SUBJECT))!;
    return {
      tenantId,
      prunedThrough: prune.prunedThrough,
      firstSequence,
      archived: prune.archive.events,
      archive: prune.archive,
      cutoff: prune.cutoff,
      retentionReceiptId: retention.receiptId,
      heldBackBy,
    };
  }

  /** The last sequence a prune may remove: before any live state, and verified by the integrity verifier. */
  private async pruneLimit(tenantId: string): Promise<{ limit: number; reason: string | null }> {
    const { store, sql } = this.deps;
    const bounds: Array<[number, string]> = [[(await store.head(tenantId)).sequence - 1, 'the head is kept']];
    for (const subject of [...TENANT_SETTINGS_SUBJECTS, ...RETAINED_SUBJECTS]) {
      const latest = await store.lastBySubject(tenantId, subject);
      if (latest) bounds.push([latest.sequence - 1, `the latest ${subject} receipt (sequence ${latest.sequence}) is live state`]);
    }
    const { rows } = await sql.query<{ floor: string | number | null }>(
      'SELECT min(last_sequence) AS floor FROM actions WHERE tenant_id = $1 AND state = ANY($2::text[])',
      [tenantId, OPEN_ACTION_STATES],
    );
    if (rows[0]?.floor != null) bounds.push([Number(rows[0].floor) - 1, `an open action's latest receipt (sequence ${rows[0].floor}) is live state`]);
    const verified = (await loadIntegrityRecord(sql, tenantId)).at.position;
    bounds.push([verified, `the integrity verifier has verified up to sequence ${verified}`]);
    const [limit, reason] = bounds.reduce((a, b) => (b[0] < a[0] ? b : a));
    return { limit: Math.max(0, limit), reason };
  }

  /** The last sequence in [first, limit] whose receipt is older than `cutoff` (timestamps grow with the sequence), or first - 1. */
  private async lastBefore(tenantId: string, first: number, limit: number, cutoff: string): Promise<number> {
    let lo = first - 1;
    let hi = limit;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const event = await this.deps.store.get(tenantId, mid);
      if (event && receiptOf(event).timestamp < cutoff) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Writes events from..through to an NDJSON archive (fsynced, then renamed into place) and folds their Merkle frontier. */
  private async archive(tenantId: string, from: number, through: number, last: RetentionSnapshot['lastPrune']) {
    const dir = join(this.deps.archiveDir, tenantId);
    mkdirSync(dir, { recursive: true });
    const location = join(dir, `${from}-${through}.ndjson`);
    const temp = `${location}.partial`;
    const fd = openSync(temp, 'w');
    const hash = createHash('sha256');
    let bytes = 0;
    let events = 0;
    let tree: CheckpointState = last
      ? { last: null, head: { sequence: last.prunedThrough, receiptHash: last.lastReceiptHash }, tree: { size: last.prunedThrough, frontier: last.frontier } }
      : initialCheckpointState;
    try {
      for (let next = from; next <= through; ) {
        const page = await this.deps.store.read(tenantId, { from: next, to: through, limit: PAGE });
        if (page.length === 0 || page[0]!.sequence !== next) throw new Error(`Sequence ${next} of ${tenantId} is missing: nothing is archived.`);
        for (const event of page) {
          const r = receiptOf(event);
          const line = `${JSON.stringify(r)}\n`;
          hash.update(line);
          bytes += writeSync(fd, line);
          events += 1;
          tree = evolveCheckpointState(tree, { sequence: event.sequence, receiptHash: r.integrity.receiptHash, type: event.type, data: r.data });
        }
        next = page[page.length - 1]!.sequence + 1;
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, location);
    return { archive: { location, sha256: hash.digest('hex'), events, bytes, fromSequence: from }, tree: tree.tree, lastReceiptHash: tree.head.receiptHash! };
  }

  private async command(tenantId: string, command: RetentionCommand): Promise<RetentionSnapshot> {
    const { value } = await handleCommand(this.deps, {
      tenantId,
      subjects: [RETENTION_SUBJECT],
      load: async (read) => retentionOf((await read(RETENTION_SUBJECT))?.data),
      decide: (state) => decideRetention(state, command),
      drafts: (events) => events.map((e) => aggregateDraft(derivedId('rcpt', tenantId, e.type, command.metadata.now, JSON.stringify(command.data)), e.type, e.subject, e.data as unknown as Record<string, unknown>)),
      answer: ({ state, receipts }) => (receipts.length > 0 ? retentionOf(receipts[receipts.length - 1]!.data) : state),
    });
    return value;
  }
}
