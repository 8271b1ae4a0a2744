#!/usr/bin/env node
// Ops benchmarks (issue 4), against a real OARS server on NATS JetStream + Postgres:
//  1. GET /v1/admin/ops/dashboard p95 with 1M stored actions across 100 tenants (target <= 50 ms).
//     Every tenant gets a real stream (one action through the API); the 1M actions are then written
//     straight into the read models by SQL (actions, alerts, security events, decision minutes, and
//     the matching tenant_counters): acceptable for THIS benchmark only, because the dashboard reads
//     only the read models, and 1M actions through the writer would take ~20 min.
//  2. Whether scraping /metrics every second adds latency to POST /v1/actions at 200 actions/s
//     (bench/load-actions.mjs open loop, alternating runs without and with a scraper).
// Needs `npm run build` first. Usage: node bench/dashboard.mjs [--actions 1000000] [--tenants 100]
//   [--duration 20] [--warmup 3] [--concurrency 8] [--rate 200] [--pairs 2] [--only dashboard|scrape]
// Env: BENCH_NATS_URL (nats://127.0.0.1:4222), BENCH_PG_URL (postgres://postgres@127.0.0.1:5432).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const ACTIONS = Number(args.actions ?? 1_000_000);
const TENANTS = Number(args.tenants ?? 100);
const DURATION = Number(args.duration ?? 20);
const WARMUP = Number(args.warmup ?? 3);
const CONCURRENCY = Number(args.concurrency ?? 8);
const RATE = Number(args.rate ?? 200);
const PAIRS = Number(args.pairs ?? 2);
const ONLY = args.only ?? null;
const NATS = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const RUN = randomBytes(4).toString('hex');
const DB = `oars_bench_dash_${RUN}`;
const PREFIX = `BDASH${RUN.toUpperCase()}`;
const TOKEN = `bench_dashboard_token_${RUN}`;
const tenants = Array.from({ length: TENANTS }, (_, i) => `bench_t${String(i + 1).padStart(3, '0')}`);
const log = (msg) => process.stderr.write(`[dashboard-bench] ${msg}\n`);

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function request(port, method, path, body, token = TOKEN) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const freePort = () => new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const percentile = (sorted, p) => (sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] : null);
const summary = (ms) => { const s = [...ms].sort((a, b) => a - b); return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] ?? null }; };
const fmt = (v) => (v === null || v === undefined ? '-' : v.toFixed(2));

async function startServer(port) {
  const env = {
    ...process.env, NODE_ENV: 'development', PORT: String(port), LOG_LEVEL: 'warn', OARS_EVENT_STORE: 'jetstream', NATS_URL: NATS,
    DATABASE_URL: `${PG_BASE}/${DB}`, OARS_REGION: 'bench', OARS_STREAM_PREFIX: PREFIX, OARS_SUBJECT_PREFIX: PREFIX.toLowerCase(),
    OARS_KEY_ENCRYPTION_SECRET: `bench_${randomBytes(24).toString('hex')}`,
    OARS_API_TOKENS: JSON.stringify([{ token: TOKEN, tokenId: 'bench', subject: 'bench_admin', role: 'admin', tenantIds: tenants, scopes: ['actions:write', 'actions:read', 'alerts:read'] }]),
  };
  const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await request(port, 'GET', '/health/ready').then((r) => r.status === 200).catch(() => false);
    if (ok) return child;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('server did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function seed(sql) {
  const per = Math.floor(ACTIONS / TENANTS);
  log(`seeding ${per * TENANTS} actions into the read models by SQL`);
  const t0 = performance.now();
  await sql.query(`
    INSERT INTO actions (action_id, tenant_id, state, record, created_at, updated_at, last_sequence)
    SELECT 'act_seed' || lpad(g::text, 24, '0'), 'bench_t' || lpad((g % ${TENANTS} + 1)::text, 3, '0'), st, json_build_object(
        'id', 'act_seed' || lpad(g::text, 24, '0'), 'tenantId', 'bench_t' || lpad((g % ${TENANTS} + 1)::text, 3, '0'), 'state', st,
        'actor', json_build_object('userId', 'bench_user', 'agentId', 'agent_bench', 'serviceId', 'oars-gateway', 'delegationChain', json_build_array('bench_user', 'agent_bench', 'oars-gateway')),
        'resource', json_build_object('toolId', 'jira', 'operation', 'create_ticket', 'target', 'project:SEC'),
        'inputHash', md5(g::text) || md5((g + 1)::text), 'policyDecision', 'allow', 'policyRuleIds', json_build_array('R-ALLOW-DEFAULT'),
        'createdAt', now() - (g % 172800) * interval '1 second')::text,
      now() - (g % 172800) * interval '1 second', now() - (g % 172800) * interval '1 second', 0
    FROM (SELECT g, CASE WHEN (g / ${TENANTS}) % 100 < 70 THEN 'executed' WHEN (g / ${TENANTS}) % 100 < 80 THEN 'denied'
                          WHEN (g / ${TENANTS}) % 100 < 88 THEN 'approval_required' WHEN (g / ${TENANTS}) % 100 < 93 THEN 'failed'
                          WHEN (g / ${TENANTS}) % 100 < 98 THEN 'approved' ELSE 'quarantined' END AS st
          FROM generate_series(1, ${per * TENANTS}) g) s`);
  await sql.query(`
    INSERT INTO alerts (alert_id, tenant_id, sequence, action_id, severity, code, created_at, record)
    SELECT 'alrt_' || substr(action_id, 9), tenant_id, 0, action_id, CASE state WHEN 'quarantined' THEN 'high' ELSE 'medium' END,
      CASE state WHEN 'denied' THEN 'POLICY_DENIED' WHEN 'failed' THEN 'EXECUTION_FAILED' ELSE 'ACTION_QUARANTINED' END, created_at,
      json_build_object('id', 'alrt_' || substr(action_id, 9), 'tenantId', tenant_id, 'actionId', action_id)::text
    FROM actions WHERE action_id LIKE 'act_seed%' AND state IN ('denied', 'failed', 'quarantined')`);
  await sql.query(`
    INSERT INTO security_events (event_id, tenant_id, source, event_type, occurred_at, record)
    SELECT 'evt_' || md5(action_id), tenant_id, 'receipt', 'action.denied_high_risk', created_at,
      json_build_object('id', 'evt_' || md5(action_id), 'tenantId', tenant_id, 'source', 'receipt', 'eventType', 'action.denied_high_risk', 'occurredAt', created_at, 'payload', json_build_object('actionId', action_id))::text
    FROM actions WHERE action_id LIKE 'act_seed%' AND (state = 'quarantined' OR (state = 'denied' AND substr(action_id, 32) < '5'))`);
  await sql.query(`
    INSERT INTO security_event_totals (tenant_id, total)
    SELECT tenant_id, count(*) FROM security_events WHERE event_id LIKE 'evt_%' AND record LIKE '%act_seed%' GROUP BY tenant_id
    ON CONFLICT (tenant_id) DO UPDATE SET total = security_event_totals.total + EXCLUDED.total`);
  await sql.query(`
    INSERT INTO decision_minutes (tenant_id, minute, allow_count, deny_count, approve_count, quarantine_count)
    SELECT tenant_id, date_trunc('minute', created_at), count(*) FILTER (WHERE state IN ('executed', 'failed', 'approved')),
      count(*) FILTER (WHERE state = 'denied'), count(*) FILTER (WHERE state = 'approval_required'), count(*) FILTER (WHERE state = 'quarantined')
    FROM actions WHERE action_id LIKE 'act_seed%' GROUP BY 1, 2
    ON CONFLICT (tenant_id, minute) DO UPDATE SET allow_count = decision_minutes.allow_count + EXCLUDED.allow_count,
      deny_count = decision_minutes.deny_count + EXCLUDED.deny_count, approve_count = decision_minutes.approve_count + EXCLUDED.approve_count,
      quarantine_count = decision_minutes.quarantine_count + EXCLUDED.quarantine_count`);
  await sql.query(`
    UPDATE tenant_counters c SET actions_total = c.actions_total + s.total,
      state_executed = c.state_executed + s.executed, state_denied = c.state_denied + s.denied, state_approval_required = c.state_approval_required + s.approval,
      state_failed = c.state_failed + s.failed, state_approved = c.state_approved + s.approved, state_quarantined = c.state_quarantined + s.quarantined,
      decisions_allow = c.decisions_allow + s.executed + s.failed + s.approved, decisions_deny = c.decisions_deny + s.denied,
      decisions_approve = c.decisions_approve + s.approval, decisions_quarantine = c.decisions_quarantine + s.quarantined,
      alerts_medium = c.alerts_medium + s.denied + s.failed, alerts_high = c.alerts_high + s.quarantined, denied_high_risk = c.denied_high_risk + s.high_risk
    FROM (SELECT tenant_id, count(*) AS total, count(*) FILTER (WHERE state = 'executed') AS executed, count(*) FILTER (WHERE state = 'denied') AS denied,
            count(*) FILTER (WHERE state = 'approval_required') AS approval, count(*) FILTER (WHERE state = 'failed') AS failed,
            count(*) FILTER (WHERE state = 'approved') AS approved, count(*) FILTER (WHERE state = 'quarantined') AS quarantined,
            count(*) FILTER (WHERE state = 'quarantined' OR (state = 'denied' AND substr(action_id, 32) < '5')) AS high_risk
          FROM actions WHERE action_id LIKE 'act_seed%' GROUP BY tenant_id) s
    WHERE c.tenant_id = s.tenant_id`);
  await sql.query('VACUUM ANALYZE');
  const { rows } = await sql.query(`SELECT (SELECT count(*) FROM actions) AS actions, (SELECT count(*) FROM alerts) AS alerts,
    (SELECT count(*) FROM security_events) AS security_events, (SELECT sum(actions_total) FROM tenant_counters) AS counted`);
  log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(rows[0])}`);
  return rows[0];
}

async function measureDashboard(port, concurrency) {
  const latencies = [];
  let errors = 0;
  const start = performance.now();
  const warmEnd = start + WARMUP * 1000;
  const end = warmEnd + DURATION * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const tenant = tenants[Math.floor(Math.random() * tenants.length)];
      const t0 = performance.now();
      const res = await request(port, 'GET', `/v1/admin/ops/dashboard?tenantId=${tenant}`).catch(() => ({ status: 0 }));
      const ms = performance.now() - t0;
      if (t0 < warmEnd) continue;
      if (res.status === 200) latencies.push(ms);
      else errors++;
    }
  }));
  return { ...summary(latencies), errors, perSecond: latencies.length / DURATION };
}

function loadActions(port, scrape) {
  return new Promise((resolve, reject) => {
    const scrapes = [];
    let timer = null;
    if (scrape) {
      timer = setInterval(async () => {
        const t0 = performance.now();
        const res = await request(port, 'GET', '/metrics').catch(() => ({ status: 0 }));
        if (res.status === 200) scrapes.push(performance.now() - t0);
      }, 1000);
    }
    const child = spawn(process.execPath, ['bench/load-actions.mjs', '--url', `http://127.0.0.1:${port}`, '--rate', String(RATE), '--duration', String(DURATION), '--warmup', String(WARMUP), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', () => {
      if (timer) clearInterval(timer);
      try {
        const r = JSON.parse(out.trim().split('\n').pop());
        resolve({ scrape, p50: r.latencyMs.p50, p95: r.latencyMs.p95, p99: r.latencyMs.p99, throughput: r.actionsPerSecond, errors: r.errorCount, scrapes: scrape ? summary(scrapes) : null });
      } catch (err) {
        reject(new Error(`load-actions output not understood: ${out.slice(0, 200)}`));
      }
    });
  });
}

async function main() {
  const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${DB}"`);
  const port = await freePort();
  let server = null;
  const sql = new pg.Client({ connectionString: `${PG_BASE}/${DB}` });
  try {
    server = await startServer(port);
    await sql.connect();
    log(`server on ${port}; one action per tenant through the API (${TENANTS} streams)`);
    for (const tenantId of tenants) {
      const res = await request(port, 'POST', '/v1/actions', { tenantId, agentId: 'agent_bench', resource: { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' }, input: {} });
      if (res.status !== 202) throw new Error(`submit for ${tenantId}: ${res.status} ${res.body}`);
    }
    for (const tenantId of tenants) await request(port, 'GET', `/v1/admin/ops/dashboard?tenantId=${tenantId}`); // read-your-writes: projected
    const lines = [];
    if (ONLY !== 'scrape') {
      const seeded = await seed(sql);
      const sample = JSON.parse((await request(port, 'GET', `/v1/admin/ops/dashboard?tenantId=${tenants[0]}`)).body);
      log(`dashboard of ${tenants[0]}: actions.total=${sample.actions.total} alerts.total=${sample.alerts.total} securityEvents=${JSON.stringify(sample.securityEvents)}`);
      log(`dashboard: ${CONCURRENCY} closed-loop clients, ${DURATION} s after ${WARMUP} s warm-up`);
      const dash = await measureDashboard(port, CONCURRENCY);
      log('dashboard: 1 client');
      const dash1 = await measureDashboard(port, 1);
      lines.push(
        `seeded: ${JSON.stringify(seeded)}`,
        `dashboard, ${CONCURRENCY} clients: n=${dash.n} ${dash.perSecond.toFixed(0)}/s p50 ${fmt(dash.p50)} p95 ${fmt(dash.p95)} p99 ${fmt(dash.p99)} max ${fmt(dash.max)} ms errors ${dash.errors}`,
        `dashboard, 1 client: n=${dash1.n} ${dash1.perSecond.toFixed(0)}/s p50 ${fmt(dash1.p50)} p95 ${fmt(dash1.p95)} p99 ${fmt(dash1.p99)} max ${fmt(dash1.max)} ms errors ${dash1.errors}`,
      );
    }
    const runs = [];
    for (let i = 0; i < (ONLY === 'dashboard' ? 0 : PAIRS); i++) {
      // ABBA order, so a drifting background load does not favour one condition.
      for (const scrape of i % 2 === 0 ? [false, true] : [true, false]) {
        log(`POST /v1/actions at ${RATE}/s, ${scrape ? 'with' : 'without'} a /metrics scrape every 1 s`);
        runs.push(await loadActions(port, scrape));
      }
    }
    lines.push(
      ...runs.map((r) => `actions ${RATE}/s ${r.scrape ? 'with scraper   ' : 'without scraper'}: ${r.throughput.toFixed(1)}/s p50 ${fmt(r.p50)} p95 ${fmt(r.p95)} p99 ${fmt(r.p99)} ms errors ${r.errors}${r.scrapes ? `; scrape p50 ${fmt(r.scrapes.p50)} p95 ${fmt(r.scrapes.p95)} ms (n=${r.scrapes.n})` : ''}`),
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    if (server) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('close', r));
    }
    await sql.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await new Promise((r) => spawn(process.execPath, ['bench/cleanup-streams.mjs', '--url', NATS, '--prefix', PREFIX], { stdio: 'ignore' }).on('close', r));
    agent.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`dashboard-bench failed: ${err.stack ?? err}\n`);
  process.exitCode = 1;
});
