import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { readProjectionStatus, rebuildProjections } from '@oars/readmodels';
import type { CliCommand, CliIo } from '../cli-io';

/** Opens the configured event store and read-model database for one command run. */
export type OpenProjectionsBackends = () => Promise<{ store: EventStore; sql: SqlClient; close(): Promise<void> }>;

const USAGE = 'usage: oars projections rebuild | oars projections status';
const PROGRESS_EVERY = 10_000;

/**
 * `oars projections rebuild`: empties the read models and replays every tenant stream (progress on
 * stderr per tenant every 10k events, summary on stdout).
 * `oars projections status`: each tenant's checkpoint against its stream head, and the total lag.
 */
export function makeProjectionsCommand(open: OpenProjectionsBackends): CliCommand {
  return async (argv, io) => {
    const args = argv[0] === 'projections' ? argv.slice(1) : argv;
    const sub = args[0];
    if (sub !== 'rebuild' && sub !== 'status') {
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
      return sub === 'rebuild' ? await rebuild(backends.store, backends.sql, io) : await status(backends.store, backends.sql, io);
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
  return 0;
}

async function status(store: EventStore, sql: SqlClient, io: CliIo): Promise<number> {
  const streams = await readProjectionStatus(store, sql);
  for (const s of streams) io.out(`${s.tenant}\tposition ${s.position}\thead ${s.head}\tlag ${s.lag}`);
  const lag = streams.reduce((sum, s) => sum + s.lag, 0);
  io.out(`${streams.length} tenant(s), total lag ${lag} event(s)`);
  return 0;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
