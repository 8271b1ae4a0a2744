// What the in-process benchmarks (evidence.mjs, projector-throughput.mjs) share: OARS from
// `npm run build`'s dist/ on a fresh Postgres database and stream prefix, seeded through the API's
// own submit handler, and the machine's signature time measured the way run-bench.sh does.
import { execFileSync, execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
/** A module of the build (`dist/<path>`). */
export const dist = (path) => require(resolve(ROOT, 'dist', path));
export const log = (line) => process.stderr.write(`${line}\n`);
export const fmt = (n, digits = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Runs `npm run build` unless told not to. */
export function build(skip) {
  if (skip) return;
  log('building (npm run build) …');
  execSync('npm run build', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** One Ed25519 signature in µs (bench/probe.mjs signature, as run-bench.sh prints it). */
export function signatureMicros() {
  return Number(execFileSync('node', [resolve(ROOT, 'bench/probe.mjs'), 'signature']).toString());
}

/**
 * A fresh database and stream prefix named after `name`, the config of a runtime on them
 * (`overrides` on top), and `drop()` which removes both.
 */
export async function freshDeployment(name, store, overrides = {}) {
  const { loadConfig } = dist('libs/config/src');
  const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const id = randomBytes(4).toString('hex');
  const database = `oars_bench_${name}_${id}`;
  const prefix = `B${name.slice(0, 3).toUpperCase()}${id.toUpperCase()}`;
  const admin = new pg.Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const config = loadConfig({
    ...process.env,
    OARS_EVENT_STORE: store,
    NATS_URL: process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
    DATABASE_URL: `${PG}/${database}`,
    OARS_STREAM_PREFIX: prefix,
    OARS_SUBJECT_PREFIX: prefix.toLowerCase(),
    OARS_REGION: 'bench',
    OARS_CHECKPOINT_INTERVAL_MS: String(86_400_000),
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  const drop = async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch((e) => log(`drop database: ${e.message}`));
    await admin.end();
    if (store === 'jetstream') execSync(`node ${resolve(ROOT, 'bench/cleanup-streams.mjs')} --prefix ${prefix}`, { stdio: 'ignore' });
  };
  return { config, id, drop };
}

/** A runtime logger that prints errors only. */
export const quietLogger = { info: () => undefined, warn: () => undefined, error: (o, m) => log(`error: ${m ?? ''} ${JSON.stringify(o)}`) };

/**
 * Submits `count` allow-path actions to `tenant` through the API's own submit handler (risk, policy,
 * drafts, the chain writer: 3 receipts each), `window` at a time; resolves with the stream head.
 */
export async function seedActions(runtime, tenant, count, { window = 512, runId = randomBytes(4).toString('hex') } = {}) {
  const { SubmitActionHandler } = dist('apps/api/src/actions/submit-action.handler.js');
  const { SubmitAction } = dist('apps/api/src/actions/submit-action.command.js');
  const { DEV_TOKENS } = dist('apps/api/src/auth/token-registry.js');
  const { token: _t, ...caller } = DEV_TOKENS.find((t) => t.role === 'admin' && t.tenantIds.includes(tenant));
  const handler = new SubmitActionHandler(runtime);
  const t0 = Date.now();
  let issued = 0;
  let done = 0;
  await new Promise((resolveAll, rejectAll) => {
    const launch = () => {
      while (issued < count && issued - done < window) {
        const i = issued++;
        handler
          .execute(new SubmitAction({ tenantId: tenant, agentId: `agent_${i % 100}`, resource: { toolId: 'jira', operation: 'create_ticket', target: 'project:SEC' }, input: { n: i } }, caller, `seed_${runId}_${i}`, null))
          .then(() => {
            done++;
            if (done % 5000 === 0) log(`  seeded ${fmt(done)}/${fmt(count)} actions (${fmt((done * 1000) / (Date.now() - t0))}/s)`);
            if (done === count) resolveAll();
            else launch();
          }, rejectAll);
      }
    };
    if (count === 0) resolveAll();
    else launch();
  });
  const head = (await runtime.store.head(tenant)).sequence;
  log(`seeded ${fmt(count)} actions (${fmt(head)} receipts) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return head;
}
