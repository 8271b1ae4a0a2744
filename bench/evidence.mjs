#!/usr/bin/env node
// Evidence, forensics and transparency figures (issue "Evidence exports, … proofs and the ledger"):
//   - an inline evidence export of 100k receipts over HTTP (target <= 10 s), and its offline verification;
//   - forensic replay with verification over HTTP (target >= 5,000 receipts/s);
//   - inclusion proof generation over HTTP, p50/p95/p99 (target p95 <= 5 ms).
// One Ed25519 signature (bench/probe.mjs signature, as run-bench.sh measures it) is printed beside them.
//
//   node bench/evidence.mjs [--skip-build] [--store jetstream|embedded] [--actions 33333] [--proofs 2000] [--exports 3]
//
// It starts OARS in this process from `npm run build`'s dist/ (the API and the projector on one
// runtime) on a fresh Postgres database and stream prefix (removed afterwards), seeds `--actions`
// allow-path actions through the API's own submit handler (3 receipts each, plus the tenant's key
// receipt: 33,333 actions = 100,000 receipts, the inline export's limit), waits until the read
// models reach the head, and measures. The integrity verifier is slowed to 1 receipt/s so it does not
// compete with the measurement (it re-verifies the stream in the background in production).
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { build, dist, fmt, freshDeployment, log, quietLogger, seedActions, signatureMicros } from './in-process.mjs';

const { values } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    store: { type: 'string', default: 'jetstream' },
    actions: { type: 'string', default: '33333' },
    proofs: { type: 'string', default: '2000' },
    exports: { type: 'string', default: '3' },
    window: { type: 'string', default: '512' },
  },
});
const ACTIONS = Number(values.actions);
const PROOFS = Number(values.proofs);
const EXPORTS = Number(values.exports);
if (!['jetstream', 'embedded'].includes(values.store)) throw new Error('--store must be jetstream or embedded');
build(values['skip-build']);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const { createRuntime } = dist('libs/runtime/src');
const { createApp } = dist('apps/api/src/bootstrap.js');
const { verifyEvidenceBundle, nodeVerifierCrypto } = dist('libs/receipts/src');

const tenant = 'tenant_alpha';
const deployment = await freshDeployment('evidence', values.store, {
  OARS_INTEGRITY_MAX_RECEIPTS_PER_SECOND: '1',
  OARS_INTEGRITY_MIN_RECEIPTS_PER_SECOND: '1',
});
let runtime;
let app;
try {
  runtime = await createRuntime(deployment.config, { logger: quietLogger });
  const head = await seedActions(runtime, tenant, ACTIONS, { window: Number(values.window) });
  log('waiting for the read models …');
  while (!(await runtime.waitForPosition(tenant, head))) log('  … read models still behind');

  app = await createApp(runtime, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  const auth = { authorization: 'Bearer dev_auditor_token' };
  const adminAuth = { authorization: 'Bearer dev_admin_token' };
  const sig = signatureMicros();

  // 1. Inline export of the whole stream (the first one appends the checkpoint and builds the proof log).
  const body = JSON.stringify({ tenantId: tenant, framework: 'soc2', dateFrom: '2020-01-01T00:00:00Z', dateTo: '2029-12-31T00:00:00Z' });
  const exportTimes = [];
  let bundle = null;
  let bytes = 0;
  for (let i = 0; i < EXPORTS; i++) {
    const t = performance.now();
    const res = await fetch(`${base}/v1/evidence/exports`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
    const text = await res.text();
    exportTimes.push((performance.now() - t) / 1000);
    if (res.status !== 200) throw new Error(`export answered ${res.status}: ${text.slice(0, 300)}`);
    bytes = text.length;
    if (i === EXPORTS - 1) bundle = JSON.parse(text);
    log(`  export ${i + 1}: ${exportTimes[i].toFixed(2)} s`);
  }
  const keys = (await (await fetch(`${base}/v1/trust/tenants/${tenant}/keys`)).json()).items;
  let t = performance.now();
  const verified = verifyEvidenceBundle(bundle, nodeVerifierCrypto, { trustedKeys: keys });
  const verifySeconds = (performance.now() - t) / 1000;
  if (!verified.isValid) throw new Error(`the bundle does not verify: ${JSON.stringify(verified.errors.slice(0, 3))}`);

  // 2. Forensic replay of the whole stream with verification, over HTTP (NDJSON).
  t = performance.now();
  const replay = await fetch(`${base}/v1/admin/forensics/replay?tenantId=${tenant}`, { headers: adminAuth });
  const text = await replay.text();
  const replaySeconds = (performance.now() - t) / 1000;
  const lines = text.trimEnd().split('\n');
  const summary = JSON.parse(lines[lines.length - 1]).summary;
  if (!summary?.ok) throw new Error(`replay found problems: ${lines[lines.length - 1].slice(0, 300)}`);

  // 3. Inclusion proofs of random receipts (the log is warm after the exports).
  const { rows } = await runtime.sql.query("SELECT receipt_id FROM receipts WHERE tenant_id = $1 AND type <> 'ledger.checkpoint' ORDER BY random() LIMIT $2", [tenant, PROOFS]);
  const proofTimes = [];
  for (const { receipt_id } of rows) {
    const s = performance.now();
    const res = await fetch(`${base}/v1/receipts/${receipt_id}/proof`, { headers: auth });
    await res.text();
    if (res.status !== 200) throw new Error(`proof answered ${res.status}`);
    proofTimes.push(performance.now() - s);
  }
  proofTimes.sort((a, b) => a - b);
  const sortedExports = [...exportTimes].sort((a, b) => a - b);

  const figures = {
    store: values.store,
    signatureMicros: Number(sig.toFixed(1)),
    receipts: bundle.receipts.length,
    export: { firstSeconds: Number(exportTimes[0].toFixed(2)), medianSeconds: Number(percentile(sortedExports, 50).toFixed(2)), megabytes: Number((bytes / 1e6).toFixed(1)) },
    offlineVerify: { seconds: Number(verifySeconds.toFixed(2)), receiptsPerSecond: Math.round(bundle.receipts.length / verifySeconds) },
    replay: { events: lines.length - 1, seconds: Number(replaySeconds.toFixed(2)), receiptsPerSecond: Math.round((lines.length - 1) / replaySeconds) },
    proofs: { count: proofTimes.length, p50Ms: Number(percentile(proofTimes, 50).toFixed(2)), p95Ms: Number(percentile(proofTimes, 95).toFixed(2)), p99Ms: Number(percentile(proofTimes, 99).toFixed(2)) },
  };
  console.log(
    `evidence bench (${values.store}; one Ed25519 signature ${figures.signatureMicros} µs): ` +
      `export of ${fmt(figures.receipts)} receipts ${figures.export.medianSeconds} s median of ${EXPORTS} (first ${figures.export.firstSeconds} s, ${figures.export.megabytes} MB); ` +
      `offline verification ${figures.offlineVerify.seconds} s (${fmt(figures.offlineVerify.receiptsPerSecond)} receipts/s); ` +
      `replay with verification ${fmt(figures.replay.receiptsPerSecond)} receipts/s (${fmt(figures.replay.events)} in ${figures.replay.seconds} s); ` +
      `inclusion proofs p50 ${figures.proofs.p50Ms} ms, p95 ${figures.proofs.p95Ms} ms, p99 ${figures.proofs.p99Ms} ms (${figures.proofs.count} over HTTP)`,
  );
  console.log(JSON.stringify(figures));
} finally {
  await app?.close().catch(() => undefined);
  await runtime?.close().catch(() => undefined);
  await deployment.drop();
}
