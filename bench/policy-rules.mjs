#!/usr/bin/env node
// Decision latency against a tenant policy of 10, 100 and 1,000 rules (issue 3).
//  (a) in process: evaluatePolicy p50/p95/p99 per call, from the compiled libs/policy (`npm run build`);
//  (b) end to end (with --url): creates each policy for one tenant of a running server, publishes them
//      in turn and drives POST /v1/actions at a fixed rate with bench/load-actions.mjs (p50/p95 per size).
// Every rule but the last fails on its third condition (toolIds and operations match, targetContains
// does not), so evaluation walks the whole list before the last rule (`match: {}`, allow) decides.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HELP = `Usage: node bench/policy-rules.mjs [options]      (run \`npm run build\` first)

  --sizes LIST        rule counts (default 10,100,1000)
  --iterations N      in-process evaluations measured per size (default 20000, after 2000 warm-up)
  --url URL           also measure end to end against this running server (default: in-process only)
  --token TOKEN       admin token with policies:write and actions:write (default dev_admin_token)
  --tenant ID         tenant whose published policy is replaced (default tenant_enterprise)
  --rate R            actions/s for load-actions.mjs (default 200)
  --duration S        measured seconds per size (default 20)
  --warmup S          warm-up seconds per size (default 3)
  --rounds N          measure every size N times, interleaved, and report medians (default 1)
  --pid PID           server pid, for load-actions' RSS report
  --json              print one JSON object instead of tables
Exit code 1 when a load run had errors or the policy in force did not decide as expected (allow, executed).`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { sizes: '10,100,1000', iterations: '20000', rounds: '1', token: 'dev_admin_token', tenant: 'tenant_enterprise', rate: '200', duration: '20', warmup: '3' };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'help' || name === 'json') opts[name] = true;
    else if (argv[i].startsWith('--') && i + 1 < argv.length) opts[name] = argv[++i];
    else throw new Error(`bad argument ${argv[i]} (see --help)`);
  }
  return { ...opts, sizes: opts.sizes.split(',').map(Number), iterations: Number(opts.iterations), rounds: Math.max(1, Number(opts.rounds)) };
}

/** n rules: n-1 that fail on targetContains, then the deciding catch-all. Priorities keep document order. */
function rulesOf(n) {
  const rules = Array.from({ length: n - 1 }, (_, k) => ({
    id: `R-${k}`,
    description: `Tickets in project nomatch-${k} are quarantined.`,
    priority: n - k,
    match: { toolIds: ['jira'], operations: ['create_ticket'], targetContains: `nomatch-${k}` },
    decision: 'quarantine',
  }));
  rules.push({ id: 'R-LAST', description: 'Everything else is allowed.', priority: 0, match: {}, decision: 'allow' });
  return rules;
}

const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

function inProcess(policyLib, sizes, iterations) {
  const { evaluatePolicy, scoreRisk } = policyLib;
  const resource = { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' };
  const request = { resource, context: { requestedAt: new Date().toISOString() }, risk: scoreRisk(resource) };
  return sizes.map((n) => {
    const policy = { id: `pol_bench_${n}`, tenantId: 'bench', version: `rules-${n}`, status: 'published', rules: rulesOf(n), createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
    const t0 = process.hrtime.bigint();
    const first = evaluatePolicy(policy, request); // compiles (sorts, builds sets, hashes) once per document
    const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (first.ruleIds[0] !== 'R-LAST') throw new Error(`policy of ${n} rules decided by ${first.ruleIds}`);
    for (let i = 0; i < 2000; i++) evaluatePolicy(policy, request);
    const samples = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const start = process.hrtime.bigint();
      evaluatePolicy(policy, request);
      samples[i] = Number(process.hrtime.bigint() - start) / 1000;
    }
    samples.sort();
    const round = (v) => Math.round(v * 100) / 100;
    return { rules: n, compileMs: round(compileMs), p50Us: round(percentile(samples, 50)), p95Us: round(percentile(samples, 95)), p99Us: round(percentile(samples, 99)) };
  });
}

async function call(opts, method, path, body) {
  const res = await fetch(opts.url.replace(/\/$/, '') + path, {
    method,
    headers: { authorization: `Bearer ${opts.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.error ?? json)}`);
  return json;
}

function loadActions(opts) {
  const args = ['bench/load-actions.mjs', '--url', opts.url, '--token', opts.token, '--tenant', opts.tenant, '--rate', opts.rate, '--duration', opts.duration, '--warmup', opts.warmup, '--json'];
  if (opts.pid) args.push('--pid', opts.pid);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch {
        reject(new Error(`load-actions printed no result: ${out.slice(0, 500)}`));
      }
    });
  });
}

/**
 * Creates one policy per size (plus a copy of the built-in default's 3 rules as the baseline), then
 * for each round publishes each in turn and measures; rounds interleave the sizes, so a burst of
 * other load on the machine does not land on one size only. Figures are medians over the rounds.
 */
async function endToEnd(opts, policyLib) {
  const sizes = [{ label: '3 (built-in default rules)', rules: policyLib.DEFAULT_POLICY_RULES }, ...opts.sizes.map((n) => ({ label: `${n} rules`, rules: rulesOf(n) }))];
  for (const size of sizes) {
    size.policy = await call(opts, 'POST', '/v1/policies', { tenantId: opts.tenant, version: `bench-${size.rules.length}-rules`, rules: size.rules });
    size.runs = [];
  }
  for (let round = 1; round <= opts.rounds; round++) {
    for (const size of sizes) {
      await call(opts, 'POST', `/v1/policies/${size.policy.id}/publish`);
      process.stderr.write(`policy-rules: round ${round}/${opts.rounds}: ${size.label} in force (${size.policy.id})\n`);
      size.runs.push(await measure(opts, size.policy.id));
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  return sizes.map(({ label, policy, runs }) => ({
    policy: label,
    policySetId: policy.id,
    throughput: median(runs.map((r) => r.throughput)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p95Ms: median(runs.map((r) => r.p95Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    p95PerRoundMs: runs.map((r) => r.p95Ms),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    decidedAsExpected: runs.every((r) => r.decidedAsExpected),
  }));
}

/** One load run; first checks (simulate) that the policy in force is the expected one and decides allow. */
async function measure(opts, policySetId) {
  const sim = await call(opts, 'POST', '/v1/policies/simulate', {
    tenantId: opts.tenant, agentId: 'bench', resource: { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' },
  });
  const r = await loadActions(opts);
  const executedAll = (r.states.executed ?? 0) === r.succeededMeasured;
  return { decidedAsExpected: sim.policySetId === policySetId && sim.decision === 'allow' && executedAll, throughput: r.actionsPerSecond, p50Ms: r.latencyMs.p50, p95Ms: r.latencyMs.p95, p99Ms: r.latencyMs.p99, errors: r.errorCount };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) return void process.stdout.write(`${HELP}\n`);
  const lib = join(root, 'dist/libs/policy/src/index.js');
  if (!existsSync(lib)) throw new Error(`${lib} is missing: run npm run build`);
  const policyLib = createRequire(import.meta.url)(lib);
  const evaluation = inProcess(policyLib, opts.sizes, opts.iterations);
  const http = opts.url ? await endToEnd(opts, policyLib) : null;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ evaluation, http })}\n`);
  } else {
    const lines = ['== in-process evaluatePolicy (µs per call; compile = first evaluation of a document) ==', 'rules   compile ms   p50 µs   p95 µs   p99 µs'];
    for (const e of evaluation) lines.push(`${String(e.rules).padEnd(8)}${String(e.compileMs).padEnd(13)}${String(e.p50Us).padEnd(9)}${String(e.p95Us).padEnd(9)}${e.p99Us}`);
    if (http) {
      lines.push('', `== POST /v1/actions end to end, open loop ${opts.rate}/s, ${opts.duration} s after ${opts.warmup} s warm-up, tenant ${opts.tenant}, median of ${opts.rounds} round(s) ==`);
      lines.push('policy                       actions/s   p50 ms   p95 ms   p99 ms   errors   decided   p95 per round');
      for (const h of http) {
        lines.push(`${h.policy.padEnd(29)}${String(h.throughput).padEnd(12)}${String(h.p50Ms).padEnd(9)}${String(h.p95Ms).padEnd(9)}${String(h.p99Ms).padEnd(9)}${String(h.errors).padEnd(9)}${(h.decidedAsExpected ? 'ok' : 'WRONG').padEnd(10)}${h.p95PerRoundMs.join(' ')}`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (http && http.some((h) => h.errors > 0 || !h.decidedAsExpected)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`policy-rules: ${err.message}\n`);
  process.exitCode = 1;
});
