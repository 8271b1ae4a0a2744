#!/usr/bin/env node
// Load generator for POST /v1/actions against a running OARS server.
// Plain ESM on Node 20, node: built-ins only, so it runs from a fresh clone without a build.
// Closed loop (--concurrency workers, each waits for its answer) or open loop (--rate: requests
// are fired on a fixed schedule whatever the server does, and latency is measured from the
// scheduled time, so a stalled server cannot hide its queueing: no coordinated omission).
import net from 'node:net';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const HELP = `Usage: node bench/load-actions.mjs [options]

Drives POST /v1/actions and prints throughput, latency p50/p95/p99/max and errors.
Every option can also be given as an environment variable (shown in brackets); flags win.

  --url URL            server base URL [BENCH_URL] (default http://127.0.0.1:8080)
  --token TOKEN        bearer token [BENCH_TOKEN] (default dev_admin_token)
  --tenant ID          tenant for every request [BENCH_TENANT] (default tenant_alpha)
  --tenants N          spread requests round-robin over N tenants [BENCH_TENANTS]: tenant_alpha,
                       tenant_bravo, tenant_enterprise, then bench_tenant_4.. (the dev tokens
                       only reach the first three)
  --concurrency N      closed-loop workers; in open-loop mode the socket cap [BENCH_CONCURRENCY]
                       (default 64)
  --rate R             open loop: fire R actions/s on a fixed schedule [BENCH_RATE]
  --duration S         measured seconds [BENCH_DURATION] (default 20)
  --warmup S           seconds run first and excluded from the figures [BENCH_WARMUP] (default 3)
  --mix allow|mixed    allow: jira/create_ticket/project:SEC (default); mixed: 80% allow,
                       10% iam/change_permissions/prod:finance (approval), 10%
                       database/drop_database/db:prod (deny) [BENCH_MIX]
  --idempotency        send a unique Idempotency-Key per request [BENCH_IDEMPOTENCY=1]
  --timeout MS         per-request timeout, counted as error "timeout" [BENCH_TIMEOUT_MS]
                       (default 10000)
  --label TEXT         name printed with the result [BENCH_LABEL]
  --pid PID            report this process's RSS (VmRSS, VmHWM) at the end [BENCH_PID]
  --max-p95 MS         exit 1 if the measured p95 is above MS [BENCH_MAX_P95]
  --max-errors N       exit 1 if more than N requests failed, warmup included [BENCH_MAX_ERRORS]
  --min-throughput R   exit 1 if fewer than R actions/s succeeded [BENCH_MIN_THROUGHPUT]
  --json               print the result as one JSON object on stdout [BENCH_JSON=1]
  --help               show this text

Success is HTTP 202. Errors are counted by status code or network error code. Latency and
throughput cover requests started (closed loop) or scheduled (open loop) after the warmup.
Percentile = sorted[ceil(p/100*n)-1] over the successful requests. Progress goes to stderr
every 5 s. Exit code: 0, or 1 when a threshold is exceeded, 2 on bad usage.`;

const OPTIONS = {
  url: { env: 'BENCH_URL', def: 'http://127.0.0.1:8080' },
  token: { env: 'BENCH_TOKEN', def: 'dev_admin_token' },
  tenant: { env: 'BENCH_TENANT', def: 'tenant_alpha' },
  tenants: { env: 'BENCH_TENANTS', num: true, int: true, min: 1 },
  concurrency: { env: 'BENCH_CONCURRENCY', def: 64, num: true, int: true, min: 1 },
  rate: { env: 'BENCH_RATE', num: true, min: 0.001 },
  duration: { env: 'BENCH_DURATION', def: 20, num: true, min: 0.001 },
  warmup: { env: 'BENCH_WARMUP', def: 3, num: true, min: 0 },
  mix: { env: 'BENCH_MIX', def: 'allow', oneOf: ['allow', 'mixed'] },
  idempotency: { env: 'BENCH_IDEMPOTENCY', flag: true },
  timeout: { env: 'BENCH_TIMEOUT_MS', def: 10000, num: true, min: 1 },
  label: { env: 'BENCH_LABEL', def: '' },
  pid: { env: 'BENCH_PID', num: true, int: true, min: 1 },
  'max-p95': { env: 'BENCH_MAX_P95', num: true, min: 0 },
  'max-errors': { env: 'BENCH_MAX_ERRORS', num: true, int: true, min: 0 },
  'min-throughput': { env: 'BENCH_MIN_THROUGHPUT', num: true, min: 0 },
  json: { env: 'BENCH_JSON', flag: true },
  help: { flag: true },
};

class UsageError extends Error {}

function parseOptions(argv, env) {
  const raw = {};
  for (const [name, spec] of Object.entries(OPTIONS)) {
    if (spec.env && env[spec.env] !== undefined && env[spec.env] !== '') raw[name] = env[spec.env];
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = OPTIONS[name];
    if (!spec) throw new UsageError(`unknown option: --${name}`);
    if (spec.flag) raw[name] = eq === -1 ? 'true' : arg.slice(eq + 1);
    else if (eq !== -1) raw[name] = arg.slice(eq + 1);
    else if (i + 1 < argv.length) raw[name] = argv[++i];
    else throw new UsageError(`--${name} needs a value`);
  }
  const opts = {};
  for (const [name, spec] of Object.entries(OPTIONS)) {
    const value = raw[name];
    const key = name.replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (spec.flag) opts[key] = value !== undefined && !['0', 'false', 'no', ''].includes(String(value).toLowerCase());
    else if (value === undefined) opts[key] = spec.def;
    else if (spec.num) {
      const n = Number(value);
      if (!Number.isFinite(n) || (spec.int && !Number.isInteger(n)) || n < spec.min) {
        throw new UsageError(`--${name} must be ${spec.int ? 'an integer' : 'a number'} >= ${spec.min}, got "${value}"`);
      }
      opts[key] = n;
    } else if (spec.oneOf && !spec.oneOf.includes(value)) {
      throw new UsageError(`--${name} must be one of ${spec.oneOf.join(', ')}, got "${value}"`);
    } else opts[key] = value;
  }
  return opts;
}

const NAMED_TENANTS = ['tenant_alpha', 'tenant_bravo', 'tenant_enterprise'];
const RESOURCES = {
  allow: { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' },
  approval: { toolId: 'iam', operation: 'change_permissions', target: 'prod:finance' },
  deny: { toolId: 'database', operation: 'drop_database', target: 'db:prod' },
};

function tenantList(opts) {
  if (!opts.tenants) return [opts.tenant];
  return Array.from({ length: opts.tenants }, (_, k) => NAMED_TENANTS[k] ?? `bench_tenant_${k + 1}`);
}

/** Request i's kind: deterministic 8/1/1 in every 10 for the mixed profile. */
function kindOf(i, mix) {
  if (mix === 'allow') return 'allow';
  const slot = i % 10;
  return slot === 8 ? 'approval' : slot === 9 ? 'deny' : 'allow';
}

/** Nearest-rank percentile over an ascending array: sorted[ceil(p/100*n)-1]. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function readRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => {
      const m = status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm'));
      return m ? Number(m[1]) : null;
    };
    const rss = kb('VmRSS');
    const hwm = kb('VmHWM');
    return { rssMb: rss === null ? null : rss / 1024, peakRssMb: hwm === null ? null : hwm / 1024 };
  } catch (err) {
    return { error: `cannot read /proc/${pid}/status: ${err.code ?? err.message}` };
  }
}

class Recorder {
  constructor(measureFrom, measureTo) {
    this.measureFrom = measureFrom;
    this.measureTo = measureTo;
    this.latencies = [];
    this.errors = {};
    this.states = {};
    this.completed = 0;
    this.measuredRequests = 0;
    this.errorCount = 0;
  }

  /** `start` is when the request was sent (closed loop) or scheduled (open loop). */
  record(start, end, outcome, state) {
    this.completed++;
    const measured = start >= this.measureFrom && start < this.measureTo;
    if (outcome !== 202) {
      this.errorCount++;
      this.errors[outcome] = (this.errors[outcome] ?? 0) + 1;
    }
    if (!measured) return;
    this.measuredRequests++;
    if (outcome === 202) {
      this.latencies.push(end - start);
      if (state) this.states[state] = (this.states[state] ?? 0) + 1;
    }
  }
}

/**
 * A keep-alive HTTP/1.1 client over plain sockets, for http:// targets: one request in flight per
 * connection, at most `max` connections, each request written in one write. Node's http client
 * costs several times more CPU per request, and this load generator shares the machine with the
 * server it measures. It reads `Content-Length` and chunked bodies, and honours `Connection: close`.
 */
class RawHttpPool {
  constructor(host, port, max, timeoutMs) {
    this.host = host;
    this.port = port;
    this.max = max;
    this.timeoutMs = timeoutMs;
    this.idle = [];
    this.open = new Set();
    this.waiting = [];
    this.sweep = setInterval(() => this.expire(), Math.min(250, timeoutMs)).unref();
  }

  /** Resolves [status, body text] or [error code]; never rejects. */
  request(bytes) {
    return new Promise((resolve) => {
      const conn = this.idle.pop() ?? (this.open.size < this.max ? this.connect() : null);
      if (conn) this.dispatch(conn, bytes, resolve);
      else this.waiting.push([bytes, resolve]);
    });
  }

  connect() {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    const conn = { socket, buffer: Buffer.alloc(0), pending: null };
    this.open.add(conn);
    socket.on('data', (chunk) => {
      conn.buffer = conn.buffer.length ? Buffer.concat([conn.buffer, chunk]) : chunk;
      this.parse(conn);
    });
    const fail = (code) => {
      this.open.delete(conn);
      const i = this.idle.indexOf(conn);
      if (i !== -1) this.idle.splice(i, 1);
      if (conn.pending) {
        const { resolve } = conn.pending;
        conn.pending = null;
        resolve([code]);
      }
      this.next();
    };
    socket.on('error', (err) => fail(err.code ?? 'network_error'));
    socket.on('close', () => fail('ECONNRESET'));
    return conn;
  }

  dispatch(conn, bytes, resolve) {
    conn.pending = { resolve, deadline: performance.now() + this.timeoutMs };
    conn.socket.write(bytes);
  }

  /** Hands a freed connection to the next waiting request, or opens one for it. */
  next() {
    while (this.waiting.length > 0) {
      const conn = this.idle.pop() ?? (this.open.size < this.max ? this.connect() : null);
      if (!conn) return;
      const [bytes, resolve] = this.waiting.shift();
      this.dispatch(conn, bytes, resolve);
    }
  }

  expire() {
    const now = performance.now();
    for (const conn of this.open) {
      if (conn.pending && conn.pending.deadline <= now) {
        const { resolve } = conn.pending;
        conn.pending = null;
        resolve(['timeout']);
        conn.socket.destroy();
      }
    }
  }

  parse(conn) {
    const buf = conn.buffer;
    const end = buf.indexOf('\r\n\r\n');
    if (end === -1) return;
    const head = buf.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    let length = -1;
    let chunked = false;
    let close = false;
    for (const line of head.split('\r\n').slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim().toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.includes('chunked');
      else if (name === 'connection') close = value === 'close';
    }
    let body;
    let consumed;
    if (chunked) {
      const parts = [];
      let at = end + 4;
      for (;;) {
        const eol = buf.indexOf('\r\n', at);
        if (eol === -1) return;
        const size = parseInt(buf.toString('latin1', at, eol), 16);
        if (buf.length < eol + 2 + size + 2) return;
        if (size === 0) {
          consumed = eol + 4;
          break;
        }
        parts.push(buf.subarray(eol + 2, eol + 2 + size));
        at = eol + 2 + size + 2;
      }
      body = Buffer.concat(parts).toString('utf8');
    } else {
      const size = length === -1 ? 0 : length;
      if (buf.length < end + 4 + size) return;
      body = buf.toString('utf8', end + 4, end + 4 + size);
      consumed = end + 4 + size;
    }
    conn.buffer = buf.subarray(consumed);
    const pending = conn.pending;
    conn.pending = null;
    if (close) {
      this.open.delete(conn);
      conn.socket.removeAllListeners('close');
      conn.socket.on('close', () => this.next());
      conn.socket.destroy();
    } else {
      this.idle.push(conn);
      this.next();
    }
    pending?.resolve([status, body]);
  }

  destroy() {
    clearInterval(this.sweep);
    for (const conn of this.open) conn.socket.destroy();
  }
}

function createSender(opts, runId) {
  const base = new URL(opts.url);
  const path = `${base.pathname.replace(/\/$/, '')}/v1/actions`;
  const tenants = tenantList(opts);
  const authorization = `Bearer ${opts.token}`;
  const stateRe = /"state"\s*:\s*"([^"]+)"/;
  const bodyOf = (i) =>
    JSON.stringify({
      tenantId: tenants[i % tenants.length],
      agentId: `bench_agent_${i}`,
      resource: RESOURCES[kindOf(i, opts.mix)],
      input: { summary: `bench ${i}` },
    });
  const outcomeOf = ([status, text]) => {
    if (typeof status !== 'number') return [status];
    const m = status === 202 ? stateRe.exec(text) : null;
    return [status, m ? m[1] : undefined];
  };

  if (base.protocol === 'http:') {
    const port = Number(base.port || 80);
    const pool = new RawHttpPool(base.hostname, port, opts.concurrency, opts.timeout);
    const host = `${base.hostname}:${port}`;
    /** Sends request i; resolves with [outcome, state] and never rejects. */
    const send = (i) => {
      const body = bodyOf(i);
      const idem = opts.idempotency ? `Idempotency-Key: bench-${runId}-${i}\r\n` : '';
      const head =
        `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAuthorization: ${authorization}\r\n` +
        `${idem}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      return pool.request(Buffer.from(head + body)).then(outcomeOf);
    };
    return { send, close: () => pool.destroy() };
  }

  const agent = new https.Agent({ keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency });
  /** Sends request i over node:https; resolves with [outcome, state] and never rejects. */
  function send(i) {
    const body = bodyOf(i);
    const headers = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization,
    };
    if (opts.idempotency) headers['idempotency-key'] = `bench-${runId}-${i}`;
    return new Promise((resolve) => {
      let settled = false;
      const done = (result) => {
        if (!settled) {
          settled = true;
          resolve(outcomeOf(result));
        }
      };
      const req = https.request({ hostname: base.hostname, port: base.port, path, method: 'POST', agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          if (text.length < 4096) text += chunk;
        });
        res.on('end', () => done([res.statusCode, text]));
        res.on('error', (err) => done([err.code ?? 'response_error']));
      });
      req.setTimeout(opts.timeout, () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
      req.on('error', (err) => done([err.code ?? 'network_error']));
      req.end(body);
    });
  }
  return { send, close: () => agent.destroy() };
}

async function run(opts) {
  const runId = randomBytes(4).toString('hex');
  const { send, close } = createSender(opts, runId);
  const t0 = performance.now();
  const measureFrom = t0 + opts.warmup * 1000;
  const measureTo = measureFrom + opts.duration * 1000;
  const rec = new Recorder(measureFrom, measureTo);
  const inflight = new Set();
  let issued = 0;

  let lastCompleted = 0;
  let lastTick = t0;
  const progress = setInterval(() => {
    const now = performance.now();
    const rate = ((rec.completed - lastCompleted) * 1000) / (now - lastTick);
    const phase = now < measureFrom ? 'warmup' : 'measure';
    process.stderr.write(
      `[${((now - t0) / 1000).toFixed(0).padStart(4)} s] ${phase} requests=${rec.completed} ` +
        `rate=${rate.toFixed(0)}/s inflight=${inflight.size} errors=${rec.errorCount}\n`,
    );
    lastCompleted = rec.completed;
    lastTick = now;
  }, 5000);

  const track = (start, i) => {
    const p = send(i).then(([outcome, state]) => {
      inflight.delete(p);
      rec.record(start, performance.now(), outcome, state);
    });
    inflight.add(p);
    return p;
  };

  if (opts.rate) {
    const interval = 1000 / opts.rate;
    await new Promise((resolve) => {
      let next = t0;
      const tick = () => {
        const now = performance.now();
        while (next <= now && next < measureTo) {
          track(next, issued++);
          next = t0 + issued * interval;
        }
        if (next >= measureTo) resolve();
        else setTimeout(tick, Math.max(0, next - performance.now()));
      };
      tick();
    });
  } else {
    const worker = async () => {
      while (performance.now() < measureTo) {
        await track(performance.now(), issued++);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  }
  await Promise.all(inflight);
  clearInterval(progress);
  close();

  const sorted = Float64Array.from(rec.latencies).sort();
  const ms = (v) => (v === null ? null : Math.round(v * 1000) / 1000);
  return {
    label: opts.label,
    mode: opts.rate ? 'open-loop' : 'closed-loop',
    targetRate: opts.rate ?? null,
    concurrency: opts.concurrency,
    url: opts.url,
    tenants: tenantList(opts),
    mix: opts.mix,
    idempotency: opts.idempotency,
    warmupSeconds: opts.warmup,
    durationSeconds: opts.duration,
    requestsTotal: rec.completed,
    requestsMeasured: rec.measuredRequests,
    succeededMeasured: sorted.length,
    actionsPerSecond: Math.round((sorted.length / opts.duration) * 10) / 10,
    latencyMs: {
      p50: ms(percentile(sorted, 50)),
      p95: ms(percentile(sorted, 95)),
      p99: ms(percentile(sorted, 99)),
      max: ms(sorted.length ? sorted[sorted.length - 1] : null),
    },
    errors: rec.errors,
    errorCount: rec.errorCount,
    states: rec.states,
    server: opts.pid ? { pid: opts.pid, ...readRss(opts.pid) } : null,
  };
}

function checkThresholds(result, opts) {
  const failures = [];
  const p95 = result.latencyMs.p95;
  if (opts.maxP95 !== undefined && (p95 === null || p95 > opts.maxP95)) failures.push(`p95 ${p95} ms > ${opts.maxP95} ms`);
  if (opts.maxErrors !== undefined && result.errorCount > opts.maxErrors) failures.push(`errors ${result.errorCount} > ${opts.maxErrors}`);
  if (opts.minThroughput !== undefined && result.actionsPerSecond < opts.minThroughput) {
    failures.push(`throughput ${result.actionsPerSecond}/s < ${opts.minThroughput}/s`);
  }
  return failures;
}

function formatResult(r, failures) {
  const fmt = (v) => (v === null ? '-' : v.toFixed(2));
  const counts = (o) => Object.entries(o).map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
  const mode = r.mode === 'open-loop' ? `open-loop rate=${r.targetRate}/s (socket cap ${r.concurrency})` : `closed-loop concurrency=${r.concurrency}`;
  const lines = [
    `== load-actions${r.label ? `: ${r.label}` : ''} ==`,
    `mode        ${mode}`,
    `target      ${r.url}/v1/actions  tenants=${r.tenants.join(',')}  mix=${r.mix}${r.idempotency ? '  idempotency-key' : ''}`,
    `window      ${r.durationSeconds} s measured after ${r.warmupSeconds} s warmup`,
    `requests    ${r.requestsMeasured} measured (${r.succeededMeasured} ok), ${r.requestsTotal} total`,
    `throughput  ${r.actionsPerSecond.toFixed(1)} actions/s`,
    `latency ms  p50 ${fmt(r.latencyMs.p50)}  p95 ${fmt(r.latencyMs.p95)}  p99 ${fmt(r.latencyMs.p99)}  max ${fmt(r.latencyMs.max)}`,
    `errors      ${r.errorCount === 0 ? 'none' : `${r.errorCount} (${counts(r.errors)})`}`,
    `states      ${counts(r.states)}`,
  ];
  if (r.server) {
    lines.push(
      r.server.error
        ? `server      ${r.server.error}`
        : `server      pid ${r.server.pid} rss ${fmt(r.server.rssMb)} MB (peak ${fmt(r.server.peakRssMb)} MB)`,
    );
  }
  lines.push(failures.length ? `verdict     FAIL: ${failures.join('; ')}` : 'verdict     ok');
  return lines.join('\n');
}

async function main() {
  let opts;
  try {
    opts = parseOptions(process.argv.slice(2), process.env);
    new URL(opts.url);
  } catch (err) {
    process.stderr.write(`load-actions: ${err.message} (see --help)\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const result = await run(opts);
  const failures = checkThresholds(result, opts);
  result.failures = failures;
  process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatResult(result, failures)}\n`);
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
