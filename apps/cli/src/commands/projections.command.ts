import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { type StreamProjectionStatus, readProjectionStatus, rebuildProjections, summariseProjections } from '@oars/readmodels';
import type { CliCommand, CliIo } from '../cli-io';
import { listDeadLettersCommand, parseDeadLetterArgs, retryDeadLettersCommand } from './dead-letters.command';

/** Opens the configured event store and read-model database for one command run. */
export type OpenProjectionsBackends = () => Promise<{ store: EventStore; sql: SqlClient; close(): Promise<void> }>;

const USAGE = [
  'usage: oars projections rebuild | oars projections status',
  '       oars projections dead-letters [--tenant t] [--sequence n] [--all]',
  '       oars projections retry-dead-letters [--tenant t] [--sequence n]',
].join('\n');
/** Each subcommand and the options it takes. */
const OPTIONS = new Map<string, ReadonlySet<string>>([
  ['rebuild', new Set()],
  ['status', new Set()],
  ['dead-letters', new Set(['--tenant', '--sequence', '--all'])],
  ['retry-dead-letters', new Set(['--tenant', '--sequence'])],
]);
const PROGRESS_EVERY = 10_000;

/**
 * `oars projections rebuild`: empties the read models and replays every tenant stream (progress on
 * stderr per tenant every 10k events, summary on stdout).
 * `oars projections status`: each tenant's read position against its stream head (and the read models
 * still catching up there), then each read model's lag with the stream it lags most on, and the total.
 * `oars projections dead-letters`: the events the projector parked (not resolved; `--all`: every one).
 * `oars projections retry-dead-letters`: replays the tenants of those events; each is resolved or
 * stays parked with its new reason.
 */
export function makeProjectionsCommand(open: OpenProjectionsBackends): CliCommand {
  return async (argv, io) => {
    const args = argv[0] === 'projections' ? argv.slice(1) : argv;
    const sub = args[0];
    const options = sub === undefined ? undefined : OPTIONS.get(sub);
    const parsed = options ? parseDeadLetterArgs(args.slice(1), options) : 'unknown subcommand';
    if (!sub || typeof parsed === 'string') {
      if (sub && options) io.err(`projections ${sub}: ${parsed}`);
      io.err(USAGE);
      return 2;
    }
    let backends;
    try {
      backends = await open();
    } catch (err) {
      io.err(`projections ${sub}: cannot open the event store or database: ${messageOf(err)}`);
      return 1;
    }
    try {
      const { store, sql } = backends;
      if (sub === 'rebuild') return await rebuild(store, sql, io);
      if (sub === 'status') return await status(store, sql, io);
      if (sub === 'dead-letters') return await listDeadLettersCommand(sql, parsed, io);
      return await retryDeadLettersCommand(store, sql, parsed, io);
    } catch (err) {
      io.err(`projections ${sub} failed: ${messageOf(err)}`);
      return 1;
    } finally {
      await backends.close();
    }
  };
}

async function rebuild(store: EventStore, sql: SqlClient, io: CliIo): Promise<number> {
  const reported = new Map<string, number>();
  const summary = await rebuildProjections(store, sql, {
    onProgress: ({ tenant, position, head, done }) => {
      const last = reported.get(tenant) ?? 0;
      if (done || Math.floor(position / PROGRESS_EVERY) > Math.floor(last / PROGRESS_EVERY)) {
        reported.set(tenant, position);
        io.err(`${tenant}: ${position}/${head} events${done ? ' (done)' : ''}`);
      }
    },
  });
  io.out(`rebuilt read models: ${summary.tenants} tenant(s), ${summary.events} event(s) in ${summary.durationMs} ms`);
  if (summary.parked > 0 || summary.resolved > 0) io.out(`dead letters: ${summary.parked} parked, ${summary.resolved} resolved (oars projections dead-letters)`);
  return 0;
}

async function status(store: EventStore, sql: SqlClient, io: CliIo): Promise<number> {
  const streams = await readProjectionStatus(store, sql);
  for (const s of streams) io.out(`${s.tenant}\tposition ${s.position}\thead ${s.head}\tlag ${s.lag}${catchingUp(s)}`);
  for (const p of summariseProjections(streams)) {
    const worst = p.worst && p.worst.lag > 0 ? `\tworst ${p.worst.tenant} position ${p.worst.position} head ${p.worst.head} lag ${p.worst.lag}` : '';
    io.out(`projection ${p.projection}\tlag ${p.lag}\t${p.streamsBehind} stream(s) behind${worst}`);
  }
  const lag = streams.reduce((sum, s) => sum + s.lag, 0);
  io.out(`${streams.length} tenant(s), total lag ${lag} event(s)`);
  return 0;
}

/** The read models of a stream that are behind its read position (added later, catching up). */
function catchingUp(s: StreamProjectionStatus): string {
  const behind = s.projections.filter((p) => p.position < s.position);
  return behind.length > 0 ? `\tcatching up ${behind.map((p) => `${p.projection} at ${p.position}`).join(', ')}` : '';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
