import { listSecurityEvents } from '@oars/readmodels';
import { type TestDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import type { AuthFailure } from './auth-failure';
import { SecurityEventRecorder } from './security-event-recorder';

const failure = (tenantId: string | null, code = 'tenant_forbidden'): AuthFailure => ({
  status: 403,
  code,
  message: 'Token has no access to tenant.',
  method: 'GET',
  route: '/v1/admin/ops/dashboard',
  tenantId,
  tokenId: 'tok_1',
  subject: 'someone',
  requestId: 'req_1',
});

describe('SecurityEventRecorder on Postgres', () => {
  let db: TestDatabase;
  const known = uniqueNamespace('known');
  const streamOnly = uniqueNamespace('stream');

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.sql.query('INSERT INTO tenant_counters (tenant_id) VALUES ($1)', [known]);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('records failures of existing tenants only, at most N per tenant per minute, and summarises the rest', async () => {
    const recorder = new SecurityEventRecorder({ sql: db.sql, perTenantPerMinute: 3, tenantExists: async (t) => t === streamOnly });
    const t0 = Date.now();
    const outcomes = [1, 2, 3, 4, 5].map((i) => recorder.recordAuthFailure(failure(known), t0 + i));
    expect(outcomes).toEqual(['queued', 'queued', 'queued', 'rate_limited', 'rate_limited']);
    expect(recorder.recordAuthFailure(failure(null))).toBe('no_tenant');
    expect(recorder.recordAuthFailure(failure('bad tenant!'))).toBe('no_tenant');
    expect(recorder.recordAuthFailure(failure(uniqueNamespace('invented')))).toBe('queued');
    expect(recorder.recordAuthFailure(failure(streamOnly, 'unauthorized'))).toBe('queued');
    expect(await recorder.flush()).toBe(4);
    expect(recorder.stats).toMatchObject({ recorded: 4, unknownTenant: 1, rateLimited: 2, noTenant: 2 });

    const page = await listSecurityEvents(db.sql, { tenantId: known, limit: 10 });
    expect(page.items).toHaveLength(3);
    expect(page.items[0]).toMatchObject({ tenantId: known, source: 'auth', eventType: 'auth.tenant_forbidden', payload: { status: 403, route: '/v1/admin/ops/dashboard', tokenId: 'tok_1' } });
    expect((await listSecurityEvents(db.sql, { tenantId: streamOnly })).items.map((e) => e.eventType)).toEqual(['auth.unauthorized']);

    // Once the minute is over, the suppressed ones become one summary event.
    recorder.recordAuthFailure(failure(known), t0 + 61_000);
    await recorder.flush();
    const { rows } = await db.sql.query<{ total: string }>('SELECT total FROM security_event_totals WHERE tenant_id = $1', [known]);
    const all = await listSecurityEvents(db.sql, { tenantId: known, limit: 10 });
    expect(all.items.map((e) => e.eventType)).toContain('auth.failures_suppressed');
    expect(all.items.find((e) => e.eventType === 'auth.failures_suppressed')!.payload).toMatchObject({ count: 2, limitPerMinute: 3 });
    expect(Number(rows[0]!.total)).toBe(all.items.length);
  });

  it('bounds what one source records for a tenant, so it cannot crowd out the others', () => {
    const recorder = new SecurityEventRecorder({ sql: db.sql, perTenantPerMinute: 60, perSourcePerMinute: 5 });
    const t0 = Date.now();
    const flood = Array.from({ length: 20 }, (_, i) => recorder.recordAuthFailure({ ...failure(known), source: '203.0.113.9' }, t0 + i));
    expect(flood.filter((o) => o === 'queued')).toHaveLength(5);
    expect(flood.filter((o) => o === 'rate_limited')).toHaveLength(15);
    expect(recorder.recordAuthFailure({ ...failure(known), source: '198.51.100.7' }, t0 + 30)).toBe('queued');
  });

  it('stores a flooding source\'s excess as one summary row, not as rows', async () => {
    const flooded = uniqueNamespace('flooded');
    await db.sql.query('INSERT INTO tenant_counters (tenant_id) VALUES ($1)', [flooded]);
    const recorder = new SecurityEventRecorder({ sql: db.sql, perTenantPerMinute: 60, perSourcePerMinute: 4 });
    const t0 = Date.now();
    for (let i = 0; i < 500; i++) recorder.recordAuthFailure({ ...failure(flooded, 'unauthorized'), source: '203.0.113.9' }, t0 + i);
    expect(await recorder.flush()).toBe(4);
    recorder.recordAuthFailure({ ...failure(flooded, 'unauthorized'), source: '198.51.100.7' }, t0 + 61_000); // the next minute
    await recorder.flush();
    const rows = (await listSecurityEvents(db.sql, { tenantId: flooded, limit: 100 })).items;
    expect(rows.map((e) => e.eventType).sort()).toEqual([...Array(5).fill('auth.unauthorized'), 'auth.failures_suppressed'].sort());
    expect(rows.find((e) => e.eventType === 'auth.failures_suppressed')!.payload).toMatchObject({ count: 496, limitPerMinute: 60, limitPerSourcePerMinute: 4 });
    expect(recorder.stats).toMatchObject({ recorded: 6, rateLimited: 496 });
  });

  it('keeps at most maxPending failures waiting', () => {
    const recorder = new SecurityEventRecorder({ sql: db.sql, maxPending: 2 });
    const tenants = [1, 2, 3].map((i) => `${known}_${i}`);
    expect(tenants.map((t) => recorder.recordAuthFailure(failure(t)))).toEqual(['queued', 'queued', 'buffer_full']);
  });
});
