import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Receipt, nodeVerifierCrypto, verifyReceiptBundle } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { LocalNatsServer } from '@oars/testing';
import { ADMIN, TestHttp, actionBody } from './support/http';
import { createTestRuntime } from './support/test-runtime';

/** A request that has not answered by then counts as hung (a behaviour bound, not a performance figure). */
const ANSWER_BOUND_MS = 10_000;
const WORKERS = 8;
const ACKS_BEFORE_KILL = 40;
const ACKS_AFTER_RESTART = 40;

type Phase = 'before' | 'outage' | 'after';
interface Outcome {
  phase: Phase;
  status: number | 'hung' | 'no_answer';
  code?: string;
  state?: string;
  actionId?: string;
  receiptId?: string;
  idempotencyKey?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(label: string, condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await sleep(everyMs);
  }
}

describe('faults end to end: a private nats-server killed during submissions and restarted', () => {
  let server: LocalNatsServer;
  let runtime: Runtime;
  let cleanup: (() => Promise<void>) | undefined;
  let app: NestFastifyApplication | undefined;
  let http: TestHttp;

  beforeAll(async () => {
    server = await LocalNatsServer.start();
    const t = await createTestRuntime('jetstream', {}, server.url);
    runtime = t.runtime;
    cleanup = t.cleanup;
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
  });

  afterAll(async () => {
    await app?.close();
    await cleanup?.();
    await server?.stop();
  });

  /** POST /v1/actions with a bound on the answer: a request that does not answer in time is recorded as hung. */
  async function submit(phase: Phase, agentId: string, idempotencyKey?: string): Promise<Outcome> {
    const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    try {
      const res = await fetch(`${http.baseUrl}/v1/actions`, {
        method: 'POST',
        headers,
        body: JSON.stringify(actionBody({ agentId })),
        signal: AbortSignal.timeout(ANSWER_BOUND_MS),
      });
      const body = (await res.json()) as { error?: { code?: string }; state?: string; actionId?: string; receiptId?: string } | null;
      return { phase, status: res.status, code: body?.error?.code, state: body?.state, actionId: body?.actionId, receiptId: body?.receiptId, idempotencyKey };
    } catch (err) {
      const name = (err as Error).name;
      return { phase, status: name === 'TimeoutError' ? 'hung' : 'no_answer', code: String(err), idempotencyKey };
    }
  }

  it('answers 503 dependency_unavailable while NATS is down, recovers by itself, and loses or duplicates nothing acknowledged', async () => {
    const outcomes: Outcome[] = [];
    let phase: Phase = 'before';
    let stop = false;
    const acked = (p?: Phase) => outcomes.filter((o) => o.status === 202 && (!p || o.phase === p)).length;

    // Even workers send an Idempotency-Key and retry it until acknowledged; odd ones send fresh actions.
    const worker = async (w: number) => {
      for (let n = 0; !stop; n++) {
        const key = w % 2 === 0 ? `fault-${w}-${n}` : undefined;
        let outcome: Outcome;
        do {
          outcome = await submit(phase, `agent_fault_${w}`, key);
          outcomes.push(outcome);
          if (outcome.status !== 202) await sleep(50); // back off after a refusal
        } while (outcome.status !== 202 && key && !stop);
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    try {
      await until('acknowledgements before the kill', () => acked() >= ACKS_BEFORE_KILL, 30_000);
      phase = 'outage';
      await server.kill();
      await until('503s during the outage', () => outcomes.some((o) => o.phase === 'outage' && o.status === 503), 20_000);
      await sleep(1_000); // the outage itself: keep NATS down for a while under load
      await server.restart();
      phase = 'after';
      await until('acknowledgements after the restart', () => acked('after') >= ACKS_AFTER_RESTART, 60_000);
    } finally {
      stop = true;
      await Promise.all(workers);
      if (phase === 'outage') await server.restart(); // the test failed mid-outage: leave NATS up for the next one
    }

    // No 500s and no hangs: every answer is an acknowledgement or a fast, explicit 503.
    const unexpected = outcomes.filter((o) => o.status !== 202 && !(o.status === 503 && o.code === 'dependency_unavailable'));
    expect(unexpected).toEqual([]);
    expect(outcomes.filter((o) => o.phase === 'outage' && o.status === 503).length).toBeGreaterThan(0);
    expect(acked('after')).toBeGreaterThanOrEqual(ACKS_AFTER_RESTART);

    // One answer per action: an Idempotency-Key always maps to the same action and receipt.
    const acks = new Map<string, Outcome>();
    for (const o of outcomes.filter((x) => x.status === 202)) {
      const seen = acks.get(o.actionId!);
      if (seen) expect({ receiptId: o.receiptId, key: o.idempotencyKey }).toEqual({ receiptId: seen.receiptId, key: seen.idempotencyKey });
      else acks.set(o.actionId!, o);
    }
    expect(new Set([...acks.values()].map((o) => o.state))).toEqual(new Set(['executed']));

    // The whole stream: gapless, no receipt twice, every acknowledged receipt there exactly once.
    const events = await runtime.store.read('tenant_alpha', { from: 1, limit: 100_000 });
    const stream = events.map((e) => e.data as unknown as Receipt);
    expect(events.map((e) => e.sequence)).toEqual(stream.map((_, i) => i + 1));
    expect(stream.map((r) => r.sequence)).toEqual(stream.map((_, i) => i + 1));
    expect(new Set(stream.map((r) => r.receiptId)).size).toBe(stream.length);
    const byAction = new Map<string, Receipt[]>();
    for (const r of stream) if (r.actionId) byAction.set(r.actionId, [...(byAction.get(r.actionId) ?? []), r]);
    for (const [actionId, ack] of acks) {
      const receipts = byAction.get(actionId) ?? [];
      expect({ actionId, types: receipts.map((r) => r.type) }).toEqual({ actionId, types: ['action.requested', 'action.approved', 'action.executed'] });
      expect(receipts[2]!.receiptId).toBe(ack.receiptId);
    }

    // The chain verifies end to end against the published keys.
    const keys = await http.get('/v1/trust/tenants/tenant_alpha/keys');
    expect(keys.status).toBe(200);
    const verified = verifyReceiptBundle(stream, keys.body.items, { expectFirstSequence: 1, crypto: nodeVerifierCrypto });
    expect(verified.verificationErrors).toEqual([]);
    expect(verified.checked).toBe(stream.length);

    // The read model catches up by itself and shows every acknowledged action.
    const pending = new Set(acks.keys());
    await until(
      'the read model to show every acknowledged action',
      async () => {
        for (const actionId of [...pending]) {
          const got = await http.get(`/v1/actions/${actionId}`, ADMIN);
          if (got.status !== 200) continue;
          expect(got.body.action).toMatchObject({ id: actionId, state: 'executed' });
          expect(got.body.receipts.at(-1).receiptId).toBe(acks.get(actionId)!.receiptId);
          pending.delete(actionId);
        }
        return pending.size === 0;
      },
      60_000,
      200,
    );
  }, 180_000);

  it('reports the event store ERROR on /health/ready while NATS is down, and ready again after the restart', async () => {
    await until('ready before the fault', async () => (await http.get('/health/ready')).status === 200, 60_000, 100);
    await server.kill();
    try {
      let down = await http.get('/health/ready');
      await until('not ready', async () => (down = await http.get('/health/ready')).status === 503, 20_000, 100);
      expect(down.body.status).toBe('not_ready');
      expect(down.body.components.eventStore.state).toBe('ERROR');
    } finally {
      await server.restart();
    }
    let up = await http.get('/health/ready');
    await until('ready after the restart', async () => (up = await http.get('/health/ready')).status === 200, 60_000, 100);
    expect(up.body.components.eventStore.state).toBe('OK');
  }, 120_000);
});
