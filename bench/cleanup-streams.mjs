#!/usr/bin/env node
// Deletes the JetStream streams whose name starts with a prefix: the benchmark's own streams,
// including the streams behind KV buckets (KV_<prefix>*) and object stores (OBJ_<prefix>*).
// Usage: node bench/cleanup-streams.mjs --prefix BENCHxxxx [--url nats://127.0.0.1:4222] [--dry-run]
// Refuses an empty or short prefix so it can never wipe a server's streams by accident.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

function parseArgs(argv) {
  const opts = { url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', prefix: '', dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s);
    const value = () => inline ?? argv[++i];
    if (name === '--url') opts.url = value();
    else if (name === '--prefix') opts.prefix = value() ?? '';
    else if (name === '--dry-run') opts.dryRun = true;
    else throw new Error(`unknown argument: ${argv[i]}`);
  }
  if (opts.prefix.length < 4) throw new Error('--prefix of at least 4 characters is required');
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const nc = await connect({ servers: opts.url, timeout: 5000 });
  try {
    const jsm = await jetstreamManager(nc);
    const prefixes = [opts.prefix, `KV_${opts.prefix}`, `OBJ_${opts.prefix}`];
    const names = [];
    for await (const name of jsm.streams.names()) {
      if (prefixes.some((p) => name.startsWith(p))) names.push(name);
    }
    for (const name of names) {
      if (!opts.dryRun) await jsm.streams.delete(name);
      process.stderr.write(`${opts.dryRun ? 'would delete' : 'deleted'} stream ${name}\n`);
    }
    process.stderr.write(`cleanup-streams: ${names.length} stream(s) with prefix ${opts.prefix}\n`);
  } finally {
    await nc.drain();
  }
}

main().catch((err) => {
  process.stderr.write(`cleanup-streams: ${err.message}\n`);
  process.exitCode = 1;
});
