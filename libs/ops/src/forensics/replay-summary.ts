import type { StreamFinding } from '@oars/receipts';
import type { ReplayRange, ReplayTrust } from './replay-range';

/** Problems listed per kind in a summary at most; the event lines carry every finding. */
export const MAX_LISTED_PER_KIND = 10_000;

export interface ReplayProblem {
  sequence: number;
  detail: string;
}

/** Sequences `sequence` to `to` (inclusive) are missing. */
export interface ReplayGap extends ReplayProblem {
  to: number;
}

/** The last line of a replay. */
export interface ReplaySummary {
  tenantId: string;
  fromSequence: number;
  toSequence: number;
  /** Events read and checked. */
  events: number;
  ok: boolean;
  /** What the check of the range rests on (see `seedReplayPosition`). */
  trust: ReplayTrust;
  /** Every finding, listed or not. */
  findings: number;
  gaps: ReplayGap[];
  brokenLinks: ReplayProblem[];
  badSignatures: ReplayProblem[];
  unknownKeys: ReplayProblem[];
  keyCustody: ReplayProblem[];
  malformed: ReplayProblem[];
  /** True when a list stopped at {@link MAX_LISTED_PER_KIND}. */
  truncated: boolean;
}

type Lists = Pick<ReplaySummary, 'gaps' | 'brokenLinks' | 'badSignatures' | 'unknownKeys' | 'keyCustody' | 'malformed'>;

/** Collects the findings of a replay, event by event, into its summary. */
export class ReplaySummaryBuilder {
  private events = 0;
  private findings = 0;
  private truncated = false;
  private readonly lists: Lists = { gaps: [], brokenLinks: [], badSignatures: [], unknownKeys: [], keyCustody: [], malformed: [] };

  constructor(
    private readonly tenantId: string,
    private readonly range: ReplayRange,
    private readonly trust: ReplayTrust,
  ) {}

  /** One event read at `sequence` and the findings reported at it. */
  add(sequence: number, findings: readonly StreamFinding[]): void {
    this.events++;
    for (const f of findings) {
      switch (f.kind) {
        case 'sequence_gap':
          this.list('gaps', { sequence: f.sequence, to: sequence - 1, detail: f.detail });
          break;
        case 'chain_break':
          this.list('brokenLinks', { sequence: f.sequence, detail: f.detail });
          break;
        case 'bad_signature':
          this.list('badSignatures', { sequence: f.sequence, detail: f.detail });
          break;
        case 'unknown_key':
          this.list('unknownKeys', { sequence: f.sequence, detail: f.detail });
          break;
        case 'key_custody':
          this.list('keyCustody', { sequence: f.sequence, detail: f.detail });
          break;
        case 'malformed_receipt':
          this.list('malformed', { sequence: f.sequence, detail: f.detail });
          break;
        default:
          throw new Error(`Unexpected finding kind ${JSON.stringify(f.kind satisfies never)}`);
      }
    }
  }

  /** The summary once the last event read was `last`: sequences after it up to the range's end are a gap. */
  finish(last: number): ReplaySummary {
    const { fromSequence, toSequence } = this.range;
    if (last < toSequence) {
      const missing = last + 1 === toSequence ? `sequence ${toSequence}` : `sequences ${last + 1} to ${toSequence}`;
      this.list('gaps', { sequence: last + 1, to: toSequence, detail: `The stream skips ${missing} (the end of the range).` });
    }
    return { tenantId: this.tenantId, fromSequence, toSequence, events: this.events, ok: this.findings === 0, trust: this.trust, findings: this.findings, ...this.lists, truncated: this.truncated };
  }

  private list<K extends keyof Lists>(kind: K, problem: Lists[K][number]): void {
    this.findings++;
    if (this.lists[kind].length < MAX_LISTED_PER_KIND) (this.lists[kind] as Array<Lists[K][number]>).push(problem);
    else this.truncated = true;
  }
}
