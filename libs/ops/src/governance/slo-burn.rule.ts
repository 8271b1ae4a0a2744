import type { AlertRecord, AlertSeverity } from '@oars/domain';
import { PLATFORM_STREAM } from '@oars/eventstore';
import type { SloDefinition } from '../slo/slo.definitions';
import type { GoodTotal } from '../slo/slo-report';
import { alertBucketOf } from './alert-buckets';
import { governanceAlertId } from './raise-alert';

/** The windows the burn alerts look at. */
export const BURN_ALERT_WINDOWS = { '5m': 5 * 60_000, '30m': 30 * 60_000, '1h': 3600_000, '6h': 6 * 3600_000 } as const;
export type BurnAlertWindow = keyof typeof BURN_ALERT_WINDOWS;
export type BurnWindowCounts = Record<BurnAlertWindow, GoodTotal>;

interface BurnRule {
  code: 'SLO_FAST_BURN' | 'SLO_SLOW_BURN';
  severity: AlertSeverity;
  /** Burn rate (error rate / the rate the budget allows) both windows must reach. */
  factor: number;
  long: BurnAlertWindow;
  /** Confirms the long window still burns now (it resets the alert soon after a fix). */
  short: BurnAlertWindow;
}

/**
 * The SRE workbook's multiwindow, multi-burn-rate alerts on a 30-day budget: fast burn spends 2% of
 * the budget in an hour (14.4x over 1 h, confirmed over 5 min; the budget would be gone in ~2 days),
 * slow burn 5% in six hours (6x over 6 h, confirmed over 30 min; gone in 5 days).
 */
export const BURN_RULES: readonly BurnRule[] = [
  { code: 'SLO_FAST_BURN', severity: 'critical', factor: 14.4, long: '1h', short: '5m' },
  { code: 'SLO_SLOW_BURN', severity: 'high', factor: 6, long: '6h', short: '30m' },
];

export interface SloBurnOptions {
  /** Events the long window must hold before a burn counts (one error among a handful of requests is no burn). */
  minEvents: number;
}

const PERIOD_HOURS = 30 * 24;

/**
 * SLO_FAST_BURN (critical) and SLO_SLOW_BURN (high) of the platform's SLOs, raised in the platform
 * stream (the SLIs are measured across tenants): per SLO the fast rule, else the slow one (pure).
 */
export function sloBurnAlerts(slos: readonly SloDefinition[], counts: ReadonlyMap<string, BurnWindowCounts>, now: Date, options: SloBurnOptions): AlertRecord[] {
  const alerts: AlertRecord[] = [];
  for (const slo of slos) {
    const c = counts.get(slo.id);
    if (!c) continue;
    const rule = BURN_RULES.find((r) => c[r.long].total >= options.minEvents && burnOf(c[r.long], slo) >= r.factor && burnOf(c[r.short], slo) >= r.factor);
    if (rule) alerts.push(burnAlert(slo, rule, c, now));
  }
  return alerts;
}

function burnAlert(slo: SloDefinition, rule: BurnRule, c: BurnWindowCounts, now: Date): AlertRecord {
  const long = round(burnOf(c[rule.long], slo));
  const short = round(burnOf(c[rule.short], slo));
  return {
    id: governanceAlertId(PLATFORM_STREAM, rule.code, slo.id, alertBucketOf(now, BURN_ALERT_WINDOWS[rule.long])),
    tenantId: PLATFORM_STREAM,
    actionId: null,
    severity: rule.severity,
    code: rule.code,
    message: `${slo.name}: error budget burning ${long}x over ${rule.long} (${short}x over ${rule.short}); at this rate the 30-day budget is spent in ${round(PERIOD_HOURS / long)} h.`,
    createdAt: now.toISOString(),
    metadata: { target: slo.id, sli: slo.id, objective: slo.target, factor: rule.factor, burnRates: { [rule.long]: long, [rule.short]: short }, windows: { [rule.long]: c[rule.long], [rule.short]: c[rule.short] } },
  };
}

/** Error rate over the window divided by the rate the budget allows; 0 without events. */
function burnOf(w: GoodTotal, slo: SloDefinition): number {
  return w.total === 0 ? 0 : (w.total - w.good) / w.total / (1 - slo.target);
}

const round = (n: number) => Math.round(n * 10) / 10;
