import type { SqlClient } from '@oars/db';
import { type AlertDeliveryCommand, type AlertDeliveryEvent, type AlertRecord, alertDeliveriesStateOf, alertNotificationOf, decideAlertDelivery } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { ReceiptStreamBuilder, createPgliteDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { applyReceipts } from '../read-models.projection';
import { alertDeliveryTenants, listAlertDeliveries } from './alert-delivery.queries';

/** A tenant's deliveries written as receipts, the events decided by the real decider. */
class DeliveryHistory {
  readonly stream = new ReceiptStreamBuilder(uniqueNamespace('ten'));
  private readonly events: AlertDeliveryEvent[] = [];

  get tenantId(): string {
    return this.stream.tenantId;
  }

  alert(n: number): AlertRecord {
    return { id: `alrt_${this.tenantId}_${n}`, tenantId: this.tenantId, actionId: null, severity: 'high', code: 'ACTION_QUARANTINED', message: 'm', createdAt: '2026-03-01T00:00:00.000Z', metadata: {} };
  }

  request(alert: AlertRecord, channels: string[]): Receipt[] {
    const targets = channels.map((channelId) => ({ channelId, channelType: 'generic_webhook' }));
    return this.record({ type: 'RequestAlertDeliveries', data: { tenantId: this.tenantId, sourceId: alert.id, notification: alertNotificationOf(alert), targets }, metadata: { now: '2026-03-01T00:00:01.000Z' } });
  }

  attempt(deliveryId: string, ok: boolean): Receipt[] {
    const outcome = ok ? { ok: true as const, statusCode: 200 } : { ok: false as const, statusCode: 503, error: 'HTTP 503', retryable: true };
    return this.record({ type: 'RecordAlertDeliveryAttempt', data: { deliveryId, outcome }, metadata: { now: '2026-03-01T00:00:02.000Z', maxAttempts: 5, retryAt: '2026-03-01T00:00:04.000Z' } });
  }

  private record(command: AlertDeliveryCommand): Receipt[] {
    const events = decideAlertDelivery(alertDeliveriesStateOf(this.events), command);
    this.events.push(...events);
    return events.map((e) => this.stream.next({ type: e.type, data: e.data as unknown as Record<string, unknown> }));
  }
}

describe.each(['postgres', 'pglite'] as const)('alert deliveries read model on %s (given receipts, then rows)', (engine) => {
  let db: { sql: SqlClient; drop(): Promise<void> };
  let sql: SqlClient;

  beforeAll(async () => {
    db = engine === 'postgres' ? await createTestDatabase() : await createPgliteDatabase().then((client) => ({ sql: client, drop: () => client.close() }));
    sql = db.sql;
  });
  afterAll(() => db.drop());

  const idOf = (r: Receipt) => (r.data.delivery as { deliveryId: string }).deliveryId;

  it('keeps each delivery as its latest receipt says, whatever is applied again', async () => {
    const h = new DeliveryHistory();
    const requested = h.request(h.alert(1), ['hook']);
    const failed = h.attempt(idOf(requested[0]!), false);
    const delivered = h.attempt(idOf(requested[0]!), true);
    await applyReceipts(sql, [...requested, ...failed]);
    expect((await listAlertDeliveries(sql, { tenantId: h.tenantId, limit: 10 })).items.map((d) => [d.status, d.attempts, d.nextAttemptAt])).toEqual([['failed', 1, '2026-03-01T00:00:04.000Z']]);
    await applyReceipts(sql, delivered);
    await applyReceipts(sql, [...requested, ...failed]); // a replay of older receipts changes nothing
    const [row] = (await listAlertDeliveries(sql, { tenantId: h.tenantId, limit: 10 })).items;
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 200, lastError: null, channelId: 'hook' });
  });

  it('lists newest first by status, alert and channel, with a cursor over every delivery', async () => {
    const h = new DeliveryHistory();
    const first = h.request(h.alert(1), ['hook', 'slack']);
    const second = h.request(h.alert(2), ['hook']);
    await applyReceipts(sql, [...first, ...second, ...h.attempt(idOf(first[0]!), true)]);
    const page1 = await listAlertDeliveries(sql, { tenantId: h.tenantId, limit: 2 });
    const page2 = await listAlertDeliveries(sql, { tenantId: h.tenantId, limit: 2, cursor: page1.nextCursor! });
    expect([...page1.items, ...page2.items].map((d) => `${d.alertId!.slice(-1)}:${d.channelId}`)).toEqual(['2:hook', '1:slack', '1:hook']);
    expect(page2.nextCursor).toBeNull();
    expect((await listAlertDeliveries(sql, { tenantId: h.tenantId, status: 'pending', channelId: 'hook', limit: 10 })).items.map((d) => d.alertId)).toEqual([h.alert(2).id]);
    expect((await listAlertDeliveries(sql, { tenantId: h.tenantId, alertId: h.alert(1).id, limit: 10 })).items).toHaveLength(2);
    expect(await alertDeliveryTenants(sql, idOf(second[0]!), [h.tenantId, 'other'])).toEqual([h.tenantId]);
    expect(await alertDeliveryTenants(sql, idOf(second[0]!), ['other'])).toEqual([]);
  });
});
