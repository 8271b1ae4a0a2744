import type { StoredEvent } from '@oars/eventstore';
import { type StreamFinding, type VerifierCrypto, nodeVerifierCrypto, verifyStreamReceipts } from '@oars/receipts';
import { type ReplayRange, type ReplaySource, seedReplayPosition } from './replay-range';
import { ReplaySummaryBuilder, type ReplaySummary } from './replay-summary';

export * from './replay-range';
export type { ReplayGap, ReplayProblem, ReplaySummary } from './replay-summary';

/** Events per read of the store. */
export const REPLAY_PAGE = 500;
/** Receipts verified at a time: the consumer (a socket, a file) can pull lines between slices (~3 ms each). */
const SLICE = 50;

/** One event of a replay, as it is stored, with what the stream check found at it. */
export interface ReplayEventLine {
  sequence: number;
  type: string;
  receiptId: string;
  /** The receipt's timestamp, or null when it carries none. */
  timestamp: string | null;
  /** The stored receipt, unchanged (what `oars verify` checks again offline). */
  receipt: unknown;
  /** The findings of `verifyStreamReceipts` at this event (a gap is reported at the event after it). */
  verification: { ok: boolean; findings: StreamFinding[] };
}

export type ReplayLine = ReplayEventLine | { summary: ReplaySummary };

export interface ReplayOptions {
  /** Events per read (default {@link REPLAY_PAGE}). */
  pageSize?: number;
  crypto?: VerifierCrypto;
}

/**
 * Replays `range` of a tenant stream straight from the event store, in pages, verifying it with
 * `verifyStreamReceipts` page by page (the one stream check the integrity verifier, the API and
 * `oars verify` share): one line per stored event, then the summary naming every problem's sequence.
 *
 * A range from sequence 1 is checked exactly as the integrity verifier checks a stream. A later
 * range starts from a seed (see `seedReplayPosition`): the stored hash of `fromSequence - 1` for the
 * first link, and the stream's current key ring for signatures. Lazy: the next page is read only
 * when the consumer has taken the lines before it, so nothing holds more than a page in memory.
 */
export async function* replayStream(source: ReplaySource, tenantId: string, range: ReplayRange, options: ReplayOptions = {}): AsyncGenerator<ReplayLine> {
  const pageSize = options.pageSize ?? REPLAY_PAGE;
  const crypto = options.crypto ?? nodeVerifierCrypto;
  const seed = await seedReplayPosition(source, tenantId, range.fromSequence);
  const summary = new ReplaySummaryBuilder(tenantId, range, seed.trust);
  let position = seed.position;
  let last = range.fromSequence - 1;
  while (last < range.toSequence) {
    const page = await source.read(tenantId, { from: last + 1, to: range.toSequence, limit: pageSize });
    if (page.length === 0) break;
    last = page[page.length - 1]!.sequence;
    for (let i = 0; i < page.length; i += SLICE) {
      const slice = page.slice(i, i + SLICE);
      const checked = verifyStreamReceipts(tenantId, position, slice, crypto);
      position = checked.position;
      for (const line of linesOf(slice, checked.findings)) {
        summary.add(line.sequence, line.verification.findings);
        yield line;
      }
    }
  }
  yield { summary: summary.finish(last) };
}

/** The lines of consecutive events, each with its findings: a finding belongs to the first event at or after its sequence. */
function linesOf(events: readonly StoredEvent[], findings: readonly StreamFinding[]): ReplayEventLine[] {
  let f = 0;
  return events.map((event) => {
    const own: StreamFinding[] = [];
    while (f < findings.length && findings[f]!.sequence <= event.sequence) own.push(findings[f++]!);
    const r = event.data as { receiptId?: unknown; timestamp?: unknown };
    return {
      sequence: event.sequence,
      type: event.type,
      receiptId: typeof r.receiptId === 'string' ? r.receiptId : event.id,
      timestamp: typeof r.timestamp === 'string' ? r.timestamp : null,
      receipt: event.data,
      verification: { ok: own.length === 0, findings: own },
    };
  });
}

/** The replay as NDJSON text, one line per chunk (for an HTTP body or a file). */
export async function* replayNdjson(lines: AsyncIterable<object>): AsyncGenerator<string> {
  for await (const line of lines) yield `${JSON.stringify(line)}\n`;
}
