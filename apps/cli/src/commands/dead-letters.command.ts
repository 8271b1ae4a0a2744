import type { SqlClient } from '@oars/db';
import type { EventStore } from '@oars/eventstore';
import { type DeadLetter, listDeadLetters, retryDeadLetters } from '@oars/readmodels';
import type { CliIo } from '../cli-io';

/** `--tenant t` and `--sequence n` of the dead-letter subcommands (`all`: `--all`). */
export interface DeadLetterArgs {
  tenantId?: string;
  sequence?: number;
  all: boolean;
}

/** Parses the options after the subcommand; a message on a bad one. */
export function parseDeadLetterArgs(args: readonly string[], allowed: ReadonlySet<string>): DeadLetterArgs | string {
  const parsed: DeadLetterArgs = { all: false };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (!allowed.has(flag)) return `unknown option ${flag}`;
    if (flag === '--all') {
      parsed.all = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    if (flag === '--tenant') parsed.tenantId = value;
    else if (!/^[1-9][0-9]*$/.test(value)) return `--sequence must be a positive integer, got ${value}`;
    else parsed.sequence = Number(value);
  }
  return parsed;
}

/** One line per dead letter (tab separated, the reason last), then the count. */
export async function listDeadLettersCommand(sql: SqlClient, args: DeadLetterArgs, io: CliIo): Promise<number> {
  const letters = await listDeadLetters(sql, {
    tenantIds: args.tenantId ? [args.tenantId] : undefined,
    sequence: args.sequence,
    statuses: args.all ? ['parked', 'retried', 'resolved'] : undefined,
    limit: 1_000_000,
  });
  for (const dl of letters) io.out(line(dl));
  io.out(`${letters.length} dead letter(s)${args.all ? '' : ' not resolved'}`);
  return 0;
}

function line(dl: DeadLetter): string {
  return [`${dl.tenantId}#${dl.sequence}`, dl.status, dl.eventType, dl.eventId, `attempts ${dl.attempts}`, `first ${dl.firstFailedAt}`, `last ${dl.lastFailedAt}`, dl.reason].join('\t');
}

const PROGRESS_EVERY = 10_000;

/**
 * Replays each tenant with open dead letters (progress on stderr every 10k events and when done),
 * then prints what became of each one: resolved, or still parked with the new reason. Exit code 1
 * when any is still parked.
 */
export async function retryDeadLettersCommand(store: EventStore, sql: SqlClient, args: DeadLetterArgs, io: CliIo): Promise<number> {
  const reported = new Map<string, number>();
  const results = await retryDeadLetters(store, sql, {
    tenantId: args.tenantId,
    sequence: args.sequence,
    onProgress: ({ tenant, position, head }) => {
      if (Math.floor(position / PROGRESS_EVERY) > Math.floor((reported.get(tenant) ?? 0) / PROGRESS_EVERY)) {
        reported.set(tenant, position);
        io.err(`${tenant}: ${position}/${head} events`);
      }
    },
  });
  let resolved = 0;
  let parked = 0;
  for (const r of results) {
    io.err(`${r.tenantId}: replayed ${r.events} event(s) (done)`);
    for (const sequence of r.resolved) io.out(`${r.tenantId}#${sequence}\tresolved`);
    for (const dl of r.parked) io.out(`${dl.tenantId}#${dl.sequence}\tstill parked\tattempts ${dl.attempts}\t${dl.reason}`);
    resolved += r.resolved.length;
    parked += r.parked.length;
  }
  io.out(`retried ${results.length} tenant(s): ${resolved} dead letter(s) resolved, ${parked} still parked`);
  return parked > 0 ? 1 : 0;
}
