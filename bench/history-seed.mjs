#!/usr/bin/env node
// Stored history for bench/history-growth.sh: seeds a tenant with actions through the API's own
// write path, in process, and reports how far the projector and the integrity verifier are.
//
//   node bench/history-seed.mjs seed   --tenant T --to N [--window W] [--max-failures F]   grow the tenant to N actions
//   node bench/history-seed.mjs wait   --tenant T [--timeout S]          until the read models reach the head
//   node bench/history-seed.mjs status --tenant T                        one JSON line of figures
//
// Configuration comes from the environment, as the server reads it (libs/config: OARS_EVENT_STORE,
// NATS_URL, DATABASE_URL, OARS_REGION, OARS_STREAM_PREFIX, OARS_SUBJECT_PREFIX,
// OARS_KEY_ENCRYPTION_SECRET), so the API and the projector started with the same variables find
// the same key vault, stream and read models. `seed` builds the runtime from `npm run build`'s
// dist/ (createRuntime without a projector) and runs the API's SubmitActionHandler itself: the same
// risk scoring, policy decision, receipt drafts and TenantChainWriter (chained, signed with the
// tenant's key, group-committed up to 256 actions per append) as `POST /v1/actions`, minus HTTP.
// Only the HTTP edge (Fastify, the guard, validation) is skipped, so the seeded receipts and read
// model rows are of the same kind as the load's: one allow-path action = requested, approved and
// executed receipts. Stop the API while seeding: two writers on one tenant stream would keep losing
// the expected-sequence race to each other (correct, but slow).
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dist = (path) => require(resolve(ROOT, 'dist', path));

const USAGE = 'usage: history-seed.mjs seed|wait|status --tenant T [--to N] [--window W] [--max-failures F] [--timeout S]';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    tenant: { type: 'string', default: 'tenant_alpha' },
    to: { type: 'string' },
    window: { type: 'string', default: '1024' },
    timeout: { type: 'string', default: '7200' },
    'max-failures': { type: 'string', default: '10000' },
  },
});
const mode = positionals[0];
function usage(message) {
  process.stderr.write(`history-seed: ${message}\n${USAGE}\n`);
  process.exit(2);
}
if (!['seed', 'wait', 'status'].includes(mode)) usage('the first argument must be seed, wait or status');
const positive = (name) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a positive integer, got "${values[name]}"`);
  return n;
};
if (mode === 'seed' && values.to === undefined) usage('seed needs --to N');

const { loadConfig } = dist('libs/config/src');
const { createRuntime } = dist('libs/runtime/src');
const { readProjectionStatus, readCheckpoint } = dist('libs/readmodels/src');
const { SubmitActionHandler } = dist('apps/api/src/actions/submit-action.handler.js');
const { SubmitAction } = dist('apps/api/src/actions/submit-action.command.js');
const { DEV_TOKENS } = dist('apps/api/src/auth/token-registry.js');

const log = (line) => process.stderr.write(`${line}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const logger = {
  info: () => undefined,
  warn: (obj, msg) => log(`warn: ${msg ?? ''} ${typeof obj === 'string' ? obj : JSON.stringify(obj)}`),
  error: (obj, msg) => log(`error: ${msg ?? ''} ${typeof obj === 'string' ? obj : JSON.stringify(obj)}`),
};

const config = loadConfig(process.env);
if (config.eventStore !== 'jetstream') usage('OARS_EVENT_STORE=jetstream is required (this benchmark measures the production topology)');
const tenant = values.tenant;
const runtime = await createRuntime(config, { runProjector: false, logger });

async function storedActions() {
  const { rows } = await runtime.sql.query('SELECT count(*)::bigint AS n FROM actions WHERE tenant_id = $1', [tenant]);
  return Number(rows[0].n);
}

async function projectionOf() {
  const found = (await readProjectionStatus(runtime.store, runtime.sql)).find((s) => s.tenant === tenant);
  return found ?? { tenant, position: 0, head: 0, lag: 0 };
}

async function checkpoint(projection) {
  const { rows } = await runtime.sql.query('SELECT position FROM projection_checkpoints WHERE projection = $1 AND stream = $2', [projection, tenant]);
  return rows.length ? Number(rows[0].position) : 0;
}

/** Waits until the read models have applied the tenant's stream up to its head. */
async function waitCaughtUp(timeoutSeconds) {
  const t0 = Date.now();
  let last = { at: t0, position: null };
  let nextReport = t0;
  for (;;) {
    const s = await projectionOf();
    const now = Date.now();
    if (s.lag === 0) {
      log(`read models at the stream head (${fmt(s.head)}) after ${((now - t0) / 1000).toFixed(1)} s`);
      return s;
    }
    if (now >= nextReport) {
      const rate = last.position === null ? null : ((s.position - last.position) * 1000) / (now - last.at);
      const eta = rate ? ` ETA ${Math.ceil(s.lag / rate)} s` : '';
      log(`[${((now - t0) / 1000).toFixed(0).padStart(5)} s] projector at ${fmt(s.position)} of ${fmt(s.head)} (lag ${fmt(s.lag)}${rate === null ? '' : `, ${fmt(rate)} receipts/s`})${eta}`);
      last = { at: now, position: s.position };
      nextReport = now + 5000;
    }
    if (now - t0 > timeoutSeconds * 1000) throw new Error(`read models still ${s.lag} receipt(s) behind after ${timeoutSeconds} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Submits `count` allow-path actions through the API's handler, `window` at a time. */
async function seed(count, window, maxFailures) {
  const { token: _token, ...caller } = DEV_TOKENS.find((t) => t.role === 'admin' && t.tenantIds.includes(tenant)) ?? usage(`no dev token reaches ${tenant}`);
  const handler = new SubmitActionHandler(runtime);
  const runId = randomBytes(4).toString('hex');
  const body = (i) => ({
    tenantId: tenant,
    agentId: `seed_agent_${i % 1000}`,
    resource: { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' },
    input: { summary: `seed ${runId} ${i}` },
  });
  const states = {};
  let issued = 0;
  let ok = 0;
  let inflight = 0;
  let failed = 0;
  let lastError = null;
  let pausedUntil = 0;
  const t0 = Date.now();
  let last = { at: t0, ok: 0 };
  const progress = setInterval(() => {
    const now = Date.now();
    const rate = ((ok - last.ok) * 1000) / (now - last.at);
    const head = runtime.writer.knownHead(tenant) ?? 0;
    readCheckpoint(runtime.sql, tenant).then((position) => {
      const eta = rate > 0 ? ` ETA ${Math.ceil((count - ok) / rate)} s` : '';
      log(
        `[${((now - t0) / 1000).toFixed(0).padStart(5)} s] seeded ${fmt(ok)}/${fmt(count)} (${fmt(rate)} actions/s, ` +
          `${rate > 0 ? (100_000 / rate).toFixed(0) : '-'} s per 100k) stream head ${fmt(head)}, projector at ${fmt(position)} (lag ${fmt(head - position)})` +
          `${failed ? `, ${fmt(failed)} failed` : ''}${eta}`,
      );
    }, () => undefined);
    last = { at: now, ok };
  }, 5000);
  // A failed submission (NATS restarting under other work on a shared machine, say) is replaced by a
  // new action after a 1 s pause; more than `maxFailures` failures abort the seed.
  await new Promise((resolveAll) => {
    const giveUp = () => failed > maxFailures;
    const launch = () => {
      if (Date.now() < pausedUntil) return;
      while (!giveUp() && ok + inflight < count && inflight < window) {
        const i = issued++;
        inflight++;
        handler
          .execute(new SubmitAction(body(i), caller, `seed_${runId}_${i}`, null))
          .then(({ response }) => {
            ok++;
            states[response.state] = (states[response.state] ?? 0) + 1;
          })
          .catch((err) => {
            failed++;
            lastError = err;
            if (Date.now() >= pausedUntil) {
              log(`submission failed (${failed} so far): ${err?.message ?? err}; pausing 1 s`);
              pausedUntil = Date.now() + 1000;
              setTimeout(launch, 1000);
            }
          })
          .finally(() => {
            inflight--;
            if (ok === count || (giveUp() && inflight === 0)) resolveAll();
            else launch();
          });
      }
    };
    if (count === 0) resolveAll();
    else launch();
  });
  clearInterval(progress);
  const seconds = (Date.now() - t0) / 1000;
  log(
    `seeded ${fmt(ok)} actions in ${seconds.toFixed(1)} s (${fmt(ok / seconds)} actions/s, ${((seconds * 100_000) / Math.max(1, ok)).toFixed(1)} s per 100k); ` +
      `states ${JSON.stringify(states)}${failed ? `; ${failed} failed submission(s) replaced` : ''}`,
  );
  if (ok < count) throw new Error(`${failed} submission(s) failed (more than ${maxFailures}), last: ${lastError?.message ?? lastError}`);
  return { seeded: ok, seconds, failed };
}

/** The figures printed beside a measurement. */
async function status() {
  const jsm = await jetstreamManager(runtime.store.connection);
  // The tenant stream's name, as JetStreamNaming (libs/eventstore) builds it.
  const info = await jsm.streams.info(`${config.streamPrefix}_${config.region.toUpperCase()}_${tenant}`);
  const s = await projectionOf();
  const integrity = await checkpoint('integrity');
  const { rows: findings } = await runtime.sql.query('SELECT findings_total, last_result FROM integrity_status WHERE tenant_id = $1', [tenant]);
  const { rows: dead } = await runtime.sql.query("SELECT count(*)::int AS n FROM projection_dead_letters WHERE tenant_id = $1 AND status <> 'resolved'", [tenant]);
  const { rows: db } = await runtime.sql.query('SELECT pg_database_size(current_database())::bigint AS bytes');
  return {
    tenant,
    storedActions: await storedActions(),
    streamMessages: info.state.messages,
    streamBytes: info.state.bytes,
    databaseBytes: Number(db[0].bytes),
    readModelPosition: s.position,
    readModelLag: s.lag,
    integrityPosition: integrity,
    integrityLag: Math.max(0, info.state.last_seq - integrity),
    integrityFindings: findings.length ? Number(findings[0].findings_total) : 0,
    integrityLastResult: findings.length ? findings[0].last_result : null,
    deadLetters: dead[0].n,
  };
}

let exitCode = 0;
try {
  const timeout = positive('timeout');
  if (mode === 'seed') {
    const target = positive('to');
    const window = positive('window');
    await waitCaughtUp(timeout); // so the count below is the stream's, not a lagging read model's
    const have = await storedActions();
    if (have >= target) log(`${tenant} already has ${fmt(have)} actions (target ${fmt(target)}): nothing to seed`);
    else {
      log(`seeding ${fmt(target - have)} actions into ${tenant} (has ${fmt(have)}, target ${fmt(target)}), ${window} in flight`);
      const { seeded, seconds, failed } = await seed(target - have, window, positive('max-failures'));
      process.stdout.write(`${JSON.stringify({ seeded, seconds, failed, secondsPer100k: (seconds * 100_000) / Math.max(1, seeded) })}\n`);
    }
  } else if (mode === 'wait') {
    const t0 = Date.now();
    await waitCaughtUp(timeout);
    process.stdout.write(`${JSON.stringify({ caughtUpSeconds: (Date.now() - t0) / 1000 })}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(await status())}\n`);
  }
} catch (err) {
  log(`history-seed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  await runtime.close();
}
process.exit(exitCode);
