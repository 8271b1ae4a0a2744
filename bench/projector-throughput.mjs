#!/usr/bin/env node
// How fast the read models take a backlog, and where each batch's time goes (issue 11: the
// projector must keep up with what the API appends).
//
//   node bench/projector-throughput.mjs [--skip-build] [--store jetstream|embedded] [--actions 10000] [--batch 500] [--rounds 2]
//
// From `npm run build`'s dist/, on a fresh Postgres database and stream prefix (removed afterwards):
// seeds `--actions` allow-path actions through the API's own submit handler with no projector
// running (3 receipts each), then applies the whole stream to every read model `--rounds` times
// (the read models emptied between rounds), one batch of `--batch` receipts per transaction, as the
// projector's live lane does (projectNextBatch). Prints receipts/s per round and, summed over the
// batches, the wall time of each projection's apply (one connection: its statements' round trips
// and the database's work), of reading the stream, and of the rest (begin, checkpoint lock and
// save, commit), per 1,000 receipts, and the statements each projection sends per batch.
// One Ed25519 signature (bench/probe.mjs signature, as run-bench.sh measures it) is printed beside them.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { build, dist, fmt, freshDeployment, log, quietLogger, seedActions, signatureMicros } from './in-process.mjs';

const { values } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    store: { type: 'string', default: 'jetstream' },
    actions: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '2' },
  },
});
const positive = (name) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${values[name]}"`);
  return n;
};
const ACTIONS = positive('actions');
const BATCH = positive('batch');
const ROUNDS = positive('rounds');
if (!['jetstream', 'embedded'].includes(values.store)) throw new Error(`--store must be jetstream or embedded, got "${values.store}"`);
build(values['skip-build']);

const { createRuntime } = dist('libs/runtime/src');
const { READ_MODEL_PROJECTIONS, READ_MODEL_TABLES, projectNextBatch } = dist('libs/readmodels/src');

const tenant = 'tenant_alpha';
const deployment = await freshDeployment('projector', values.store);
let runtime;
let exitCode = 0;
try {
  runtime = await createRuntime(deployment.config, { runProjector: false, logger: quietLogger });
  const head = await seedActions(runtime, tenant, ACTIONS);

  const spent = new Map(READ_MODEL_PROJECTIONS.map((p) => [p.name, 0]));
  const statements = new Map(READ_MODEL_PROJECTIONS.map((p) => [p.name, 0]));
  const timed = READ_MODEL_PROJECTIONS.map((p) => ({
    ...p,
    async apply(tx, receipts) {
      const t = process.hrtime.bigint();
      const counting = { query: (text, params) => (statements.set(p.name, statements.get(p.name) + 1), tx.query(text, params)) };
      try {
        return await p.apply(counting, receipts);
      } finally {
        spent.set(p.name, spent.get(p.name) + Number(process.hrtime.bigint() - t) / 1e6);
      }
    },
  }));
  let readMs = 0;
  const timedRead = async (stream, from, limit) => {
    const t = process.hrtime.bigint();
    try {
      return await runtime.store.read(stream, { from, limit });
    } finally {
      readMs += Number(process.hrtime.bigint() - t) / 1e6;
    }
  };
  const rounds = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await runtime.sql.query(`TRUNCATE ${[...READ_MODEL_TABLES, 'projection_checkpoints'].join(', ')}`);
    for (const name of spent.keys()) spent.set(name, 0);
    for (const name of statements.keys()) statements.set(name, 0);
    readMs = 0;
    const started = process.hrtime.bigint();
    let position = 0;
    let batches = 0;
    while (position < head) {
      const outcome = await projectNextBatch(runtime.store, runtime.sql, tenant, position, BATCH, { projections: timed, read: timedRead });
      if (outcome.kind !== 'applied') throw new Error(`batch after ${position}: ${outcome.kind}`);
      position = outcome.position;
      batches++;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const applied = [...spent.values()].reduce((a, b) => a + b, 0) + readMs;
    const per1k = (v) => (v * 1000) / head;
    rounds.push({
      round, receipts: head, batches, seconds: ms / 1000, receiptsPerSecond: Math.round((head * 1000) / ms),
      msPer1kReceipts: Object.fromEntries([...spent].map(([k, v]) => [k, Number(per1k(v).toFixed(1))])), readMsPer1k: Number(per1k(readMs).toFixed(1)), otherMsPer1k: Number(per1k(ms - applied).toFixed(1)),
      statementsPerBatch: Object.fromEntries([...statements].map(([k, v]) => [k, Number((v / batches).toFixed(2))])),
    });
    log(`round ${round}: ${fmt(head)} receipts in ${fmt(ms / 1000, 2)} s = ${fmt((head * 1000) / ms)} receipts/s (${batches} batches of <= ${BATCH})`);
    log(`  ms per 1,000 receipts: ${[...spent].map(([k, v]) => `${k} ${fmt(per1k(v), 1)}`).join(', ')}; reading the stream ${fmt(per1k(readMs), 1)}; the rest (begin, checkpoint lock and save, commit) ${fmt(per1k(ms - applied), 1)}`);
    log(`  statements per batch: ${[...statements].map(([k, v]) => `${k} ${fmt(v / batches, 2)}`).join(', ')} (plus begin, checkpoint lock, checkpoint save, commit)`);
  }
  const sig = signatureMicros();
  const best = Math.max(...rounds.map((r) => r.receiptsPerSecond));
  console.log(`projector throughput (${values.store}; one Ed25519 signature ${sig.toFixed(1)} µs): best of ${ROUNDS} rounds ${fmt(best)} receipts/s, batches of ${BATCH}`);
  console.log(JSON.stringify({ store: values.store, signatureMicros: Number(sig.toFixed(1)), batch: BATCH, rounds }));
} catch (err) {
  log(`projector-throughput: ${err instanceof Error ? err.stack : String(err)}`);
  exitCode = 1;
} finally {
  await runtime?.close().catch(() => undefined);
  await deployment.drop();
}
process.exit(exitCode);
