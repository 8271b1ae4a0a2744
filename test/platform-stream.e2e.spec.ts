import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PLATFORM_STREAM } from '@oars/eventstore';
import { PlatformStream, aggregateDraft } from '@oars/ledger';
import { listDeadLetters } from '@oars/readmodels';
import type { Receipt } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { verifyCommand, type VerifyReport } from '../apps/cli/src/commands/verify.command';
import { createApp } from '../apps/api/src/bootstrap';
import { TokenRegistry } from '../apps/api/src/auth/token-registry';
import { ADMIN, AUDITOR, OPERATOR, TestHttp, actionBody } from './support/http';
import { type StoreMode, createTestRuntime } from './support/test-runtime';
import { until } from './support/until';

async function oarsVerify(args: string[]): Promise<{ code: number; report: VerifyReport }> {
  const out: string[] = [];
  const code = await verifyCommand([...args, '--json'], { out: (l) => out.push(l), err: () => undefined });
  return { code, report: JSON.parse(out.join('\n')) as VerifyReport };
}

describe.each<StoreMode>(['embedded', 'jetstream'])('the platform stream over HTTP and the CLI (%s)', (mode) => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let runtime: Runtime;
  let cleanup: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    const t = await createTestRuntime(mode);
    runtime = t.runtime;
    cleanup = t.cleanup;
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
    dir = mkdtempSync(join(tmpdir(), 'oars-platform-'));
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes its keys and receipts, and oars verify accepts the whole chain', async () => {
    const platform = new PlatformStream(runtime.writer);
    for (let n = 1; n <= 3; n++) {
      await platform.write(() => ({ drafts: [aggregateDraft(`rcpt_release${n}`, 'release.recorded', `release.r${n}`, { version: `1.${n}.0` })], finish: () => null }));
    }
    const keys = await http.get('/v1/trust/platform/keys');
    expect(keys.status).toBe(200);
    expect(keys.body).toMatchObject({ stream: PLATFORM_STREAM, region: 'test' });
    expect(keys.body.items).toHaveLength(1);

    const exported = await http.get('/v1/admin/platform/receipts', AUDITOR);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (exported.body as string).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as Receipt).type)).toEqual(['key.generated', 'release.recorded', 'release.recorded', 'release.recorded']);
    expect((await http.get('/v1/admin/platform/receipts', ADMIN)).status).toBe(200);
    expect((await http.get('/v1/admin/platform/receipts', OPERATOR)).status).toBe(403);
    expect((await http.get('/v1/admin/platform/receipts')).status).toBe(401);

    const receiptsFile = join(dir, `${mode}-platform.ndjson`);
    const keysFile = join(dir, `${mode}-platform-keys.json`);
    writeFileSync(receiptsFile, exported.body as string);
    writeFileSync(keysFile, JSON.stringify(keys.body));
    const ok = await oarsVerify([receiptsFile, '--keys', keysFile, '--expect-first-sequence', '1']);
    expect(ok.code).toBe(0);
    expect(ok.report).toMatchObject({ checked: 4, isValid: true, verificationErrors: [] });

    // A forged platform receipt (another version in a signed release record) does not verify.
    const forged = lines.map((l, i) => (i === 2 ? JSON.stringify({ ...JSON.parse(l), data: { version: '6.6.6' } }) : l));
    writeFileSync(receiptsFile, `${forged.join('\n')}\n`);
    const bad = await oarsVerify([receiptsFile, '--keys', keysFile, '--expect-first-sequence', '1']);
    expect(bad.code).toBe(1);
    expect(bad.report.verificationErrors).toEqual(expect.arrayContaining([expect.stringMatching(/^Sequence 3 .*Receipt hash mismatch/)]));
  });

  it('is followed by the read models to its head without a dead letter', async () => {
    const head = (await runtime.store.head(PLATFORM_STREAM)).sequence;
    expect(head).toBeGreaterThan(1);
    await expect(runtime.waitForPosition(PLATFORM_STREAM, head)).resolves.toBe(true);
    expect(await listDeadLetters(runtime.sql, { tenantIds: [PLATFORM_STREAM] })).toEqual([]);
  });

  it('is no tenant: no tenant route reaches it, and tenant views do not show it', async () => {
    const before = (await runtime.store.head(PLATFORM_STREAM)).sequence;
    const submitted = await http.post('/v1/actions', actionBody({ tenantId: PLATFORM_STREAM }), ADMIN);
    expect(submitted.status).toBe(403);
    expect(submitted.body.error.code).toBe('tenant_forbidden');
    expect((await http.get(`/v1/receipts?tenantId=${PLATFORM_STREAM}`, ADMIN)).status).toBe(403);
    const trust = await http.get(`/v1/trust/tenants/${PLATFORM_STREAM}/keys`);
    expect(trust.status).toBe(400);
    expect(trust.body.error.code).toBe('invalid_id');
    expect((await runtime.store.head(PLATFORM_STREAM)).sequence).toBe(before);

    const integrity = await http.get('/v1/admin/ops/integrity', ADMIN);
    expect(integrity.status).toBe(200);
    expect(integrity.body.items.map((i: { tenantId: string }) => i.tenantId)).toEqual(['tenant_alpha', 'tenant_bravo', 'tenant_enterprise']);
    expect(integrity.body.platform).toMatchObject({ tenantId: PLATFORM_STREAM });
    // The verifier running beside the projector checks the platform stream to its head.
    const checked = await until('the platform stream verified to its head', async () => {
      const platform = (await http.get('/v1/admin/ops/integrity', ADMIN)).body.platform;
      return platform.position === before && platform;
    });
    expect(checked).toMatchObject({ lastResult: 'ok', findingsTotal: 0 });
    expect((await http.get('/v1/admin/ops/integrity', AUDITOR)).body.platform).toMatchObject({ tenantId: PLATFORM_STREAM });
    const operatorView = await http.get('/v1/admin/ops/integrity', OPERATOR);
    expect(operatorView.status).toBe(200);
    expect(JSON.stringify(operatorView.body)).not.toContain(PLATFORM_STREAM);
    const dashboard = await http.get('/v1/admin/ops/dashboard?tenantId=tenant_bravo', ADMIN);
    expect(dashboard.status).toBe(200);
    expect(JSON.stringify(dashboard.body)).not.toContain(PLATFORM_STREAM);
  });

  it('cannot be granted to a token as a tenant', () => {
    const tokens = JSON.stringify([{ token: 'platform_grab_token_0001', subject: 'mallory', role: 'admin', tenantIds: ['tenant_alpha', PLATFORM_STREAM], scopes: ['actions:write'] }]);
    expect(() => TokenRegistry.fromConfig(tokens, false)).toThrow(/tenantIds must not name _platform/);
  });
});
