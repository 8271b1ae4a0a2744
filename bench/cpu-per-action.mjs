#!/usr/bin/env node
// CPU time per accepted action, summed over every process that serves it, in units of one Ed25519
// signature measured on the same machine in the same run (issue 14). Plain ESM, node: built-ins only.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import { randomBytes } from 'node:crypto';

const HELP = `Usage: node bench/cpu-per-action.mjs [options]      (npm run bench:cpu -- [options])

Starts OARS in a topology, loads POST /v1/actions, reads every server process's CPU from /proc
before and after each phase (after: once the read models and reactors reached the stream heads),
measures one Ed25519 signature in the same run, and prints per phase: throughput, p50/p95/p99,
errors, CPU ms per action per process and in total, and the total in signature units.

  --topology T     production (default): API process + projector process, JetStream + Postgres;
                   embedded: the single process on its embedded store (no NATS, no Postgres)
  --duration S     measured seconds per phase (default 20)  [BENCH_DURATION]
  --connections N  wrk connections of the closed-loop phase (default 64)
  --rate R         rate of the open-loop phase (default 200; 0 skips it)
  --phases LIST    closed,rate (default both)
  --skip-build     use the existing dist/ (also BENCH_SKIP_BUILD=1)
  --help

Phases: "closed" is wrk (C, installed with apt-get when missing), --connections connections
each waiting for its answer; "rate" is bench/load-actions.mjs open loop at --rate actions/s (its
latency counts from the scheduled time). Processes counted: API, projector (production), the
nats-server serving NATS_URL's port, and every postgres process of the cluster (backends, WAL
writer, checkpointer). BENCH_CPU_PROF=DIR writes V8 CPU profiles of the API and the projector
under DIR/api and DIR/projector (written when they exit). Environment: BENCH_NATS_URL (nats://127.0.0.1:4222), BENCH_PG_URL
(postgres://postgres@127.0.0.1:5432), LOG_LEVEL (warn), and any OARS_* variable reaches the servers.`;

const argv = process.argv.slice(2);
if (argv.includes('--help')) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
const flag = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? def : argv[i + 1];
};
const topology = flag('topology', 'production');
if (!['production', 'embedded'].includes(topology)) fail(`--topology must be production or embedded, got ${topology}`);
const duration = Number(flag('duration', process.env.BENCH_DURATION ?? 20));
const connections = Number(flag('connections', 64));
const rate = Number(flag('rate', 200));
const phases = flag('phases', 'closed,rate').split(',');
const skipBuild = argv.includes('--skip-build') || process.env.BENCH_SKIP_BUILD === '1';
const NATS = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const ROOT = resolve(new URL('..', import.meta.url).pathname);
const HZ = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const runId = randomBytes(4).toString('hex');
const work = mkdtempSync(join(tmpdir(), 'oars-cpu.'));
const children = [];
let dbName = null;
let streamPrefix = null;

function fail(message) {
  process.stderr.write(`cpu-per-action: ${message}\n`);
  process.exit(2);
}
const log = (m) => process.stderr.write(`### ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function ensureWrk() {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  log('wrk is missing: apt-get install -y wrk');
  let r = spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit' });
    r = spawnSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' });
  }
  if (r.status !== 0) fail('cannot install wrk (apt-get install -y wrk failed)');
}

function freePort() {
  return new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function signatureMicros() {
  return Number(execFileSync('node', [join(ROOT, 'bench/probe.mjs'), 'signature']).toString());
}

/**
 * utime + stime of a process, plus cutime + cstime (its children that exited and were waited for:
 * a postgres backend that closed during the run is in the postmaster's), in ticks; null when gone.
 */
function ticks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  } catch {
    return null;
  }
}

function commOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Every process named `name` (e.g. all postgres backends). */
function pidsNamed(name) {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d) && commOf(d) === name).map(Number);
}

/** The nats-server listening on the NATS URL's port (by its socket inode in /proc/net/tcp). */
function natsPid() {
  const port = Number(new URL(NATS).port || 4222);
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set(
    readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === '0A').map((f) => f[9]),
  );
  for (const pid of pidsNamed('nats-server')) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /socket:\[(\d+)\]/.exec(readlinkSafe(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return pid;
      }
    } catch {
      /* not ours to read */
    }
  }
  return null;
}

function readlinkSafe(p) {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}

/** CPU ticks per role: { api, projector, nats, postgres } (postgres: the sum over its processes, per pid). */
function snapshot(roles) {
  const out = { at: process.hrtime.bigint(), roles: {} };
  for (const [role, pids] of Object.entries(roles())) {
    out.roles[role] = new Map(pids.map((pid) => [pid, ticks(pid)]).filter(([, t]) => t !== null));
  }
  return out;
}

/**
 * ms of CPU per role between two snapshots: the role's processes after minus its processes before
 * (one born in between counts from 0; one that exited is in its parent's children time).
 */
function cpuMs(before, after) {
  const sum = (m) => [...(m ?? new Map()).values()].reduce((a, b) => a + b, 0);
  const ms = {};
  for (const [role, now] of Object.entries(after.roles)) ms[role] = ((sum(now) - sum(before.roles[role])) / HZ) * 1000;
  return ms;
}

function startProcess(name, script, env) {
  const out = join(work, `${name}.log`);
  const prof = process.env.BENCH_CPU_PROF ? `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}/${name} ` : '';
  // `exec`: the node process keeps the shell's pid, so child.pid is the server process itself.
  const child = spawn('sh', ['-c', `exec node ${prof}${script} >>${out} 2>&1`], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
  children.push(child);
  child.logFile = out;
  return child;
}

async function httpGet(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return { status: res.status, text: await res.text() };
  } catch {
    return { status: 0, text: '' };
  }
}

async function waitReady(url, child) {
  const deadline = Date.now() + 90_000;
  while ((await httpGet(url)).status !== 200) {
    if (child.exitCode !== null || Date.now() > deadline) {
      process.stderr.write(readFileSync(child.logFile, 'utf8').split('\n').slice(-40).join('\n'));
      fail(`${url} not ready`);
    }
    await sleep(200);
  }
}

/** Sum of a Prometheus gauge over its series (null when it is not exposed). */
function gaugeSum(text, name) {
  let sum = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    sum = (sum ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Waits until every read model and every reactor reached the stream heads (at most 120 s). */
async function drained(metricsUrls) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    let lag = 0;
    for (const url of metricsUrls) {
      const { text } = await httpGet(url);
      lag += (gaugeSum(text, 'oars_projector_lag_events') ?? 0) + (gaugeSum(text, 'oars_reactor_lag_events') ?? 0);
    }
    if (lag === 0) return true;
    if (Date.now() > deadline) {
      log(`still ${lag} events behind after 120 s: counted as it is`);
      return false;
    }
    await sleep(250);
  }
}

const WRK_LUA = `
local threads = {}
local n = 0
function setup(thread) n = n + 1; thread:set("tid", n); table.insert(threads, thread) end
function init(args) ok = 0; bad = 0; seq = 0 end
function request()
  seq = seq + 1
  local body = string.format('{"tenantId":"tenant_alpha","agentId":"bench_agent_%d_%d","resource":{"toolId":"jira","operation":"create_ticket","target":"project:SEC"},"input":{"summary":"bench %d"}}', tid, seq, seq)
  return wrk.format("POST", "/v1/actions", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer dev_admin_token" }, body)
end
function response(status, headers, body) if status == 202 then ok = ok + 1 else bad = bad + 1 end end
function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format('WRK_JSON {"ok":%d,"bad":%d,"seconds":%f,"p50":%f,"p95":%f,"p99":%f,"socketErrors":%d}\\n',
    o, b, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout))
end
`;

function runWrk(port, seconds) {
  const script = join(work, 'actions.lua');
  writeFileSync(script, WRK_LUA);
  return new Promise((res, rej) => {
    const child = spawn('wrk', ['-t2', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, `http://127.0.0.1:${port}`]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('exit', () => {
      const m = /WRK_JSON (\{.*\})/.exec(out);
      if (!m) return rej(new Error(`wrk printed no result:\n${out}`));
      const r = JSON.parse(m[1]);
      res({ accepted: r.ok, errors: r.bad + r.socketErrors, seconds: r.seconds, p50: r.p50, p95: r.p95, p99: r.p99 });
    });
  });
}

function runOpenLoop(port, seconds) {
  return new Promise((res, rej) => {
    const child = spawn('node', [join(ROOT, 'bench/load-actions.mjs'), '--url', `http://127.0.0.1:${port}`, '--rate', String(rate), '--duration', String(seconds), '--warmup', '0', '--json']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => {
      try {
        const r = JSON.parse(out.trim().split('\n').pop());
        res({ accepted: r.requestsTotal - r.errorCount, errors: r.errorCount, seconds, p50: r.latencyMs.p50, p95: r.latencyMs.p95, p99: r.latencyMs.p99 });
      } catch {
        rej(new Error(`load-actions printed no result: ${out}`));
      }
    });
  });
}

async function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  for (let i = 0; i < 100 && children.some((c) => c.exitCode === null); i++) await sleep(100);
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (streamPrefix) spawnSync('node', [join(ROOT, 'bench/cleanup-streams.mjs'), '--url', NATS, '--prefix', streamPrefix], { stdio: 'ignore' });
  if (dbName) spawnSync('psql', [`${PG}/postgres`, '-qc', `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
}

async function main() {
  ensureWrk();
  if (!skipBuild) {
    log('npm run build');
    if (spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) fail('npm run build failed');
  }
  if (!existsSync(join(ROOT, 'dist/apps/api/src/main.js'))) fail('dist/apps/api/src/main.js is missing: run npm run build');
  const port = await freePort();
  const base = { PORT: String(port), OARS_RATE_LIMIT_RPM: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', NODE_ENV: 'development',
    OARS_KEY_ENCRYPTION_SECRET: `bench_${randomBytes(24).toString('hex')}` };
  let api;
  let projector = null;
  const metricsUrls = [`http://127.0.0.1:${port}/metrics`];
  if (topology === 'production') {
    dbName = `oars_cpu_${runId}`;
    streamPrefix = `CPU${runId.toUpperCase()}`;
    if (spawnSync('psql', [`${PG}/postgres`, '-v', 'ON_ERROR_STOP=1', '-qc', `CREATE DATABASE "${dbName}"`], { stdio: 'inherit' }).status !== 0) fail(`cannot create database at ${PG}`);
    const js = { OARS_EVENT_STORE: 'jetstream', NATS_URL: NATS, DATABASE_URL: `${PG}/${dbName}`, OARS_REGION: 'bench', OARS_STREAM_PREFIX: streamPrefix, OARS_SUBJECT_PREFIX: `cpu${runId}` };
    const metricsPort = await freePort();
    projector = startProcess('projector', 'dist/apps/projector/src/main.js', { ...base, ...js, OARS_PROJECTOR_METRICS_PORT: String(metricsPort) });
    api = startProcess('api', 'dist/apps/api/src/main.js', { ...base, ...js, OARS_RUN_PROJECTOR: 'false' });
    metricsUrls.push(`http://127.0.0.1:${metricsPort}/metrics`);
    await waitReady(`http://127.0.0.1:${metricsPort}/metrics`, projector);
  } else {
    const env = { ...base, OARS_EVENT_STORE: 'embedded', OARS_DATA_DIR: join(work, 'data') };
    delete process.env.DATABASE_URL;
    delete process.env.NATS_URL;
    api = startProcess('api', 'dist/apps/api/src/main.js', env);
  }
  await waitReady(`http://127.0.0.1:${port}/health/ready`, api);
  const nats = topology === 'production' ? natsPid() : null;
  if (topology === 'production' && nats === null) fail(`no nats-server found listening on ${NATS}`);
  const roles = () => ({
    api: [api.pid],
    ...(projector ? { projector: [projector.pid] } : {}),
    ...(nats ? { nats: [nats] } : {}),
    ...(topology === 'production' ? { postgres: pidsNamed('postgres') } : {}),
  });
  log(`warm-up: wrk 5 s (${connections} connections)`);
  await runWrk(port, 5);
  await drained(metricsUrls);

  const results = [];
  const sigBefore = signatureMicros();
  for (const phase of phases) {
    if (phase === 'rate' && !(rate > 0)) continue;
    const label = phase === 'closed' ? `closed loop, wrk ${connections} connections` : `open loop ${rate}/s (bench/load-actions.mjs)`;
    log(`phase: ${label}, ${duration} s`);
    const before = snapshot(roles);
    const load = phase === 'closed' ? await runWrk(port, duration) : await runOpenLoop(port, duration);
    const caughtUp = await drained(metricsUrls);
    const after = snapshot(roles);
    results.push({ label, load, cpu: cpuMs(before, after), caughtUp, wallSeconds: Number(after.at - before.at) / 1e9 });
  }
  const sig = (sigBefore + signatureMicros()) / 2;

  const lines = [`### cpu per action: topology ${topology}, ${duration} s per phase, integrity verifier at ${process.env.OARS_INTEGRITY_MAX_RECEIPTS_PER_SECOND ?? 'its default 1000'} receipts/s at most; ` +
    `one Ed25519 signature ${sig.toFixed(1)} µs (${sigBefore.toFixed(1)} before, ${signatureMicros().toFixed(1)} after); ${execFileSync('nproc').toString().trim()} cores, node ${process.version}`];
  for (const r of results) {
    const n = Math.max(1, r.load.accepted);
    const per = Object.entries(r.cpu).map(([role, ms]) => `${role} ${(ms / n).toFixed(3)}`);
    const total = Object.values(r.cpu).reduce((a, b) => a + b, 0) / n;
    lines.push(
      `${r.label}: ${(r.load.accepted / r.load.seconds).toFixed(0)} actions/s, ${r.load.accepted} accepted, ${r.load.errors} errors; ` +
        `p50 ${r.load.p50.toFixed(2)} ms, p95 ${r.load.p95.toFixed(2)} ms, p99 ${r.load.p99.toFixed(2)} ms; ` +
        `CPU ms per action: ${per.join(', ')}, total ${total.toFixed(3)} = ${((total * 1000) / sig).toFixed(1)} signatures` +
        `${r.caughtUp ? '' : ' (read models NOT caught up)'}; measured over ${r.wallSeconds.toFixed(1)} s including catch-up`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

process.on('SIGINT', () => cleanup().then(() => process.exit(130)));
main()
  .then(cleanup)
  .catch(async (err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    await cleanup();
    process.exit(1);
  });
