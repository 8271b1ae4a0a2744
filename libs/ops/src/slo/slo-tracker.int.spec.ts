import { type TestDatabase, createTestDatabase } from '@oars/testing';
import { SloTracker } from './slo-tracker';

describe('SloTracker on Postgres', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  const byId = (t: SloTracker) => Object.fromEntries(t.report().map((r) => [r.id, r]));

  it('adds up the minutes of several instances and keeps them across a restart', async () => {
    const a = new SloTracker({ sql: db.sql });
    const b = new SloTracker({ sql: db.sql });
    const now = Date.now();
    for (let i = 0; i < 10; i++) a.record('api_availability', i !== 0, now - 2 * 3600_000); // 2 h ago: in 6h/3d/30d, not 1h
    for (let i = 0; i < 5; i++) b.record('api_availability', true, now);
    b.recordCounts('receipt_persistence', 30, 30, now);
    // Before any flush an instance reports what it counted itself.
    expect(byId(b).api_availability.sli).toMatchObject({ good: 5, total: 5 });

    await a.flush();
    await b.flush();
    expect(byId(b).api_availability.windows).toMatchObject({ '1h': { good: 5, total: 5 }, '6h': { good: 14, total: 15 }, '30d': { good: 14, total: 15 } });

    const restarted = new SloTracker({ sql: db.sql });
    await restarted.flush();
    const r = byId(restarted);
    expect(r.api_availability.sli).toMatchObject({ good: 14, total: 15 });
    expect(r.api_availability.burnRates['1h']).toBe(0);
    expect(r.api_availability.burnRates['6h']).toBeCloseTo(1 / 15 / 0.0005, 3);
    expect(r.receipt_persistence.sli).toMatchObject({ good: 30, total: 30, ratio: 1 });
    expect(r.evidence_export.status).toBe('no_data');

    // Counting after the flush goes on from memory until the next one, without counting twice.
    restarted.record('api_availability', false, now);
    expect(byId(restarted).api_availability.sli).toMatchObject({ good: 14, total: 16 });
    await restarted.stop();
    expect(byId(restarted).api_availability.sli).toMatchObject({ good: 14, total: 16 });
    const { rows } = await db.sql.query<{ total: string }>("SELECT sum(total) AS total FROM slo_minutes WHERE sli = 'api_availability'");
    expect(Number(rows[0]!.total)).toBe(16);
  });
});
