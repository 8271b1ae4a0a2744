import { SLOS } from './slo.definitions';
import { emptyWindowCounts, reportSlo } from './slo-report';

const availability = SLOS.find((s) => s.id === 'api_availability')!;

describe('reportSlo', () => {
  it('says no data when nothing was counted, instead of an intact budget', () => {
    const r = reportSlo(SLOS.find((s) => s.id === 'evidence_export')!, emptyWindowCounts());
    expect(r).toMatchObject({ status: 'no_data', sli: { good: 0, total: 0, ratio: null }, errorBudget: { remaining: null }, burnRates: { '1h': null, '6h': null, '3d': null } });
    expect(r.notes).toMatch(/No data/);
  });

  it('computes the budget left over the period and burn rates per window', () => {
    const c = emptyWindowCounts();
    c['30d'] = { good: 99_990, total: 100_000 }; // 10 bad of 50 allowed
    c['3d'] = { good: 9_996, total: 10_000 }; // 0.04% bad = burn 0.8
    c['6h'] = { good: 998, total: 1_000 }; // 0.2% = burn 4
    c['1h'] = { good: 99, total: 100 }; // 1% = burn 20
    const r = reportSlo(availability, c);
    expect(r.errorBudget).toEqual({ allowed: 50, consumed: 10, remaining: 0.8 });
    expect(r.burnRates).toEqual({ '1h': 20, '6h': 4, '3d': 0.8 });
    expect(r.status).toBe('fast_burn');
    expect(r.sli.ratio).toBe(0.9999);
  });

  it('is exhausted once the period spent more than its budget', () => {
    const c = emptyWindowCounts();
    c['30d'] = { good: 900, total: 1000 };
    c['1h'] = { good: 10, total: 10 };
    const r = reportSlo(availability, c);
    expect(r.status).toBe('exhausted');
    expect(r.errorBudget.remaining).toBeLessThan(0);
  });
});
