import { SLOS } from '../slo/slo.definitions';
import { type BurnWindowCounts, sloBurnAlerts } from './slo-burn.rule';

const now = new Date('2026-03-01T10:15:30.000Z');
const options = { minEvents: 100 };
/** api_availability allows 0.05% errors: a burn rate of b is an error share of b × 0.0005. */
const at = (burns: Partial<Record<keyof BurnWindowCounts, number>>, total = 10_000): BurnWindowCounts => {
  const w = (b = 0) => ({ good: total - Math.round(b * 0.0005 * total), total });
  return { '5m': w(burns['5m']), '30m': w(burns['30m']), '1h': w(burns['1h']), '6h': w(burns['6h']) };
};
const alertsOf = (counts: BurnWindowCounts, when = now, min = options) => sloBurnAlerts(SLOS, new Map([['api_availability', counts]]), when, min);

describe('sloBurnAlerts', () => {
  it('raises SLO_FAST_BURN (critical) at 14.4x over 1 h confirmed over 5 min, in the platform stream', () => {
    expect(alertsOf(at({ '1h': 20, '5m': 30, '6h': 20, '30m': 20 }))).toEqual([
      {
        id: expect.stringMatching(/^alrt_[0-9a-f]{24}_slo_fast_burn$/),
        tenantId: '_platform',
        actionId: null,
        severity: 'critical',
        code: 'SLO_FAST_BURN',
        message: 'API availability 99.95% monthly: error budget burning 20x over 1h (30x over 5m); at this rate the 30-day budget is spent in 36 h.',
        createdAt: now.toISOString(),
        metadata: {
          target: 'api_availability', sli: 'api_availability', objective: 0.9995, factor: 14.4, burnRates: { '1h': 20, '5m': 30 },
          windows: { '1h': { good: 9900, total: 10_000 }, '5m': { good: 9850, total: 10_000 } },
        },
      },
    ]);
  });

  it('needs the short window to confirm: a burn that stopped raises nothing', () => {
    expect(alertsOf(at({ '1h': 20, '5m': 2 }))).toEqual([]);
  });

  it('raises SLO_SLOW_BURN (high) at 6x over 6 h confirmed over 30 min, when the fast rule does not fire', () => {
    const [alert] = alertsOf(at({ '6h': 8, '30m': 7, '1h': 7, '5m': 7 }));
    expect(alert).toMatchObject({ code: 'SLO_SLOW_BURN', severity: 'high', metadata: { factor: 6, burnRates: { '6h': 8, '30m': 7 } } });
    expect(alertsOf(at({ '6h': 5, '30m': 10 }))).toEqual([]);
  });

  it('ignores windows with fewer events than the minimum, and SLIs without data', () => {
    expect(alertsOf(at({ '1h': 1000, '5m': 1000 }, 99))).toEqual([]);
    expect(alertsOf(at({ '1h': 1000, '5m': 1000 }, 99), now, { minEvents: 10 })).toHaveLength(1);
    expect(sloBurnAlerts(SLOS, new Map(), now, options)).toEqual([]);
  });

  it('raises one alert per SLO and rule per long window however often it is evaluated', () => {
    const id = (iso: string) => alertsOf(at({ '1h': 20, '5m': 20 }), new Date(iso))[0]!.id;
    expect(id('2026-03-01T10:59:00.000Z')).toBe(id('2026-03-01T10:01:00.000Z'));
    expect(id('2026-03-01T11:01:00.000Z')).not.toBe(id('2026-03-01T10:01:00.000Z'));
  });
});
