import type { SqlExecutor } from '@oars/db';

/** The `reactor_timers` table (migration 0010): durable "wake me at T for this key" timers. */

export interface StoredTimer {
  stream: string;
  key: string;
  dueAt: Date;
  payload: unknown;
  attempts: number;
  version: number;
}

/** Sets (or replaces) the timer of `key`: its tries start again from 0. */
export async function setTimer(sql: SqlExecutor, reactor: string, stream: string, key: string, dueAt: Date, payload: unknown): Promise<void> {
  await sql.query(
    `INSERT INTO reactor_timers (reactor, stream, timer_key, due_at, payload) VALUES ($1, $2, $3, $4::timestamptz, $5)
     ON CONFLICT (reactor, stream, timer_key) DO UPDATE SET due_at = EXCLUDED.due_at, payload = EXCLUDED.payload,
       attempts = 0, last_error = NULL, version = reactor_timers.version + 1`,
    [reactor, stream, key, dueAt.toISOString(), JSON.stringify(payload ?? null)],
  );
}

export async function cancelTimer(sql: SqlExecutor, reactor: string, stream: string, key: string): Promise<void> {
  await sql.query('DELETE FROM reactor_timers WHERE reactor = $1 AND stream = $2 AND timer_key = $3', [reactor, stream, key]);
}

/** Timers due at `now`, earliest first. */
export async function dueTimers(sql: SqlExecutor, reactor: string, now: Date, limit: number): Promise<StoredTimer[]> {
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT stream, timer_key, due_at, payload, attempts, version FROM reactor_timers
     WHERE reactor = $1 AND due_at <= $2::timestamptz ORDER BY due_at LIMIT $3`,
    [reactor, now.toISOString(), limit],
  );
  return rows.map((r) => ({
    stream: String(r.stream),
    key: String(r.timer_key),
    dueAt: new Date(r.due_at as string),
    payload: JSON.parse(String(r.payload)) as unknown,
    attempts: Number(r.attempts),
    version: Number(r.version),
  }));
}

/** When the next timer of `reactor` is due (epoch ms), and how many it has. */
export async function timerSummary(sql: SqlExecutor, reactor: string): Promise<{ nextDueAt: number | null; pending: number }> {
  const { rows } = await sql.query<{ next: string | Date | null; n: string | number }>('SELECT min(due_at) AS next, count(*) AS n FROM reactor_timers WHERE reactor = $1', [reactor]);
  const next = rows[0]?.next;
  return { nextDueAt: next ? new Date(next).getTime() : null, pending: Number(rows[0]?.n ?? 0) };
}

/** When the earliest timer of `reactor` other than `running` (stream, key) is due (epoch ms), or null. */
export async function nextTimerDueAt(sql: SqlExecutor, reactor: string, running: ReadonlyArray<readonly [string, string]>): Promise<number | null> {
  const { rows } = await sql.query<{ next: string | Date | null }>(
    `SELECT min(due_at) AS next FROM reactor_timers
     WHERE reactor = $1 AND (stream, timer_key) NOT IN (SELECT s, k FROM unnest($2::text[], $3::text[]) AS r(s, k))`,
    [reactor, running.map((r) => r[0]), running.map((r) => r[1])],
  );
  const next = rows[0]?.next;
  return next ? new Date(next).getTime() : null;
}

/** The timer fired: removed, unless it was set again meanwhile (another version). */
export async function timerFired(sql: SqlExecutor, reactor: string, timer: StoredTimer): Promise<void> {
  await sql.query('DELETE FROM reactor_timers WHERE reactor = $1 AND stream = $2 AND timer_key = $3 AND version = $4', [reactor, timer.stream, timer.key, timer.version]);
}

/** The timer failed: tried again at `retryAt`, unless it was set again meanwhile. */
export async function timerFailed(sql: SqlExecutor, reactor: string, timer: StoredTimer, retryAt: Date, error: string): Promise<void> {
  await sql.query(
    `UPDATE reactor_timers SET attempts = attempts + 1, due_at = $5::timestamptz, last_error = $6
     WHERE reactor = $1 AND stream = $2 AND timer_key = $3 AND version = $4`,
    [reactor, timer.stream, timer.key, timer.version, retryAt.toISOString(), error],
  );
}
