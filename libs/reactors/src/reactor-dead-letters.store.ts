import type { SqlClient, SqlExecutor } from '@oars/db';
import type { StoredEvent } from '@oars/eventstore';
import type { StoredTimer } from './reactor-timers.store';

/** The `reactor_dead_letters` table (migration 0010): events and timers a reactor gave up on. */

export interface ReactorDeadLetter {
  reactor: string;
  stream: string;
  /** `event:<sequence>` or `timer:<key>`. */
  item: string;
  eventId: string | null;
  eventType: string | null;
  reason: string;
  attempts: number;
  parkedAt: string;
}

export async function parkEvent(sql: SqlExecutor, reactor: string, event: StoredEvent, reason: string, attempts: number): Promise<void> {
  await sql.query(
    `INSERT INTO reactor_dead_letters (reactor, stream, item, event_id, event_type, reason, attempts) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (reactor, stream, item) DO UPDATE SET reason = EXCLUDED.reason, attempts = EXCLUDED.attempts, parked_at = now()`,
    [reactor, event.stream, `event:${event.sequence}`, event.id, event.type, reason, attempts],
  );
}

/** Parks a timer and removes it, in one transaction (unless it was set again meanwhile). */
export async function parkTimer(sql: SqlClient, reactor: string, timer: StoredTimer, reason: string, attempts: number): Promise<void> {
  await sql.transaction(async (tx) => {
    const { rowCount } = await tx.query('DELETE FROM reactor_timers WHERE reactor = $1 AND stream = $2 AND timer_key = $3 AND version = $4', [reactor, timer.stream, timer.key, timer.version]);
    if (rowCount === 0) return;
    await tx.query(
      `INSERT INTO reactor_dead_letters (reactor, stream, item, payload, reason, attempts) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (reactor, stream, item) DO UPDATE SET payload = EXCLUDED.payload, reason = EXCLUDED.reason, attempts = EXCLUDED.attempts, parked_at = now()`,
      [reactor, timer.stream, `timer:${timer.key}`, JSON.stringify(timer.payload ?? null), reason, attempts],
    );
  });
}

export async function listReactorDeadLetters(sql: SqlExecutor, reactor: string): Promise<ReactorDeadLetter[]> {
  const { rows } = await sql.query<Record<string, unknown>>('SELECT * FROM reactor_dead_letters WHERE reactor = $1 ORDER BY stream, parked_at, item', [reactor]);
  return rows.map((r) => ({
    reactor: String(r.reactor),
    stream: String(r.stream),
    item: String(r.item),
    eventId: (r.event_id as string | null) ?? null,
    eventType: (r.event_type as string | null) ?? null,
    reason: String(r.reason),
    attempts: Number(r.attempts),
    parkedAt: new Date(r.parked_at as string).toISOString(),
  }));
}

export async function countReactorDeadLetters(sql: SqlExecutor, reactor: string): Promise<number> {
  const { rows } = await sql.query<{ n: string | number }>('SELECT count(*) AS n FROM reactor_dead_letters WHERE reactor = $1', [reactor]);
  return Number(rows[0]?.n ?? 0);
}
