import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { EventStore } from '@oars/eventstore';
import { type ReplayProblem, type ReplayRequest, type ReplaySummary, replayStream, resolveReplayRange } from '@oars/ops';
import type { CliCommand, CliIo } from '../cli-io';

/** Opens the configured event store for one command run. */
export type OpenEventStore = () => Promise<{ store: EventStore; close(): Promise<void> }>;

export interface ReplayCommandOptions {
  /** Where the NDJSON goes without `--out`, written with backpressure (the process's stdout); default `io.out`. */
  stdout?: NodeJS.WritableStream;
  /** Progress on stderr at most this often (default 1 s). */
  progressIntervalMs?: number;
  now?: () => number;
}

const USAGE = `Usage: oars replay --tenant <id> [--from <n>] [--to <n>] [--since <time>] [--until <time>] [--verify] [--out <file>]

Reads a range of a tenant stream from the event store the configuration names (never the read
models) and verifies it as it goes: gapless sequences, prevEventHash links, receipt shape, Ed25519
signatures and key custody. Writes NDJSON: one line per event {sequence, type, receiptId, timestamp,
receipt, verification}, then {summary} naming each problem's sequence. oars verify reads the file.

  --tenant <id>                  the stream: a tenant id, or _platform
  --from <n>, --to <n>           first and last sequence (default: the whole stream)
  --since <time>, --until <time> ISO-8601 times instead of sequences
  --verify                       verify every receipt (always done; the flag may be given for clarity)
  --out <file>                   write the NDJSON to this file instead of stdout

A range from sequence 1 trusts keys only as the stream introduces them; a later range checks
signatures against the stream's current key ring and its first link against sequence from - 1.
Exit status: 0 the range verifies, 1 a finding (or the replay failed), 2 usage error.`;

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;
const OPTION_OF: Record<keyof ReplayRequest, string> = { fromSequence: '--from', toSequence: '--to', from: '--since', to: '--until' };
const LISTED_PER_KIND = 10;
const BAR = 24;

interface ReplayArgs {
  tenant: string;
  request: ReplayRequest;
  out?: string;
}

/** `oars replay`: argv is everything after `replay`. */
export function makeReplayCommand(open: OpenEventStore, options: ReplayCommandOptions = {}): CliCommand {
  return async (argv, io) => {
    const args = parseReplayArgs(argv);
    if (args === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (typeof args === 'string') {
      io.err(`oars replay: ${args}\n\n${USAGE}`);
      return 2;
    }
    let backend;
    try {
      backend = await open();
    } catch (err) {
      io.err(`oars replay: cannot open the event store: ${messageOf(err)}`);
      return 1;
    }
    try {
      return await replay(backend.store, args, io, options);
    } finally {
      await backend.close();
    }
  };
}

function parseReplayArgs(argv: string[]): ReplayArgs | 'help' | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        tenant: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        verify: { type: 'boolean', default: false },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    return messageOf(err);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  if (values.tenant === undefined) return 'missing --tenant <id>.';
  if (!TENANT.test(values.tenant)) return '--tenant must match [A-Za-z0-9_-]{1,64}.';
  const sequence = (text: string | undefined) => (text === undefined ? undefined : /^[0-9]+$/.test(text) ? Number(text) : Number.NaN);
  return { tenant: values.tenant, out: values.out, request: { fromSequence: sequence(values.from), toSequence: sequence(values.to), from: values.since, to: values.until } };
}

async function replay(store: EventStore, args: ReplayArgs, io: CliIo, options: ReplayCommandOptions): Promise<number> {
  const head = (await store.head(args.tenant)).sequence;
  if (head === 0) {
    io.err(`oars replay: ${args.tenant} has no events in this event store.`);
    return 1;
  }
  const answer = await resolveReplayRange(store, args.tenant, args.request, { head });
  if ('problem' in answer) {
    const { field, message } = answer.problem;
    const named = `${OPTION_OF[field]}${message.slice(field.length)}`.replace(/\b(fromSequence|toSequence)\b/g, (f) => OPTION_OF[f as keyof ReplayRequest]);
    io.err(`oars replay: ${named}.\n\n${USAGE}`);
    return 2;
  }
  const { range } = answer;
  const now = options.now ?? Date.now;
  const sink = args.out ? streamSink(createWriteStream(args.out), true) : options.stdout ? streamSink(options.stdout, false) : { write: async (line: string) => io.out(line), close: async () => undefined };
  const progress = new Progress(io, args.tenant, range.toSequence - range.fromSequence + 1, now, options.progressIntervalMs ?? 1000);
  let summary: ReplaySummary | null = null;
  let unwritten = false;
  try {
    for await (const line of replayStream(store, args.tenant, range)) {
      await sink.write(JSON.stringify(line));
      if ('summary' in line) summary = line.summary;
      else progress.tick();
    }
  } catch (err) {
    io.err(`oars replay: failed after ${progress.done} event(s): ${messageOf(err)}`);
    return 1;
  } finally {
    await sink.close().catch((err) => {
      unwritten = true;
      io.err(`oars replay: cannot write ${args.out}: ${messageOf(err)}`);
    });
  }
  if (unwritten) return 1;
  progress.finish();
  io.err(describe(summary!, progress.elapsedMs()));
  return summary!.ok ? 0 : 1;
}

/** Lines written to a stream with backpressure; a file is ended and flushed on close. */
function streamSink(stream: NodeJS.WritableStream, owned: boolean) {
  let failure: unknown = null;
  stream.on('error', (err) => (failure = err));
  return {
    async write(line: string) {
      if (failure) throw failure;
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    },
    async close() {
      if (!owned) return;
      stream.end();
      await finished(stream);
    },
  };
}

/** Events done of the total, and the rate, on stderr at most every `intervalMs` (only once a run takes that long). */
class Progress {
  done = 0;
  private readonly started: number;
  private lastAt: number;
  private shown = false;

  constructor(
    private readonly io: CliIo,
    private readonly tenant: string,
    private readonly total: number,
    private readonly now: () => number,
    private readonly intervalMs: number,
  ) {
    this.started = now();
    this.lastAt = this.started;
  }

  tick(): void {
    this.done++;
    const at = this.now();
    if (at - this.lastAt < this.intervalMs) return;
    this.lastAt = at;
    this.show();
  }

  /** The last line of a run that showed progress. */
  finish(): void {
    if (this.shown && this.done > 0) this.show();
  }

  elapsedMs(): number {
    return this.now() - this.started;
  }

  private show(): void {
    this.shown = true;
    const share = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const filled = Math.round(share * BAR);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}`;
    this.io.err(`replay ${this.tenant} [${bar}] ${count(this.done)}/${count(this.total)} events (${Math.floor(share * 100)}%), ${count(rate(this.done, this.elapsedMs()))} events/s`);
  }
}

/** The one-paragraph summary for stderr. */
function describe(s: ReplaySummary, elapsedMs: number): string {
  const span = s.events === 0 ? 'no events' : `${count(s.events)} event(s), sequences ${count(s.fromSequence)} to ${count(s.toSequence)},`;
  const timing = `in ${(elapsedMs / 1000).toFixed(1)} s (${count(rate(s.events, elapsedMs))} events/s)`;
  const trust = s.trust === 'stream'
    ? 'Keys were trusted only as the stream introduced them.'
    : "Signatures were checked against the stream's current key ring and the first link against the stored hash before the range (--from 1 checks key custody from the first key).";
  if (s.ok) return `Replayed ${span} of ${s.tenantId} ${timing}: every link and signature verifies. ${trust}`;
  const kinds: Array<[string, ReplayProblem[]]> = [
    ['missing sequences at', s.gaps], ['broken links at', s.brokenLinks], ['bad signatures at', s.badSignatures],
    ['unknown keys at', s.unknownKeys], ['key custody violations at', s.keyCustody], ['malformed receipts at', s.malformed],
  ];
  const listed = kinds.filter(([, problems]) => problems.length > 0).map(([what, problems]) => {
    const shown = problems.slice(0, LISTED_PER_KIND).map((p) => ('to' in p && p.to !== p.sequence ? `${p.sequence}-${String(p.to)}` : String(p.sequence)));
    return `${what} ${shown.join(', ')}${problems.length > LISTED_PER_KIND ? ` and ${problems.length - LISTED_PER_KIND} more` : ''}`;
  });
  return `Replayed ${span} of ${s.tenantId} ${timing}: ${count(s.findings)} finding(s): ${listed.join('; ')}${s.truncated ? ' (lists truncated; every event line carries its findings)' : ''}. ${trust}`;
}

const count = (n: number) => n.toLocaleString('en-US');
const rate = (events: number, ms: number) => Math.round(events / Math.max(ms / 1000, 0.001));

function messageOf(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(err);
}
