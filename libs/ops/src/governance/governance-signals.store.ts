import type { SqlExecutor } from '@oars/db';
import type { AuthFailureCount } from './auth-failure-spike.rule';
import { BURN_ALERT_WINDOWS, type BurnAlertWindow, type BurnWindowCounts } from './slo-burn.rule';

const SUPPRESSED = 'auth.failures_suppressed';

/**
 * Auth failures per tenant since `since`, from the `auth` security events every API process writes:
 * one row per recorded failure, plus the count of each `auth.failures_suppressed` summary (failures
 * the recorder's per-tenant and per-source bounds only counted). One statement: per known tenant an
 * index range scan of its recent events (`security_events_tenant_time_idx`).
 */
export async function countAuthFailures(sql: SqlExecutor, since: Date): Promise<AuthFailureCount[]> {
  const { rows } = await sql.query<{ tenant_id: string; event_type: string; n: string | number; suppressed: string | number }>(
    `SELECT t.tenant_id, c.event_type, c.n, c.suppressed FROM tenant_counters t
     CROSS JOIN LATERAL (
       SELECT s.event_type, count(*) AS n,
         coalesce(sum(CASE WHEN s.event_type = $2 THEN ((s.record::jsonb) -> 'payload' ->> 'count')::bigint END), 0) AS suppressed
       FROM security_events s
       WHERE s.tenant_id = t.tenant_id AND s.occurred_at >= $1::timestamptz AND s.source = 'auth'
       GROUP BY s.event_type
     ) c`,
    [since.toISOString(), SUPPRESSED],
  );
  const counts = new Map<string, AuthFailureCount>();
  for (const r of rows) {
    const count = counts.get(r.tenant_id) ?? { tenantId: r.tenant_id, failures: 0, byCode: {} };
    const n = r.event_type === SUPPRESSED ? Number(r.suppressed) : Number(r.n);
    count.failures += n;
    const code = r.event_type === SUPPRESSED ? 'suppressed' : r.event_type.replace(/^auth\./, '');
    count.byCode[code] = (count.byCode[code] ?? 0) + n;
    counts.set(r.tenant_id, count);
  }
  return [...counts.values()];
}

/** Good/total per SLI over each burn-alert window ending at `now`, from every instance's flushed `slo_minutes`. */
export async function sumBurnWindows(sql: SqlExecutor, now: Date): Promise<Map<string, BurnWindowCounts>> {
  const windows = Object.keys(BURN_ALERT_WINDOWS) as BurnAlertWindow[];
  const since = (w: BurnAlertWindow) => new Date(now.getTime() - BURN_ALERT_WINDOWS[w]).toISOString();
  const sums = windows.map((w, i) => `sum(good) FILTER (WHERE minute >= $${i + 1}::timestamptz) AS "g${w}", sum(total) FILTER (WHERE minute >= $${i + 1}::timestamptz) AS "t${w}"`);
  const longest = windows.reduce((a, b) => (BURN_ALERT_WINDOWS[a] >= BURN_ALERT_WINDOWS[b] ? a : b));
  const { rows } = await sql.query<Record<string, string | number | null>>(
    `SELECT sli, ${sums.join(', ')} FROM slo_minutes WHERE minute >= $${windows.indexOf(longest) + 1}::timestamptz GROUP BY sli`,
    windows.map(since),
  );
  const out = new Map<string, BurnWindowCounts>();
  for (const r of rows) {
    const counts = {} as BurnWindowCounts;
    for (const w of windows) counts[w] = { good: Number(r[`g${w}`] ?? 0), total: Number(r[`t${w}`] ?? 0) };
    out.set(String(r.sli), counts);
  }
  return out;
}
