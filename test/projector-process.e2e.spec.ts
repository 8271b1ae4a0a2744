import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TS_BOOTSTRAP } from '@oars/receipts';
import { TEST_DATABASE_URL } from '@oars/testing';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, TestHttp, actionBody } from './support/http';
import { createTestRuntime } from './support/test-runtime';
import { until } from './support/until';

const ROOT = join(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Nice value of a thread or process, from /proc (field 19 of stat). */
const niceOf = (pid: number) => Number(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

describe('the production topology: an API without projector and the projector process (JetStream + Postgres)', () => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let cleanup: () => Promise<void>;
  let projector: ChildProcess;
  let output = '';
  let sql: import('@oars/db').SqlClient;
  let metricsPort = 0;

  beforeAll(async () => {
    const t = await createTestRuntime('jetstream', { OARS_RUN_PROJECTOR: 'false' });
    cleanup = t.cleanup;
    sql = t.runtime.sql;
    expect(t.runtime.projector).toBeNull();
    app = await createApp(t.runtime, { logger: false });
    http = await TestHttp.listen(app);
    const schema = (sql as unknown as { schema?: string }).schema ?? (await sql.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
    metricsPort = await freePort();
    const databaseUrl = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    projector = spawn(process.execPath, ['-e', TS_BOOTSTRAP], {
      env: {
        PATH: process.env.PATH,
        OARS_TS_ENTRY: join(ROOT, 'apps/projector/src/main.ts'),
        OARS_TS_ROOT: ROOT,
        OARS_EVENT_STORE: 'jetstream',
        NATS_URL: t.config.natsUrl!,
        DATABASE_URL: databaseUrl,
        OARS_REGION: t.config.region,
        OARS_STREAM_PREFIX: t.config.streamPrefix,
        OARS_SUBJECT_PREFIX: t.config.subjectPrefix,
        OARS_CHECKPOINT_INTERVAL_MS: String(t.config.checkpointIntervalMs),
        LOG_LEVEL: 'info',
        OARS_PROJECTOR_METRICS_PORT: String(metricsPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    projector.stdout!.on('data', (d) => (output += d));
    projector.stderr!.on('data', (d) => (output += d));
    await until('the projector to start', async () => output.includes('projector started') || (projector.exitCode !== null && Promise.reject(new Error(output))));
  });

  afterAll(async () => {
    if (projector.exitCode === null) projector.kill('SIGKILL');
    await app?.close();
    await cleanup?.();
  });

  it('projects what the API appends, at a lower CPU priority, serves its own /metrics, and stops cleanly on SIGTERM', async () => {
    expect(niceOf(projector.pid!)).toBe(10);
    const res = await http.post('/v1/actions', actionBody(), ADMIN);
    expect(res.status).toBe(202);
    const row = await until('the action in the read model', async () => (await sql.query<{ state: string }>('SELECT state FROM actions WHERE action_id = $1', [res.body.actionId])).rows[0]);
    expect(row.state).toBe('executed');
    const receipts = await until('three receipts', async () => {
      const { rows } = await sql.query<{ n: string }>('SELECT count(*) AS n FROM receipts WHERE action_id = $1', [res.body.actionId]);
      return Number(rows[0]!.n) === 3;
    });
    expect(receipts).toBe(true);
    // The API process reads what the other process projected.
    const got = await http.get(`/v1/actions/${res.body.actionId}`, ADMIN);
    expect(got.body.action).toMatchObject({ id: res.body.actionId, state: 'executed' });
    // The integrity verifier re-checks the new receipts in its own thread, at the lowest priority.
    const threads = () => readdirSync(`/proc/${projector.pid}/task`).map((tid) => niceOf(Number(tid)));
    await until('the integrity worker thread', async () => threads().includes(19));
    expect(threads().filter((n) => n !== 19 && n !== 10)).toEqual([]); // V8's own threads included
    // Its own /metrics: the verifier's figures live in this process only.
    const verified = await until('the verifier in the projector metrics', async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const match = /^oars_integrity_verified_receipts (\d+)/m.exec(text);
      return match && Number(match[1]) >= 4 && text;
    });
    expect(verified).toMatch(/^oars_integrity_lag_events \d+/m);
    expect(verified).toMatch(/^oars_integrity_rate_limit 1000$/m); // a handful of appends: the full rate
    expect(verified).toMatch(/^oars_process_\w*cpu_user_seconds_total \S+/m);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
    const exited = new Promise<number | null>((resolve) => projector.once('exit', (code) => resolve(code)));
    projector.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('shutting down');
  });
});
