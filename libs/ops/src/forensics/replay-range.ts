import type { EventStore } from '@oars/eventstore';
import { RETENTION_SUBJECT, retentionOf } from '@oars/domain';
import { KEYRING_SUBJECT, keyringFromReceipt } from '@oars/ledger';
import { type Receipt, STREAM_START, type StreamPosition } from '@oars/receipts';

/** What a replay reads: the event store port's reads (either adapter, or an in-memory stream in tests). */
export type ReplaySource = Pick<EventStore, 'read' | 'get' | 'head' | 'lastBySubject'>;

/** Inclusive; empty when `toSequence` is `fromSequence - 1` (a time window without events). */
export interface ReplayRange {
  fromSequence: number;
  toSequence: number;
}

/**
 * What a replay's check rests on:
 * - `stream`: it starts at sequence 1, so keys are trusted only as the stream introduces them (the
 *   integrity verifier's rules, key custody included);
 * - `keyring`: a later start; signatures are checked against the stream's current key ring (every key
 *   it ever had: keys are never removed, so a receipt signed by a key introduced only after it is not
 *   flagged) and the first link against the stored hash of `fromSequence - 1` (not re-verified);
 * - `retention`: the stream was pruned and the range starts at or before its first stored event: the
 *   check starts from the signed `ledger.retention_applied` receipt (the head hash and key ring at the
 *   prune point, docs/retention.md), whose own signature is checked when the replay reaches it.
 */
export type ReplayTrust = 'stream' | 'keyring' | 'retention';

/** At most this many events per replay request over HTTP (ask for sub-ranges beyond it). */
export const MAX_REPLAY_EVENTS = 1_000_000;

/** What to replay: sequences, or ISO-8601 times (resolved to sequences), never both. */
export interface ReplayRequest {
  fromSequence?: number;
  toSequence?: number;
  from?: string;
  to?: string;
}

export interface ReplayRangeProblem {
  field: keyof ReplayRequest;
  message: string;
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The start of a replay at `fromSequence`. From 1: the stream's start. Later, instead of reading and
 * verifying everything before it (as costly as a whole replay), two lookups: the event at
 * `fromSequence - 1` (its stored receipt hash is what the first link must name) and the stream's
 * latest key receipt (its key ring). When `fromSequence - 1` is missing, the position is put before
 * it, so the check reports the gap at the first event and does not compare that link.
 */
export async function seedReplayPosition(source: ReplaySource, tenantId: string, fromSequence: number): Promise<{ position: StreamPosition; trust: ReplayTrust }> {
  const pruned = retentionOf(((await source.lastBySubject(tenantId, RETENTION_SUBJECT))?.data as Receipt | undefined)?.data).lastPrune;
  if (pruned && fromSequence <= pruned.prunedThrough + 1) {
    const ring = pruned.keyring as { keys?: Array<{ keyId?: unknown; publicKeyPem?: unknown }> } | null;
    const keys: Record<string, string> = {};
    for (const k of ring?.keys ?? []) if (typeof k?.keyId === 'string' && typeof k.publicKeyPem === 'string') keys[k.keyId] = k.publicKeyPem;
    return { position: { position: pruned.prunedThrough, lastHash: pruned.lastReceiptHash, keys }, trust: 'retention' };
  }
  if (fromSequence <= 1) return { position: STREAM_START, trust: 'stream' };
  const [before, keyReceipt] = await Promise.all([source.get(tenantId, fromSequence - 1), source.lastBySubject(tenantId, KEYRING_SUBJECT)]);
  const ring = keyringFromReceipt((keyReceipt?.data as Receipt | undefined) ?? null);
  const keys: Record<string, string> = {};
  for (const k of ring?.keys ?? []) if (typeof k?.keyId === 'string' && typeof k.publicKeyPem === 'string') keys[k.keyId] = k.publicKeyPem;
  const hash = (before?.data as Partial<Receipt> | undefined)?.integrity?.receiptHash;
  const position = before ? { position: fromSequence - 1, lastHash: typeof hash === 'string' ? hash : null, keys } : { position: fromSequence - 2, lastHash: null, keys };
  return { position, trust: 'keyring' };
}

/**
 * The sequences `request` names in a stream whose head is `head` (> 0), or the problem with the
 * field at fault: a sequence that is not a positive integer, an inverted range, a start after the
 * head, a time that is not ISO-8601, times mixed with sequences, or more than `maxEvents`. An end
 * after the head is the head. Times resolve by binary search over the stream (timestamps never go
 * back in a stream: the chain writer stamps each receipt no earlier than the one before): `from` is
 * the first event at or after it, `to` the last at or before it.
 */
export async function resolveReplayRange(
  source: ReplaySource,
  tenantId: string,
  request: ReplayRequest,
  options: { head: number; maxEvents?: number },
): Promise<{ range: ReplayRange } | { problem: ReplayRangeProblem }> {
  const problem = (field: keyof ReplayRequest, message: string) => ({ problem: { field, message: `${field} ${message}` } });
  const { head } = options;
  const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  for (const field of ['fromSequence', 'toSequence'] as const) {
    const value = request[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1)) return problem(field, 'must be a positive integer');
  }
  for (const field of ['from', 'to'] as const) {
    const value = request[field];
    if (value !== undefined && (!ISO_TIME.test(value) || !Number.isFinite(Date.parse(value)))) return problem(field, 'must be an ISO-8601 time such as 2026-01-31T12:00:00Z');
  }
  const bySequence = request.fromSequence !== undefined || request.toSequence !== undefined;
  const byTime = request.from !== undefined || request.to !== undefined;
  if (bySequence && byTime) return problem(request.from !== undefined ? 'from' : 'to', 'cannot be combined with fromSequence or toSequence: give a range of sequences or of times');
  let range: ReplayRange;
  if (byTime) {
    const fromMs = request.from === undefined ? null : Date.parse(request.from);
    const toMs = request.to === undefined ? null : Date.parse(request.to);
    if (fromMs !== null && toMs !== null && fromMs > toMs) return problem('from', 'must not be after to');
    const fromSequence = fromMs === null ? 1 : await firstWhere(source, tenantId, head, (t) => t >= fromMs);
    const toSequence = toMs === null ? head : (await firstWhere(source, tenantId, head, (t) => t > toMs)) - 1;
    range = { fromSequence, toSequence: Math.max(toSequence, fromSequence - 1) };
  } else {
    const fromSequence = request.fromSequence ?? 1;
    if (request.toSequence !== undefined && fromSequence > request.toSequence) return problem('fromSequence', 'must not be greater than toSequence');
    if (fromSequence > head) return problem('fromSequence', `is after the stream head (${head})`);
    range = { fromSequence, toSequence: Math.min(request.toSequence ?? head, head) };
  }
  const events = range.toSequence - range.fromSequence + 1;
  if (events > maxEvents) {
    return problem(byTime ? 'to' : 'toSequence', `makes a range of ${events} events; at most ${maxEvents} per request: ask for sub-ranges (fromSequence, toSequence)`);
  }
  return { range };
}

/** The first sequence in 1..head whose timestamp satisfies `pred` (monotone: false, then true), or head + 1. */
async function firstWhere(source: ReplaySource, tenantId: string, head: number, pred: (timeMs: number) => boolean): Promise<number> {
  let lo = 1;
  let hi = head + 1;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (pred(await timeAt(source, tenantId, mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The timestamp of the event at `sequence`, or of the first one after it when it is missing. */
async function timeAt(source: ReplaySource, tenantId: string, sequence: number): Promise<number> {
  const event = (await source.get(tenantId, sequence)) ?? (await source.read(tenantId, { from: sequence, limit: 1 }))[0];
  if (!event) return Number.POSITIVE_INFINITY;
  const t = Date.parse(String((event.data as { timestamp?: unknown }).timestamp));
  return Number.isFinite(t) ? t : Number.NEGATIVE_INFINITY;
}
