#!/usr/bin/env node
// Projection delay from a projector's Prometheus histogram `oars_projector_apply_delay_seconds`
// (per receipt: from its timestamp to the commit of its read-model rows).
//
//   node bench/projection-delay.mjs snapshot --url http://127.0.0.1:9464/metrics --file before.json
//   ...load...
//   node bench/projection-delay.mjs report --url http://127.0.0.1:9464/metrics --file before.json [--max-p95 MS]
//
// `report` first waits (up to --settle-timeout seconds, default 30) until the projector has caught
// up (`oars_projector_lag_events` 0), then prints count and p50/p95/p99 of the receipts applied since
// the snapshot, interpolated within buckets as Prometheus's histogram_quantile does. Exit 1 when
// --max-p95 is exceeded or nothing was applied, 2 on bad usage.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const METRIC = 'oars_projector_apply_delay_seconds';

function usage(message) {
  process.stderr.write(`projection-delay: ${message}\nusage: projection-delay.mjs snapshot|report --url METRICS_URL --file FILE [--max-p95 MS] [--settle-timeout S]\n`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string' }, file: { type: 'string' }, 'max-p95': { type: 'string' }, 'settle-timeout': { type: 'string', default: '30' } },
});
const mode = positionals[0];
if (mode !== 'snapshot' && mode !== 'report') usage('the first argument must be snapshot or report');
if (!values.url) usage('--url is required');
if (!values.file) usage('--file is required');
const maxP95 = values['max-p95'] === undefined ? null : Number(values['max-p95']);
if (maxP95 !== null && !(maxP95 > 0)) usage(`--max-p95 must be a positive number of ms, got ${values['max-p95']}`);

async function scrape() {
  const res = await fetch(values.url);
  if (!res.ok) throw new Error(`${values.url} answered ${res.status}`);
  const text = await res.text();
  const buckets = {};
  let count = null;
  let lag = null;
  for (const line of text.split('\n')) {
    const bucket = new RegExp(`^${METRIC}_bucket\\{le="([^"]+)"\\} (\\S+)$`).exec(line);
    if (bucket) buckets[bucket[1]] = Number(bucket[2]);
    const c = new RegExp(`^${METRIC}_count (\\S+)$`).exec(line);
    if (c) count = Number(c[1]);
    const l = /^oars_projector_lag_events (\S+)$/.exec(line);
    if (l) lag = Number(l[1]);
  }
  if (count === null) throw new Error(`${values.url} has no ${METRIC} (is a projector running in that process?)`);
  return { buckets, count, lag };
}

/** histogram_quantile: linear interpolation inside the bucket that holds the q-th observation. */
function quantile(q, cumulative) {
  const total = cumulative[cumulative.length - 1][1];
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, n] of cumulative) {
    if (n >= rank) {
      if (le === Infinity) return lowerBound; // above the highest finite bound: report that bound
      return lowerBound + ((le - lowerBound) * (rank - lowerCount)) / Math.max(1, n - lowerCount);
    }
    lowerBound = le;
    lowerCount = n;
  }
  return lowerBound;
}

process.on('uncaughtException', (err) => {
  process.stderr.write(`projection-delay: ${err.message}\n`);
  process.exit(1);
});

if (mode === 'snapshot') {
  writeFileSync(values.file, JSON.stringify(await scrape()));
  process.exit(0);
}

const before = JSON.parse(readFileSync(values.file, 'utf8'));
const deadline = Date.now() + Number(values['settle-timeout']) * 1000;
let after = await scrape();
while (after.lag !== 0 && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  after = await scrape();
}
const cumulative = Object.entries(after.buckets)
  .map(([le, n]) => [le === '+Inf' ? Infinity : Number(le), n - (before.buckets[le] ?? 0)])
  .sort((a, b) => a[0] - b[0]);
const count = after.count - before.count;
if (count <= 0) {
  process.stdout.write(`projection delay: no receipts applied since the snapshot\nverdict     FAIL\n`);
  process.exit(1);
}
const ms = (q) => (quantile(q, cumulative) * 1000).toFixed(1);
const p95 = Number(ms(0.95));
const caughtUp = after.lag === 0 ? 'caught up' : `still ${after.lag} event(s) behind after ${values['settle-timeout']} s`;
process.stdout.write(`projection delay  receipts ${count}; p50 ${ms(0.5)} ms, p95 ${ms(0.95)} ms, p99 ${ms(0.99)} ms (bucket-interpolated); ${caughtUp}\n`);
const ok = (maxP95 === null || p95 <= maxP95) && after.lag === 0;
process.stdout.write(`verdict     ${ok ? 'ok' : `FAIL${maxP95 !== null && p95 > maxP95 ? `: p95 ${p95} ms > ${maxP95} ms` : ''}${after.lag !== 0 ? ': not caught up' : ''}`}\n`);
process.exit(ok ? 0 : 1);
