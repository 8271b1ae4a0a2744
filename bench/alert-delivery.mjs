#!/usr/bin/env node
// Alert delivery (docs/alerting.md), end to end against a local receiver:
//   node bench/alert-delivery.mjs [--store embedded|jetstream] [--rate 100] [--duration 20]
//                                 [--backlog 10000] [--concurrency 16] [--skip-build] [--json]
// Starts OARS (one process: API, projector and reactors) with one webhook channel pointing at a
// local capture server (libs/testing), then:
//   1. latency: POST /v1/actions at --rate denied actions/s (open loop) for --duration seconds; each
//      raises POLICY_DENIED, delivered to the receiver. Reports alert-to-delivery latency (the
//      alert's createdAt to the receiver getting it) p50/p95/p99, and the POST answer time.
//   2. backlog: the receiver refuses connections; --backlog alerts are raised (the outage, shortened
//      to the time it takes to raise them) and routed; the receiver comes back, and the time until
//      every one of them was received is the drain time (deliveries/s).
// One Ed25519 signature (bench/probe.mjs signature, as run-bench.sh prints it) is printed beside the
// figures as the machine's unit. Needs `npm run build` (done unless --skip-build / BENCH_SKIP_BUILD=1).
// Environment: BENCH_NATS_URL (nats://127.0.0.1:4222), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432)
// for --store jetstream; LOG_LEVEL (warn); any OARS_* variable reaches the server.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const ROOT = resolve(new URL('..', import.meta.url).pathname);
const argv = process.argv.slice(2);
const flag = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? def : argv[i + 1];
};
const store = flag('store', 'embedded');
const rate = Number(flag('rate', 100));
const duration = Number(flag('duration', 20));
const backlog = Number(flag('backlog', 10_000));
const concurrency = Number(flag('concurrency', 16));
const json = argv.includes('--json');
const skipBuild = argv.includes('--skip-build') || process.env.BENCH_SKIP_BUILD === '1';
const TENANT = 'tenant_alpha';
const TOKEN = 'dev_admin_token';
const log = (m) => process.stderr.write(`### ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
const children = [];
const cleanups = [];

function fail(message) {
  process.stderr.write(`alert-delivery: ${message}\n`);
  process.exitCode = 2;
  throw new Error(message);
}

function freePort() {
  return new Promise((res) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function request(port, method, path, body) {
  return new Promise((res, rej) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { authorization: `Bearer ${TOKEN}`, ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) } }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (c) => (text += c));
      r.on('end', () => res({ status: r.statusCode, text }));
    });
    req.on('error', rej);
    req.end(data);
  });
}

const deniedAction = () => ({ tenantId: TENANT, agentId: 'agent_bench', resource: { toolId: 'database', operation: 'drop_database', target: 'db:prod' }, input: { summary: 'bench' } });

/** One Ed25519 signature in µs, measured as run-bench.sh does (bench/probe.mjs signature). */
function signatureMicros() {
  const out = spawnSync('node', [join(ROOT, 'bench/probe.mjs'), 'signature'], { encoding: 'utf8' });
  if (out.status !== 0) fail('cannot measure a signature (bench/probe.mjs signature)');
  return Number(out.stdout.trim());
}

async function startServer(receiverUrl) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'oars-alert-bench.'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const runId = randomBytes(4).toString('hex');
  const env = {
    ...process.env,
    PORT: String(port),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    OARS_RATE_LIMIT_RPM: '0',
    OARS_DATA_DIR: dataDir,
    OARS_EVENT_STORE: store,
    // One webhook channel under the id the default routing rule names for medium alerts.
    OARS_ALERT_CHANNELS: JSON.stringify([{ id: 'slack_secops', type: 'generic_webhook', url: receiverUrl, rateLimitPerMinute: 0 }]),
    OARS_ALERT_ALLOW_PRIVATE_NETWORK: 'true',
    OARS_ALERT_DELIVERY_CONCURRENCY: String(concurrency),
    // A short outage needs a short breaker cooldown to show the drain rather than the wait for a probe.
    OARS_ALERT_BREAKER_COOLDOWN_MS: process.env.OARS_ALERT_BREAKER_COOLDOWN_MS ?? '500',
    OARS_ALERT_MAX_BACKOFF_MS: process.env.OARS_ALERT_MAX_BACKOFF_MS ?? '2000',
  };
  delete env.NATS_URL;
  delete env.DATABASE_URL;
  if (store === 'jetstream') {
    const pg = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
    const db = `oars_alert_bench_${runId}`;
    if (spawnSync('psql', [`${pg}/postgres`, '-qc', `CREATE DATABASE ${db}`], { stdio: 'inherit' }).status !== 0) fail('cannot create the bench database');
    cleanups.push(() => spawnSync('psql', [`${pg}/postgres`, '-qc', `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`], { stdio: 'ignore' }));
    Object.assign(env, { NATS_URL: process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222', DATABASE_URL: `${pg}/${db}`, OARS_STREAM_PREFIX: `ALERTBENCH${runId}`, OARS_SUBJECT_PREFIX: `alertbench${runId}`, OARS_REGION: 'bench' });
    cleanups.push(() => spawnSync('node', [join(ROOT, 'bench/cleanup-streams.mjs'), '--prefix', `ALERTBENCH${runId}`, '--url', env.NATS_URL], { stdio: 'ignore' }));
  }
  const child = spawn('node', [join(ROOT, 'dist/apps/api/src/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  for (const deadline = Date.now() + 60_000; ; ) {
    if (child.exitCode !== null) fail(`the server exited with ${child.exitCode}`);
    const ready = await request(port, 'GET', '/health/ready').catch(() => null);
    if (ready?.status === 200) return port;
    if (Date.now() > deadline) fail('the server did not become ready in 60 s');
    await sleep(250);
  }
}

/** Open loop: `count` denied actions at `perSecond`, each fired on schedule whatever the server does. */
async function raise(port, count, perSecond) {
  const answers = [];
  const started = performance.now();
  const inFlight = [];
  for (let i = 0; i < count; i++) {
    if (perSecond > 0) {
      const due = started + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    } else if (inFlight.length >= 64) await Promise.race(inFlight);
    const t0 = performance.now();
    const p = request(port, 'POST', '/v1/actions', deniedAction()).then((r) => {
      if (r.status !== 202) throw new Error(`POST /v1/actions answered ${r.status}: ${r.text.slice(0, 200)}`);
      answers.push(performance.now() - t0);
    });
    const tracked = p.finally(() => inFlight.splice(inFlight.indexOf(tracked), 1));
    inFlight.push(tracked);
  }
  await Promise.all(inFlight);
  return answers.sort((a, b) => a - b);
}

async function metric(port, name, label) {
  const { text } = await request(port, 'GET', '/metrics');
  const line = text.split('\n').find((l) => l.startsWith(name) && l.includes(label));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function until(what, probe, timeoutMs) {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    if (await probe()) return;
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function main() {
  if (!skipBuild) {
    log('npm run build');
    if (spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) fail('npm run build failed');
  }
  const { HttpCaptureServer } = createRequire(import.meta.url)(join(ROOT, 'dist/libs/testing/src/http-capture-server.js'));
  const receiver = await HttpCaptureServer.start();
  cleanups.push(() => receiver.close());
  /** alert id -> when the receiver first got it with a 200 (epoch ms), and the alert's createdAt. */
  const got = new Map();
  receiver.onRequest((r) => {
    if (r.status !== 200) return;
    const alert = JSON.parse(r.body);
    if (alert.id && !got.has(alert.id)) got.set(alert.id, { at: r.receivedAt, createdAt: Date.parse(alert.createdAt) });
  });
  const port = await startServer(receiver.url('/alerts'));
  const signature = signatureMicros();

  log(`latency: ${rate} denied actions/s for ${duration} s (${store})`);
  await raise(port, Math.max(1, rate), rate); // warm-up: a second of load, not counted
  await until('the warm-up deliveries', () => got.size >= Math.max(1, rate), 60_000);
  const warm = new Set(got.keys());
  const total = rate * duration;
  const answers = await raise(port, total, rate);
  await until('every alert delivered', () => got.size >= warm.size + total, 120_000);
  const latencies = [...got].filter(([id]) => !warm.has(id)).map(([, v]) => v.at - v.createdAt).sort((a, b) => a - b);

  log(`backlog: ${backlog} alerts while the receiver refuses connections, then the drain`);
  await receiver.down('refused');
  const before = got.size;
  const outageStarted = Date.now();
  await raise(port, backlog, 0);
  await until('every alert routed', async () => (await metric(port, 'oars_reactor_lag_events', 'reactor="alert_delivery"')) === 0, 300_000);
  const outageSeconds = (Date.now() - outageStarted) / 1000;
  const upAt = Date.now();
  await receiver.up();
  await until('the backlog drained', () => got.size >= before + backlog, 1_800_000);
  const drained = [...got.values()].slice(before).map((v) => v.at);
  const drainSeconds = (Math.max(...drained) - upAt) / 1000;
  // The first delivery after the receiver came back: the wait for the breaker's next probe.
  const probeSeconds = (Math.min(...drained) - upAt) / 1000;

  const result = {
    store,
    signatureMicros: Number(signature.toFixed(1)),
    latency: {
      rate, seconds: duration, alerts: latencies.length,
      alertToDeliveryMs: { p50: latencies.length ? percentile(latencies, 50) : null, p95: latencies.length ? percentile(latencies, 95) : null, p99: latencies.length ? percentile(latencies, 99) : null },
      postAnswerMs: { p50: Number(percentile(answers, 50).toFixed(1)), p95: Number(percentile(answers, 95).toFixed(1)) },
    },
    backlog: { deliveries: backlog, outageSeconds: Number(outageSeconds.toFixed(1)), drainSeconds: Number(drainSeconds.toFixed(1)), firstDeliverySeconds: Number(probeSeconds.toFixed(2)), deliveriesPerSecond: Math.round(backlog / drainSeconds), concurrency },
  };
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const l = result.latency;
    process.stdout.write(
      `one Ed25519 signature: ${result.signatureMicros} µs\n` +
        `alert-to-delivery at ${rate} alerts/s (${store}, ${l.alerts} alerts): p50 ${l.alertToDeliveryMs.p50} ms, p95 ${l.alertToDeliveryMs.p95} ms, p99 ${l.alertToDeliveryMs.p99} ms; POST /v1/actions answered p95 ${l.postAnswerMs.p95} ms\n` +
        `backlog of ${backlog} deliveries (raised in ${result.backlog.outageSeconds} s while the receiver was down): drained in ${result.backlog.drainSeconds} s after it came back (first delivery after ${result.backlog.firstDeliverySeconds} s: the breaker's next probe; ${result.backlog.deliveriesPerSecond} deliveries/s overall, concurrency ${concurrency})\n`,
    );
  }
}

async function cleanup() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch(() => undefined);
  agent.destroy();
}

main()
  .catch((err) => {
    if (!process.exitCode) process.stderr.write(`alert-delivery: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode ||= 1;
  })
  .finally(cleanup);
