import { type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OarsConfig } from '@oars/config';
import { ExecutionConsumer } from '@oars/connectors';
import { TENANT_SETTINGS_SUBJECTS, alertIdOf } from '@oars/domain';
import { TenantChainWriter } from '@oars/ledger';
import { type Receipt, deriveKek, hashCanonical, sha256Hex } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, AUDITOR, OPERATOR, TestHttp, actionBody } from './support/http';
import { type StoreMode, createTestRuntime } from './support/test-runtime';
import { until } from './support/until';

interface Call {
  path: string;
  idempotencyKey: string | undefined;
  body: { actionId: string; tenantId: string; toolId: string; operation: string; target: string; input: Record<string, unknown> };
}

/** What the local connector endpoint answers on /ok (a pure function of the request). */
const answerFor = (body: Call['body']) => ({ recordId: `CRM-${body.actionId.slice(-6)}`, status: 'created', echo: body.input });

/** A connector endpoint on 127.0.0.1 that records every call: /ok answers, /fail is a 500, /slow never answers. */
async function startEndpoint(): Promise<{ calls: Call[]; port: number; close: () => Promise<void> }> {
  const calls: Call[] = [];
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(text) as Call['body'];
      calls.push({ path: req.url ?? '', idempotencyKey: req.headers['idempotency-key'] as string | undefined, body });
      if (req.url === '/ok') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answerFor(body)));
      else if (req.url === '/fail') res.writeHead(500).end('{"error":"crm is down"}');
      else held.push(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    calls,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      held.forEach((res) => res.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const connectorsAt = (port: number) =>
  JSON.stringify([
    { toolId: 'crm', url: `http://127.0.0.1:${port}/ok`, allowPrivateNetwork: true },
    { toolId: 'crm_broken', url: `http://127.0.0.1:${port}/fail`, allowPrivateNetwork: true },
    { toolId: 'crm_slow', url: `http://127.0.0.1:${port}/slow`, timeoutMs: 3000, allowPrivateNetwork: true },
    // Without allowPrivateNetwork: an IP literal, and a name the resolver maps to loopback.
    { toolId: 'crm_private', url: `http://127.0.0.1:${port}/ok` },
    { toolId: 'crm_localhost', url: `http://localhost:${port}/ok` },
  ]);

const crm = (toolId = 'crm', input: Record<string, unknown> = { name: 'Ada' }) => actionBody({ resource: { toolId, operation: 'create_record', target: 'account:42' }, input });
const agentTool = () => actionBody({ resource: { toolId: 'agent_shell', operation: 'lookup', target: 'host:build-7' }, input: { cmd: 'uptime' } });
const needsApproval = () => actionBody({ resource: { toolId: 'iam', operation: 'change_permissions', target: 'prod:finance' }, input: {} });

/** Polls `check` until it returns a value, failing after a deadline (no fixed sleeps). */
describe.each<StoreMode>(['embedded', 'jetstream'])('action lifecycle end to end over HTTP (%s event store)', (mode) => {
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  let app: NestFastifyApplication;
  let http: TestHttp;
  let runtime: Runtime;
  let config: OarsConfig;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    endpoint = await startEndpoint();
    const t = await createTestRuntime(mode, { OARS_HTTP_CONNECTORS: connectorsAt(endpoint.port) });
    ({ runtime, config, cleanup } = t);
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
    await endpoint.close();
  });

  const submit = async (body: Record<string, unknown>, token = ADMIN, headers?: Record<string, string>) => {
    const res = await http.post('/v1/actions', body, token, headers);
    expect(res.status).toBe(202);
    return res.body as { actionId: string; state: string; receiptId: string };
  };
  const actionOf = async (actionId: string) => (await http.get(`/v1/actions/${actionId}`, ADMIN)).body as { action: { state: string }; receipts: Receipt[] };
  const stateOf = async (actionId: string) => (await actionOf(actionId)).action.state;
  const settled = (actionId: string, state: string) => until(`${actionId} ${state}`, async () => ((await actionOf(actionId)).action?.state === state ? actionOf(actionId) : null));
  const callsFor = (actionId: string) => endpoint.calls.filter((c) => c.body.actionId === actionId);
  const expectVerified = async (receiptId: string) => {
    const verified = await http.post('/v1/receipts/verify', { receiptId }, AUDITOR);
    expect(verified.body).toEqual({ isSignatureValid: true, isChainValid: true, isSchemaValid: true, verificationErrors: [] });
  };
  const alertOf = async (actionId: string, code: 'EXECUTION_FAILED') =>
    ((await runtime.store.lastBySubject('tenant_alpha', `alert.${alertIdOf(actionId, code)}`))?.data as unknown as Receipt | undefined)?.data.alert;
  const storedInputs = async (actionId: string) => Number((await runtime.sql.query<{ n: string }>('SELECT count(*) AS n FROM connector_requests WHERE action_id = $1', [actionId])).rows[0]!.n);

  describe('cancel', () => {
    it('cancels an action waiting for approval: the approval ends canceled, a repeat answers the same receipt, the chain verifies', async () => {
      const pending = await submit(needsApproval(), OPERATOR);
      expect(pending.state).toBe('approval_required');
      const canceled = await http.post(`/v1/actions/${pending.actionId}/cancel`, { reason: 'not needed any more' }, OPERATOR);
      expect(canceled.status).toBe(200);
      expect(canceled.body).toEqual({ actionId: pending.actionId, state: 'canceled', receiptId: expect.stringMatching(/^rcpt_/), error: 'Action canceled by operator_user.' });
      const again = await http.request('POST', `/v1/actions/${pending.actionId}/cancel`, { token: OPERATOR });
      expect(again.status).toBe(200);
      expect(again.body.receiptId).toBe(canceled.body.receiptId);

      const { action, receipts } = await actionOf(pending.actionId);
      expect(action.state).toBe('canceled');
      expect(receipts.map((r) => r.type)).toEqual(['action.requested', 'action.approval_required', 'action.canceled']);
      expect(receipts[2]!.data).toMatchObject({ canceledBy: 'operator_user', reasonHash: sha256Hex('not needed any more'), approval: { status: 'canceled' } });
      expect(receipts[2]!.policy).toEqual(receipts[1]!.policy);
      expect(JSON.stringify(receipts)).not.toContain('not needed any more');
      await expectVerified(canceled.body.receiptId);
      const approvalId = (receipts[1]!.data as { approvalId: string }).approvalId;
      const decision = await http.post(`/v1/approvals/${approvalId}/decision`, { decision: 'approve', reason: 'looks fine', stepUpCode: 'stepup_dev_code' }, ADMIN);
      expect({ status: decision.status, code: decision.body.error?.code }).toEqual({ status: 409, code: 'approval_not_pending' });
    });

    it('cancels an action approved for its agent (an admin may cancel anyone\'s); its result is refused afterwards', async () => {
      const approved = await submit(agentTool(), OPERATOR);
      expect(approved.state).toBe('approved');
      const canceled = await http.post(`/v1/actions/${approved.actionId}/cancel`, {}, ADMIN);
      expect(canceled.body).toMatchObject({ state: 'canceled', error: 'Action canceled by admin_user.' });
      const late = await http.post(`/v1/actions/${approved.actionId}/result`, { status: 'executed', outputHash: 'a'.repeat(64) }, OPERATOR);
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('action_not_awaiting_result');
      await expectVerified(canceled.body.receiptId);
    });

    it('refuses what is not pending (409), other requesters (403), other tenants (404) and bad input (400)', async () => {
      const executed = await submit(actionBody());
      const denied = await submit(actionBody({ resource: { toolId: 'database', operation: 'drop_database', target: 'db:prod' } }));
      for (const id of [executed.actionId, denied.actionId]) {
        const res = await http.post(`/v1/actions/${id}/cancel`, {}, ADMIN);
        expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 409, code: 'action_not_cancelable' });
      }
      const adminsPending = await submit(needsApproval(), ADMIN);
      const stranger = await http.post(`/v1/actions/${adminsPending.actionId}/cancel`, {}, OPERATOR);
      expect({ status: stranger.status, code: stranger.body.error.code }).toEqual({ status: 403, code: 'not_action_requester' });
      const foreign = await submit(actionBody({ tenantId: 'tenant_enterprise', resource: needsApproval().resource }));
      expect((await http.post(`/v1/actions/${foreign.actionId}/cancel`, {}, OPERATOR)).status).toBe(404);
      expect((await http.post('/v1/actions/act_nothing_here/cancel', {}, ADMIN)).status).toBe(404);
      expect((await http.post('/v1/actions/act%20bad/cancel', {}, ADMIN)).status).toBe(400);
      expect((await http.post(`/v1/actions/${adminsPending.actionId}/cancel`, {}, AUDITOR)).body.error.code).toBe('forbidden');
      const short = await http.post(`/v1/actions/${adminsPending.actionId}/cancel`, { reason: 'no' }, ADMIN);
      expect(short.status).toBe(400);
      expect(short.body.error.message).toContain('reason');
      expect((await http.post(`/v1/actions/${adminsPending.actionId}/cancel`, { why: 'x' }, ADMIN)).body.error.message).toContain('why');
      expect(await stateOf(adminsPending.actionId)).toBe('approval_required');
    });
  });

  describe('agent-executed actions', () => {
    it('records the agent\'s executed report once; the same report answers the same receipt, another is refused', async () => {
      const approved = await submit(agentTool(), OPERATOR);
      const before = await actionOf(approved.actionId);
      expect(before.receipts.map((r) => [r.type, r.data.executedBy])).toEqual([['action.requested', undefined], ['action.approved', 'agent']]);
      const outputHash = hashCanonical({ uptime: '3 days' });
      const reported = await http.post(`/v1/actions/${approved.actionId}/result`, { status: 'executed', outputHash }, OPERATOR);
      expect(reported.status).toBe(200);
      expect(reported.body).toMatchObject({ state: 'executed', output: { referenceId: `exec_${approved.actionId}`, outputHash } });
      const again = await http.post(`/v1/actions/${approved.actionId}/result`, { status: 'executed', outputHash }, OPERATOR);
      expect(again.body.receiptId).toBe(reported.body.receiptId);
      for (const other of [{ status: 'executed', outputHash: 'b'.repeat(64) }, { status: 'failed', error: 'oops' }]) {
        const res = await http.post(`/v1/actions/${approved.actionId}/result`, other, OPERATOR);
        expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 409, code: 'action_not_awaiting_result' });
      }
      const { receipts } = await settled(approved.actionId, 'executed');
      expect(receipts.at(-1)!.data).toEqual({ referenceId: `exec_${approved.actionId}`, outputHash, reportedBy: 'operator_user' });
      await expectVerified(reported.body.receiptId);
    });

    it('records a failed report with the EXECUTION_FAILED alert', async () => {
      const approved = await submit(agentTool(), OPERATOR);
      const failed = await http.post(`/v1/actions/${approved.actionId}/result`, { status: 'failed', error: 'Host unreachable.' }, ADMIN);
      expect(failed.body).toMatchObject({ state: 'failed', error: 'Host unreachable.' });
      expect(await alertOf(approved.actionId, 'EXECUTION_FAILED')).toMatchObject({ code: 'EXECUTION_FAILED', metadata: { error: 'Host unreachable.' } });
      await expectVerified(failed.body.receiptId);
    });

    it('refuses bad reports (400), other reporters (403), and actions OARS executes (409)', async () => {
      const approved = await submit(agentTool(), OPERATOR);
      const path = `/v1/actions/${approved.actionId}/result`;
      const cases: Array<[unknown, string]> = [
        [{ status: 'executed' }, 'outputHash'],
        [{ status: 'failed' }, 'error'],
        [{ status: 'done', outputHash: 'a'.repeat(64) }, 'status'],
        [{ status: 'executed', outputHash: 'A'.repeat(64) }, 'outputHash'],
        [{ status: 'failed', error: 'x'.repeat(2001) }, 'error'],
        [{ status: 'executed', outputHash: 'a'.repeat(64), error: 'both' }, 'error'],
      ];
      for (const [body, field] of cases) {
        const res = await http.post(path, body, OPERATOR);
        expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 400, code: 'validation_error' });
        expect(res.body.error.message).toContain(field);
      }
      const adminsAction = await submit(agentTool(), ADMIN);
      const stranger = await http.post(`/v1/actions/${adminsAction.actionId}/result`, { status: 'failed', error: 'x' }, OPERATOR);
      expect({ status: stranger.status, code: stranger.body.error.code }).toEqual({ status: 403, code: 'not_action_requester' });
      for (const body of [actionBody(), crm()]) {
        const byOars = await submit(body, OPERATOR);
        const res = await http.post(`/v1/actions/${byOars.actionId}/result`, { status: 'executed', outputHash: 'a'.repeat(64) }, OPERATOR);
        expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 409, code: 'action_not_awaiting_result' });
      }
      expect(await stateOf(approved.actionId)).toBe('approved');
    });
  });

  describe('HTTP connector', () => {
    it('answers approved at once, then calls the endpoint once and records executed with the hash of its answer', async () => {
      const submitted = await submit(crm('crm', { name: 'Ada', tier: 'gold' }));
      expect(submitted.state).toBe('approved');
      const { receipts } = await settled(submitted.actionId, 'executed');
      expect(receipts.map((r) => r.type)).toEqual(['action.requested', 'action.approved', 'action.executed']);
      expect(receipts[1]!.data.executedBy).toBe('http');
      const [call, ...more] = callsFor(submitted.actionId);
      expect(more).toHaveLength(0);
      expect(call).toEqual({
        path: '/ok',
        idempotencyKey: submitted.actionId,
        body: { actionId: submitted.actionId, tenantId: 'tenant_alpha', toolId: 'crm', operation: 'create_record', target: 'account:42', input: { name: 'Ada', tier: 'gold' } },
      });
      expect(receipts[2]!.data).toEqual({ referenceId: `exec_${submitted.actionId}`, outputHash: hashCanonical(answerFor(call!.body)) });
      expect(JSON.stringify(receipts)).not.toContain('gold');
      await until('input forgotten', async () => (await storedInputs(submitted.actionId)) === 0);
      await expectVerified(receipts[2]!.receiptId);
    });

    it('records a failing endpoint (HTTP 500) as failed, with the EXECUTION_FAILED alert', async () => {
      const submitted = await submit(crm('crm_broken'));
      const { receipts } = await settled(submitted.actionId, 'failed');
      expect(receipts.at(-1)!.data).toEqual({ error: 'HTTP connector "crm_broken" answered HTTP 500.' });
      expect(await alertOf(submitted.actionId, 'EXECUTION_FAILED')).toMatchObject({ metadata: { toolId: 'crm_broken', error: 'HTTP connector "crm_broken" answered HTTP 500.' } });
      await expectVerified(receipts.at(-1)!.receiptId);
    });

    it('fails a slow endpoint at its timeout, while other requests and executions go on meanwhile', async () => {
      const slow = await submit(crm('crm_slow'));
      await until('the slow call', async () => callsFor(slow.actionId).length === 1);
      expect((await http.get('/health')).status).toBe(200);
      const inline = await submit(actionBody());
      expect(inline.state).toBe('executed');
      const fast = await submit(crm());
      await settled(fast.actionId, 'executed');
      // The fast execution finished while the slow call was still waiting for its endpoint.
      expect(await stateOf(slow.actionId)).toBe('approved');
      const { receipts } = await settled(slow.actionId, 'failed');
      expect(receipts.at(-1)!.data).toEqual({ error: 'HTTP connector "crm_slow" did not answer within 3000 ms.' });
      expect(callsFor(slow.actionId)).toHaveLength(1);
    });

    it('calls once per action id when the submission is retried, also concurrently, and keeps no stray input', async () => {
      const key = `crm-once-${mode}`;
      const answers = await Promise.all(Array.from({ length: 6 }, () => http.post('/v1/actions', crm(), ADMIN, { 'idempotency-key': key })));
      expect(answers.every((a) => a.status === 202)).toBe(true);
      const actionId = answers[0]!.body.actionId as string;
      expect(new Set(answers.map((a) => a.body.actionId))).toEqual(new Set([actionId]));
      await settled(actionId, 'executed');
      await until('input forgotten', async () => (await storedInputs(actionId)) === 0);
      const late = await http.post('/v1/actions', crm(), ADMIN, { 'idempotency-key': key });
      expect(late.body).toMatchObject({ actionId, state: 'executed' });
      expect(await storedInputs(actionId)).toBe(0);
      expect(callsFor(actionId)).toHaveLength(1);
      expect(callsFor(actionId)[0]!.idempotencyKey).toBe(actionId);
    });

    it('calls once per action id when two consumers race for the same streams', async () => {
      const writer = new TenantChainWriter({ store: runtime.store, vault: runtime.vault, kek: deriveKek(config.keyEncryptionSecret), region: config.region, settingsSubjects: TENANT_SETTINGS_SUBJECTS });
      const rival = new ExecutionConsumer({ store: runtime.store, sql: runtime.sql, writer, connectors: config.httpConnectors, pollIntervalMs: 50 });
      await rival.start();
      try {
        const submitted = await Promise.all(Array.from({ length: 8 }, (_, i) => submit(crm('crm', { name: `race-${i}` }))));
        for (const { actionId } of submitted) await settled(actionId, 'executed');
        expect(submitted.map(({ actionId }) => callsFor(actionId).length)).toEqual(submitted.map(() => 1));
        for (const { actionId } of submitted) expect((await actionOf(actionId)).receipts.map((r) => r.type)).toEqual(['action.requested', 'action.approved', 'action.executed']);
      } finally {
        await rival.stop();
      }
    });

    it('refuses private-network targets unless allowPrivateNetwork is set, without calling them', async () => {
      for (const toolId of ['crm_private', 'crm_localhost']) {
        const submitted = await submit(crm(toolId));
        const { receipts } = await settled(submitted.actionId, 'failed');
        expect(receipts.at(-1)!.data.error).toMatch(new RegExp(`^HTTP connector "${toolId}" target refused: .*private network address \\(set allowPrivateNetwork to allow it\\)\\.$`));
        expect(callsFor(submitted.actionId)).toHaveLength(0);
      }
    });

    it('reports the consumer in readiness', async () => {
      const ready = await http.get('/health/ready');
      expect(ready.body.components.executions.state).toMatch(/OK|WARN/);
    });
  });
});

describe('POST /v1/actions waiting for a fast HTTP connector (OARS_CONNECTOR_WAIT_MS)', () => {
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  let app: NestFastifyApplication;
  let http: TestHttp;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    endpoint = await startEndpoint();
    const t = await createTestRuntime('embedded', { OARS_HTTP_CONNECTORS: connectorsAt(endpoint.port), OARS_CONNECTOR_WAIT_MS: '10000' });
    cleanup = t.cleanup;
    app = await createApp(t.runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app.close();
    await cleanup();
    await endpoint.close();
  });

  it('answers executed with the endpoint\'s output, or failed with its error', async () => {
    const ok = await http.post('/v1/actions', crm(), ADMIN);
    expect(ok.status).toBe(202);
    const [call] = endpoint.calls.filter((c) => c.body.actionId === ok.body.actionId);
    expect(ok.body).toEqual({ actionId: ok.body.actionId, state: 'executed', receiptId: expect.stringMatching(/^rcpt_/), output: answerFor(call!.body) });
    const broken = await http.post('/v1/actions', crm('crm_broken'), ADMIN);
    expect(broken.body).toMatchObject({ state: 'failed', error: 'HTTP connector "crm_broken" answered HTTP 500.' });
  });
});
