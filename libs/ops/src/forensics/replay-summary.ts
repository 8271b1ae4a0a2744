import type { StreamFinding, StreamFindingKind } from '@oars/receipts';
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

/** The summary list of each kind of finding but gaps (which also name where they end). */
const LIST_OF: Record<Exclude<StreamFindingKind, 'sequence_gap'>, Exclude<keyof Lists, 'gaps'>> = {
  chain_break: 'brokenLinks',
  bad_signature: 'badSignatures',
  unknown_key: 'unknownKeys',
  key_custody: 'keyCustody',
  malformed_receipt: 'malformed',
};

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
      if (f.kind === 'sequence_gap') this.list('gaps', { sequence: f.sequence, to: sequence - 1, detail: f.detail });
      else this.list(LIST_OF[f.kind], { sequence: f.sequence, detail: f.detail });
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
