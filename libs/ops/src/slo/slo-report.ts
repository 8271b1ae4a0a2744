import { BURN_WINDOWS, type BurnWindow, SLO_PERIOD_MS, type SloDefinition } from './slo.definitions';

export interface GoodTotal {
  good: number;
  total: number;
}

/** Good/total counts of one SLI per window ('30d' is the budget period). */
export type WindowCounts = Record<BurnWindow | '30d', GoodTotal>;

export type SloStatus = 'no_data' | 'ok' | 'slow_burn' | 'fast_burn' | 'exhausted';

export interface SloReport {
  id: string;
  name: string;
  description: string;
  /** Required share of good events, e.g. 0.9995. */
  target: number;
  period: '30d';
  status: SloStatus;
  /** The SLI over the period: good / total (null without data). */
  sli: GoodTotal & { ratio: number | null };
  errorBudget: {
    /** Bad events the target allows over the period at the current volume (total × (1 − target)). */
    allowed: number;
    /** Bad events so far. */
    consumed: number;
    /** Share of the budget left: 1 untouched, 0 spent, negative overspent; null without data. */
    remaining: number | null;
  };
  /** Error rate over the window divided by the rate the budget allows (1 = spending exactly the budget). */
  burnRates: Record<BurnWindow, number | null>;
  windows: Record<BurnWindow | '30d', GoodTotal & { ratio: number | null }>;
  notes: string | null;
}

/** Burn rates above which a budget is burning fast (1 h) or slowly (6 h, 3 d): the SRE workbook's multiwindow thresholds. */
const FAST_BURN = 14.4;
const SLOW_BURN_6H = 6;
const SLOW_BURN_3D = 1;

/** The report of one SLO from its counts (pure). */
export function reportSlo(def: SloDefinition, counts: WindowCounts): SloReport {
  const allowedRate = 1 - def.target;
  const period = counts['30d'];
  const bad = period.total - period.good;
  const allowed = period.total * allowedRate;
  const burn = (w: BurnWindow): number | null => {
    const c = counts[w];
    return c.total === 0 ? null : round((c.total - c.good) / c.total / allowedRate);
  };
  const burnRates = { '1h': burn('1h'), '6h': burn('6h'), '3d': burn('3d') };
  const remaining = period.total === 0 ? null : round(1 - bad / allowed);
  const status: SloStatus =
    period.total === 0
      ? 'no_data'
      : remaining !== null && remaining <= 0
        ? 'exhausted'
        : (burnRates['1h'] ?? 0) >= FAST_BURN
          ? 'fast_burn'
          : (burnRates['6h'] ?? 0) >= SLOW_BURN_6H || (burnRates['3d'] ?? 0) >= SLOW_BURN_3D
            ? 'slow_burn'
            : 'ok';
  const withRatio = (c: GoodTotal) => ({ ...c, ratio: c.total === 0 ? null : round(c.good / c.total) });
  return {
    id: def.id,
    name: def.name,
    description: def.description,
    target: def.target,
    period: '30d',
    status,
    sli: withRatio(period),
    errorBudget: { allowed: round(allowed), consumed: bad, remaining },
    burnRates,
    windows: { '1h': withRatio(counts['1h']), '6h': withRatio(counts['6h']), '3d': withRatio(counts['3d']), '30d': withRatio(period) },
    notes: period.total === 0 ? def.noDataNote : null,
  };
}

export const REPORT_WINDOWS: Record<BurnWindow | '30d', number> = { ...BURN_WINDOWS, '30d': SLO_PERIOD_MS };

export function emptyWindowCounts(): WindowCounts {
  return { '1h': { good: 0, total: 0 }, '6h': { good: 0, total: 0 }, '3d': { good: 0, total: 0 }, '30d': { good: 0, total: 0 } };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
