import type { SqlExecutor } from '@oars/db';
import { REPORT_WINDOWS, type WindowCounts, emptyWindowCounts } from './slo-report';

export interface SloMinuteDelta {
  sli: string;
  /** Epoch ms of the minute's start. */
  minute: number;
  good: number;
  total: number;
}

/** Adds per-minute deltas to `slo_minutes` in one statement (instances add up; nothing is overwritten). */
export async function addSloMinutes(sql: SqlExecutor, deltas: readonly SloMinuteDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const params: unknown[] = [];
  const tuples = deltas.map((d) => {
    params.push(d.sli, new Date(d.minute).toISOString(), d.good, d.total);
    const p = params.length - 4;
    return `($${p + 1}, $${p + 2}::timestamptz, $${p + 3}::bigint, $${p + 4}::bigint)`;
  });
  await sql.query(
    `INSERT INTO slo_minutes (sli, minute, good, total) VALUES ${tuples.join(', ')}
     ON CONFLICT (sli, minute) DO UPDATE SET good = slo_minutes.good + EXCLUDED.good, total = slo_minutes.total + EXCLUDED.total`,
    params,
  );
}

/** Good/total per SLI over each report window ending at `now` (one range scan of at most 30 days of minutes). */
export async function sumSloWindows(sql: SqlExecutor, now: number): Promise<Map<string, WindowCounts>> {
  const since = (ms: number) => new Date(now - ms).toISOString();
  const { rows } = await sql.query<Record<string, string | number | null>>(
    `SELECT sli,
       sum(good) FILTER (WHERE minute >= $2::timestamptz) AS g1h, sum(total) FILTER (WHERE minute >= $2::timestamptz) AS t1h,
       sum(good) FILTER (WHERE minute >= $3::timestamptz) AS g6h, sum(total) FILTER (WHERE minute >= $3::timestamptz) AS t6h,
       sum(good) FILTER (WHERE minute >= $4::timestamptz) AS g3d, sum(total) FILTER (WHERE minute >= $4::timestamptz) AS t3d,
       sum(good) AS g30d, sum(total) AS t30d
     FROM slo_minutes WHERE minute >= $1::timestamptz GROUP BY sli`,
    [since(REPORT_WINDOWS['30d']), since(REPORT_WINDOWS['1h']), since(REPORT_WINDOWS['6h']), since(REPORT_WINDOWS['3d'])],
  );
  const out = new Map<string, WindowCounts>();
  for (const r of rows) {
    const c = emptyWindowCounts();
    c['1h'] = { good: Number(r.g1h ?? 0), total: Number(r.t1h ?? 0) };
    c['6h'] = { good: Number(r.g6h ?? 0), total: Number(r.t6h ?? 0) };
    c['3d'] = { good: Number(r.g3d ?? 0), total: Number(r.t3d ?? 0) };
    c['30d'] = { good: Number(r.g30d ?? 0), total: Number(r.t30d ?? 0) };
    out.set(String(r.sli), c);
  }
  return out;
}

/** Drops minutes no report window reaches any more. */
export async function pruneSloMinutes(sql: SqlExecutor, before: number): Promise<void> {
  await sql.query('DELETE FROM slo_minutes WHERE minute < $1::timestamptz', [new Date(before).toISOString()]);
}
