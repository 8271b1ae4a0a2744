#!/usr/bin/env node
import { ConfigError, loadConfig } from '@oars/config';
import { JetStreamEventStore } from '@oars/eventstore';
import { openStores } from '@oars/runtime';
import { type CliCommand, processIo } from './cli-io';
import { makeAlertsCommand } from './commands/alerts-tail.command';
import { makeProjectionsCommand } from './commands/projections.command';
import { makeReplayCommand } from './commands/replay.command';
import { verifyCommand } from './commands/verify.command';

const USAGE = `oars <command>

Commands:
  verify <file> --keys <keys.json>   verify receipts or an exported stream offline
  projections rebuild                replay every stream into fresh read models
  projections status                 show projection checkpoints and lag
  projections dead-letters [--tenant t] [--sequence n] [--all]
                                     list the events the projector parked, with their reasons
  projections retry-dead-letters [--tenant t] [--sequence n]
                                     replay their tenants: resolved, or parked with the new reason
  replay --tenant t [--from n] [--to n] --verify [--out file]
                                     replay a stream from the event store, verified, as NDJSON
  alerts tail [--tenant t] [--severity s] [--json]
                                     print alerts live as they are raised

Configuration comes from the same environment variables as the server (see README).`;

const openFromEnv = async () => openStores(loadConfig());

const COMMANDS: Record<string, CliCommand> = {
  verify: verifyCommand,
  projections: makeProjectionsCommand(openFromEnv),
  replay: makeReplayCommand(openFromEnv, { stdout: process.stdout }),
  alerts: makeAlertsCommand(async () => {
    const config = loadConfig();
    const { store, close } = await openStores(config);
    return { store, nats: store instanceof JetStreamEventStore ? store.connection : null, region: config.region, subjectPrefix: config.subjectPrefix, close };
  }),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    processIo.out(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    processIo.err(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, processIo);
  } catch (err) {
    processIo.err(err instanceof ConfigError ? err.message : `oars ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
