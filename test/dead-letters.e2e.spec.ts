import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Receipt } from '@oars/receipts';
import { ReceiptStreamBuilder, givenActionLifecycle, toEvents } from '@oars/testing';
import type { Runtime } from '@oars/runtime';
import { createApp } from '../apps/api/src/bootstrap';
import { ADMIN, AUDITOR, OPERATOR, TestHttp, actionBody } from './support/http';
import { type StoreMode, createTestRuntime } from './support/test-runtime';
import { until } from './support/until';

/**
 * Events injected straight into a tenant stream (behind the API, as a bug or an intruder with store
 * access would): one the read models must store although it carries NUL, and one no projection can
 * apply. Neither may stop the tenant's read side, and an operator must see the second.
 */
describe.each<StoreMode>(['embedded', 'jetstream'])('read side in depth over HTTP (%s)', (mode) => {
  let app: NestFastifyApplication;
  let http: TestHttp;
  let runtime: Runtime;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestRuntime(mode);
    runtime = t.runtime;
    cleanup = t.cleanup;
    app = await createApp(runtime, { logger: false });
    http = await TestHttp.listen(app);
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  /** Receipts after the stream's head, the first chained to it (placeholder signatures). */
  async function inject(build: (s: ReceiptStreamBuilder) => Receipt[]): Promise<Receipt[]> {
    const head = await runtime.store.head('tenant_alpha');
    const receipts = build(new ReceiptStreamBuilder('tenant_alpha', { after: head.sequence, startAt: new Date().toISOString() }));
    receipts[0]!.integrity.prevEventHash = (head.last?.data as unknown as Receipt).integrity.receiptHash;
    await runtime.store.append('tenant_alpha', toEvents(receipts), { expectedVersion: head.sequence });
    return receipts;
  }

  it('projects a NUL receipt, parks one no projection applies, keeps serving the tenant, and shows it to operators', async () => {
    const first = await http.post('/v1/actions', actionBody(), ADMIN);
    expect(first.status).toBe(202);
    const nul = await inject((s) => givenActionLifecycle(s, 'allow', { agentId: 'agent\u0000evil' }));
    // An alert.raised receipt without its alert: the alerts projection cannot read it (a TypeError).
    const [unappliable] = await inject((s) => [s.next({ type: 'alert.raised', data: {} })]);

    const second = await http.post('/v1/actions', actionBody(), ADMIN);
    expect(second.status).toBe(202);
    const after = await http.get(`/v1/actions/${second.body.actionId}`, AUDITOR);
    expect(after.status).toBe(200);
    expect(after.body.action.state).toBe('executed');
    const injected = await http.get(`/v1/actions/${nul[0]!.actionId}`, AUDITOR);
    expect(injected.status).toBe(200);
    expect(injected.body.action.actor.agentId).toBe('agent\u0000evil');

    const ready = await until('the projector to report the dead letter', async () => {
      const res = await http.get('/health/ready', OPERATOR);
      return res.body.components.projector.state === 'WARN' ? res : null;
    });
    expect(ready.status).toBe(200);
    expect(ready.body.components.projector.message).toBe('1 event(s) parked as dead letters, not in the read models (tenant_alpha: 1); see oars projections dead-letters.');

    const integrity = await http.get('/v1/admin/ops/integrity?tenantId=tenant_alpha', OPERATOR);
    expect(integrity.status).toBe(200);
    expect(integrity.body.projections.deadLetters).toEqual({
      items: [expect.objectContaining({ tenantId: 'tenant_alpha', sequence: unappliable!.sequence, eventId: unappliable!.receiptId, eventType: 'alert.raised', status: 'parked', attempts: 3, failedProjection: 'alerts', reason: expect.stringMatching(/^TypeError: /) })],
      more: false,
    });
    const events = await http.get('/v1/security-events?tenantId=tenant_alpha', ADMIN);
    expect(events.body.items.filter((e: { eventType: string }) => e.eventType === 'projection.event_parked')).toEqual([
      expect.objectContaining({ source: 'projector', payload: expect.objectContaining({ sequence: unappliable!.sequence, eventType: 'alert.raised' }) }),
    ]);
    expect((await http.get('/metrics')).body).toMatch(/^oars_projector_dead_letters 1$/m);
  });
});
