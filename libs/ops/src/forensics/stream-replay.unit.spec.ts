import type { ReadOptions, StoredEvent } from '@oars/eventstore';
import { KEYRING_SUBJECT } from '@oars/ledger';
import type { Receipt } from '@oars/receipts';
import { ReceiptStreamBuilder, givenActionLifecycle, signChain, testSigningKey } from '@oars/testing';
import { type ReplayEventLine, type ReplayLine, type ReplaySource, type ReplaySummary, replayStream, resolveReplayRange } from './stream-replay';

const TENANT = 'tenant_replay';
const START = Date.parse('2026-01-01T00:00:00.000Z');
const key = testSigningKey('key_replay');
const rogue = testSigningKey('key_rogue');
type Key = typeof key;

/** A stream as an event store holds it, in memory: the reads a replay makes, over whatever events it is given (gaps included). */
class MemoryStream implements ReplaySource {
  private readonly events: StoredEvent[];

  constructor(receipts: readonly Receipt[]) {
    this.events = receipts.map((r) => ({
      id: r.receiptId,
      type: r.type,
      subject: r.type.startsWith('key.') ? KEYRING_SUBJECT : `action.${r.actionId}`,
      stream: TENANT,
      sequence: r.sequence,
      data: r as unknown as Record<string, unknown>,
    }));
  }

  async read(_stream: string, o: ReadOptions = {}) {
    const from = o.from ?? 1;
    const to = o.to ?? Infinity;
    return this.events.filter((e) => e.sequence >= from && e.sequence <= to).slice(0, o.limit ?? 1000);
  }
  async get(_stream: string, sequence: number) {
    return this.events.find((e) => e.sequence === sequence) ?? null;
  }
  async head() {
    const last = this.events[this.events.length - 1] ?? null;
    return { sequence: last?.sequence ?? 0, last };
  }
  async lastBySubject(_stream: string, subject: string) {
    return [...this.events].reverse().find((e) => e.subject === subject) ?? null;
  }
}

/** Key receipt then four allowed actions: 13 receipts, timestamps START + sequence seconds. */
function rawStream(): Receipt[] {
  const s = new ReceiptStreamBuilder(TENANT);
  const ring = { activeKeyId: key.keyId, keys: [{ keyId: key.keyId, tenantId: TENANT, status: 'active', createdAt: '2026-01-01T00:00:00.000Z', rotatedAt: null, publicKeyPem: key.publicKeyPem }] };
  const first = s.next({ type: 'key.generated', data: { newKeyId: key.keyId, previousKeyId: null, keyring: ring } });
  return [first, ...Array.from({ length: 4 }, () => givenActionLifecycle(s, 'allow')).flat()];
}

/** Signs and chains `raw` one receipt at a time: each by `keyAt(sequence)`, linked to the one before unless `linkAt` names another hash. */
function sign(raw: readonly Receipt[], keyAt: (sequence: number) => Key = () => key, linkAt: (sequence: number) => string | undefined = () => undefined): Receipt[] {
  const out: Receipt[] = [];
  for (const r of raw) {
    const prevEventHash = linkAt(r.sequence) ?? out[out.length - 1]?.integrity.receiptHash ?? null;
    out.push(signChain([{ ...r, integrity: { ...r.integrity, prevEventHash } }], keyAt(r.sequence))[0]!);
  }
  return out;
}

async function replay(source: ReplaySource, fromSequence: number, toSequence: number, pageSize?: number) {
  const lines: ReplayLine[] = [];
  for await (const line of replayStream(source, TENANT, { fromSequence, toSequence }, { pageSize })) lines.push(line);
  const last = lines.pop() as { summary: ReplaySummary };
  return { lines: lines as ReplayEventLine[], summary: last.summary };
}

const sequencesOf = (problems: Array<{ sequence: number }>) => problems.map((p) => p.sequence);
const flagged = (lines: ReplayEventLine[]) => lines.filter((l) => !l.verification.ok).map((l) => [l.sequence, l.verification.findings.map((f) => f.kind)]);

/** Sequence 4 missing, 7 linked to another hash (re-signed), 9 edited after signing, 11 signed by an unknown key, 13 claiming another tenant. */
function tamperedStream(): MemoryStream {
  const signed = sign(rawStream(), (seq) => (seq === 11 ? rogue : key), (seq) => (seq === 7 ? 'f'.repeat(64) : undefined));
  signed[8] = { ...signed[8]!, data: { ...signed[8]!.data, forged: true } };
  signed[12] = { ...signed[12]!, tenantId: 'tenant_other' };
  return new MemoryStream(signed.filter((r) => r.sequence !== 4));
}

describe('replayStream', () => {
  it('replays a clean stream: every line ok, the summary ok, the same in any page size', async () => {
    const source = new MemoryStream(sign(rawStream()));
    const { lines, summary } = await replay(source, 1, 13);
    expect(lines.map((l) => l.sequence)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(lines.every((l) => l.verification.ok && (l.receipt as Receipt).sequence === l.sequence)).toBe(true);
    expect(lines[0]).toMatchObject({ type: 'key.generated', timestamp: '2026-01-01T00:00:01.000Z' });
    expect(summary).toEqual({
      tenantId: TENANT, fromSequence: 1, toSequence: 13, events: 13, ok: true, trust: 'stream', findings: 0,
      gaps: [], brokenLinks: [], badSignatures: [], unknownKeys: [], keyCustody: [], malformed: [], truncated: false,
    });
    expect(await replay(source, 1, 13, 3)).toEqual({ lines, summary });
  });

  it('replays a sub-range on the seed: the link into it and its signatures are checked', async () => {
    const { lines, summary } = await replay(new MemoryStream(sign(rawStream())), 5, 9);
    expect(lines.map((l) => l.sequence)).toEqual([5, 6, 7, 8, 9]);
    expect(summary).toMatchObject({ fromSequence: 5, toSequence: 9, events: 5, ok: true, trust: 'keyring' });
  });

  it('names the exact sequence of a gap, a broken link, a bad signature, an unknown key and a malformed receipt', async () => {
    for (const pageSize of [500, 2]) {
      const { lines, summary } = await replay(tamperedStream(), 1, 13, pageSize);
      expect(summary).toMatchObject({ events: 12, ok: false, findings: 5, truncated: false });
      expect(summary.gaps).toEqual([{ sequence: 4, to: 4, detail: 'The stream skips sequence 4.' }]);
      expect(sequencesOf(summary.brokenLinks)).toEqual([7]);
      expect(sequencesOf(summary.badSignatures)).toEqual([9]);
      expect(sequencesOf(summary.unknownKeys)).toEqual([11]);
      expect(sequencesOf(summary.malformed)).toEqual([13]);
      expect(summary.keyCustody).toEqual([]);
      // A gap is reported at the first event after it.
      expect(flagged(lines)).toEqual([[5, ['sequence_gap']], [7, ['chain_break']], [9, ['bad_signature']], [11, ['unknown_key']], [13, ['malformed_receipt']]]);
    }
  });

  it('finds a broken link at the first event of a sub-range, and a gap just before it or at its end', async () => {
    expect((await replay(tamperedStream(), 7, 8)).summary).toMatchObject({ ok: false, brokenLinks: [{ sequence: 7 }], gaps: [] });
    const afterGap = await replay(tamperedStream(), 5, 6);
    expect(afterGap.summary).toMatchObject({ ok: false, gaps: [{ sequence: 4, to: 4 }], brokenLinks: [] });
    expect(flagged(afterGap.lines)).toEqual([[5, ['sequence_gap']]]);
    const endGap = await replay(new MemoryStream(sign(rawStream()).slice(0, 10)), 8, 12);
    expect(endGap.summary).toMatchObject({ events: 3, ok: false, gaps: [{ sequence: 11, to: 12, detail: 'The stream skips sequences 11 to 12 (the end of the range).' }] });
  });

  it('replays an empty range as a summary alone', async () => {
    expect(await replay(new MemoryStream(sign(rawStream())), 6, 5)).toEqual({ lines: [], summary: expect.objectContaining({ events: 0, ok: true, fromSequence: 6, toSequence: 5 }) });
  });
});

describe('resolveReplayRange', () => {
  const source = new MemoryStream(sign(rawStream()));
  const at = (seconds: number) => new Date(START + seconds * 1000).toISOString();
  const resolve = (request: Parameters<typeof resolveReplayRange>[2], maxEvents?: number) => resolveReplayRange(source, TENANT, request, { head: 13, maxEvents });

  it('defaults to the whole stream and ends a range at the head', async () => {
    expect(await resolve({})).toEqual({ range: { fromSequence: 1, toSequence: 13 } });
    expect(await resolve({ fromSequence: 4, toSequence: 99 })).toEqual({ range: { fromSequence: 4, toSequence: 13 } });
    expect(await resolve({ toSequence: 2 })).toEqual({ range: { fromSequence: 1, toSequence: 2 } });
  });

  it('resolves times to the events inside them by binary search', async () => {
    expect(await resolve({ from: at(3), to: at(6) })).toEqual({ range: { fromSequence: 3, toSequence: 6 } });
    expect(await resolve({ from: at(2.5), to: at(6.5) })).toEqual({ range: { fromSequence: 3, toSequence: 6 } });
    expect(await resolve({ from: at(12) })).toEqual({ range: { fromSequence: 12, toSequence: 13 } });
    expect(await resolve({ to: at(1) })).toEqual({ range: { fromSequence: 1, toSequence: 1 } });
    expect(await resolve({ from: at(7.2), to: at(7.8) })).toEqual({ range: { fromSequence: 8, toSequence: 7 } });
    expect(await resolve({ from: at(99) })).toEqual({ range: { fromSequence: 14, toSequence: 13 } });
  });

  it('names the field of a bad request', async () => {
    const fieldOf = async (request: Parameters<typeof resolveReplayRange>[2], maxEvents?: number) => {
      const answer = await resolve(request, maxEvents);
      return 'problem' in answer ? answer.problem.field : null;
    };
    expect(await fieldOf({ fromSequence: 5, toSequence: 4 })).toBe('fromSequence');
    expect(await fieldOf({ fromSequence: 14 })).toBe('fromSequence');
    expect(await fieldOf({ fromSequence: 1.5 })).toBe('fromSequence');
    expect(await fieldOf({ toSequence: 0 })).toBe('toSequence');
    expect(await fieldOf({ fromSequence: 1, to: at(3) })).toBe('to');
    expect(await fieldOf({ from: at(3), toSequence: 4 })).toBe('from');
    expect(await fieldOf({ from: 'yesterday' })).toBe('from');
    expect(await fieldOf({ to: '2026-01-01' })).toBe('to');
    expect(await fieldOf({ from: at(6), to: at(3) })).toBe('from');
    expect(await fieldOf({ fromSequence: 2 }, 10)).toBe('toSequence');
    expect(await fieldOf({ from: at(1) }, 10)).toBe('to');
    expect(await resolve({ fromSequence: 2, toSequence: 11 }, 10)).toEqual({ range: { fromSequence: 2, toSequence: 11 } });
    expect(await resolve({ fromSequence: 2 }, 10)).toEqual({ problem: { field: 'toSequence', message: 'toSequence makes a range of 12 events; at most 10 per request: ask for sub-ranges (fromSequence, toSequence)' } });
  });
});
