import { parseArgs } from 'node:util';
import type { NatsConnection } from '@nats-io/nats-core';
import type { EventStore } from '@oars/eventstore';
import { type AlertFeed, type AlertFeedFilter, type AlertMessage, followPublishedAlerts, followStreamAlerts, isAlertSeverity } from '@oars/ops';
import type { CliCommand, CliIo } from '../cli-io';

/** What `oars alerts tail` reads: the event store, and on JetStream its NATS connection. */
export interface AlertSource {
  store: EventStore;
  /** The store's connection on JetStream (alerts are published there); null on the embedded store. */
  nats: NatsConnection | null;
  region: string;
  subjectPrefix: string;
  close(): Promise<void>;
}

export interface AlertsCommandOptions {
  /** Stops the tail (tests); default: SIGINT or SIGTERM. */
  signal?: AbortSignal;
  /** Told once the tail follows (tests). */
  onReady?: (source: string) => void;
}

const USAGE = `Usage: oars alerts tail [--tenant <id>] [--severity low|medium|high|critical] [--json]

Prints alerts as they are raised, one line each (raisedAt, incident severity, severity, tenant, code,
message, alert id; tab separated), until Ctrl-C. On JetStream it subscribes to the alert subjects
(<OARS_SUBJECT_PREFIX>.alerts.<region>.<tenant>.<severity>); on the embedded store it follows the
streams themselves. See docs/governance-alerts.md.

  --tenant <id>        one tenant's alerts (or _platform for the platform's own); default: all
  --severity <level>   one severity only
  --json               one JSON alert message per line (the documented schema) instead`;

const TENANT = /^[A-Za-z0-9_-]{1,64}$/;

interface TailArgs {
  filter: AlertFeedFilter;
  json: boolean;
}

/** `oars alerts`: argv is everything after `alerts`. */
export function makeAlertsCommand(open: () => Promise<AlertSource>, options: AlertsCommandOptions = {}): CliCommand {
  return async (argv, io) => {
    const [sub, ...rest] = argv;
    if (sub !== 'tail') {
      (sub === undefined || sub === '--help' || sub === '-h' ? io.out : io.err)(USAGE);
      return sub === '--help' || sub === '-h' ? 0 : 2;
    }
    const args = parseTailArgs(rest);
    if (args === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (typeof args === 'string') {
      io.err(`oars alerts tail: ${args}\n\n${USAGE}`);
      return 2;
    }
    const source = await open();
    try {
      return await tail(source, args, io, options);
    } finally {
      await source.close();
    }
  };
}

function parseTailArgs(argv: string[]): TailArgs | 'help' | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { tenant: { type: 'string' }, severity: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (values.help) return 'help';
  if (values.tenant !== undefined && !TENANT.test(values.tenant)) return '--tenant must match [A-Za-z0-9_-]{1,64}.';
  if (values.severity !== undefined && !isAlertSeverity(values.severity)) return '--severity must be low, medium, high or critical.';
  return { filter: { tenantId: values.tenant, severity: values.severity as AlertFeedFilter['severity'] }, json: values.json ?? false };
}

async function tail(source: AlertSource, args: TailArgs, io: CliIo, options: AlertsCommandOptions): Promise<number> {
  const print = (m: AlertMessage) => io.out(args.json ? JSON.stringify(m) : lineOf(m));
  const feed: AlertFeed = source.nats
    ? await followPublishedAlerts(source.nats, source, args.filter, print)
    : await followStreamAlerts(source.store, source.region, args.filter, print);
  io.err(`Following alerts on ${feed.source}; Ctrl-C to stop.`);
  options.onReady?.(feed.source);
  await stopped(options.signal);
  await feed.close();
  return 0;
}

function lineOf(m: AlertMessage): string {
  return [m.raisedAt, m.incidentSeverity, m.alert.severity, m.tenantId, m.alert.code, m.alert.message, m.alert.id].join('\t');
}

/** Resolves when `signal` aborts, or on SIGINT / SIGTERM without one. */
function stopped(signal?: AbortSignal): Promise<void> {
  if (signal) return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
