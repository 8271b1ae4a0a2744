import { createHash } from 'node:crypto';
import type { SqlExecutor } from '@oars/db';
import { READ_MODELS_PROJECTION } from '../checkpoints/checkpoint.store';
import type { SecurityEventRecord } from '../ops/ops.types';
import { insertSecurityEvents } from '../ops/security-events.store';

/** `parked`: not in the read models; `retried`: a replay re-applying it is under way (or was interrupted); `resolved`: a replay applied it. */
export type DeadLetterStatus = 'parked' | 'retried' | 'resolved';

/** An event of a tenant stream that a projection parked instead of applying (table `projection_dead_letters`). */
export interface DeadLetter {
  /** The projector's name for its dead letters (READ_MODELS_PROJECTION). */
  projection: string;
  /** The read model that failed on it, or null (the event is no receipt, or this was not recorded). */
  failedProjection: string | null;
  tenantId: string;
  sequence: number;
  eventId: string;
  eventType: string;
  /** The last error, with its SQLSTATE when there is one. */
  reason: string;
  /** Failed attempts so far, over every park and retry. */
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  status: DeadLetterStatus;
  resolvedAt: string | null;
}

export interface DeadLetterFilter {
  /** Only these tenants (default: all). */
  tenantIds?: readonly string[];
  sequence?: number;
  /** Default: every status but `resolved`. */
  statuses?: readonly DeadLetterStatus[];
  limit?: number;
}

const OPEN: readonly DeadLetterStatus[] = ['parked', 'retried'];
export const PROJECTOR_DEAD_LETTER_EVENT = 'projection.event_parked';

/**
 * Records the event at `sequence` as parked (again: its attempts add up, its reason is the new one),
 * with a security event of its tenant, in the caller's transaction (the one that moves the checkpoint
 * past it). The security event's id derives from the position, so parking it again adds none.
 */
export async function recordDeadLetter(
  tx: SqlExecutor,
  dl: Pick<DeadLetter, 'tenantId' | 'sequence' | 'eventId' | 'eventType' | 'reason' | 'attempts'> & { failedProjection?: string | null },
  projection = READ_MODELS_PROJECTION,
): Promise<void> {
  const { rows } = await tx.query<{ at: Date | string }>(
    `INSERT INTO projection_dead_letters (projection, tenant_id, sequence, event_id, event_type, reason, attempts, first_failed_at, last_failed_at, status, failed_projection)
     VALUES ($1, $2, $3::bigint, $4, $5, $6, $7::integer, now(), now(), 'parked', $8)
     ON CONFLICT (projection, tenant_id, sequence) DO UPDATE SET reason = EXCLUDED.reason, status = 'parked', resolved_at = NULL,
       attempts = projection_dead_letters.attempts + EXCLUDED.attempts, last_failed_at = EXCLUDED.last_failed_at,
       failed_projection = EXCLUDED.failed_projection
     RETURNING last_failed_at AS at`,
    [projection, dl.tenantId, dl.sequence, dl.eventId, dl.eventType, dl.reason, dl.attempts, dl.failedProjection ?? null],
  );
  await insertSecurityEvents(tx, [parkedSecurityEvent(dl, projection, iso(rows[0]!.at))]);
}

function parkedSecurityEvent(dl: Pick<DeadLetter, 'tenantId' | 'sequence' | 'eventId' | 'eventType' | 'reason'> & { failedProjection?: string | null }, projection: string, at: string): SecurityEventRecord {
  const id = `evt_${createHash('sha256').update(`${projection}\u0000${dl.tenantId}\u0000${dl.sequence}\u0000${PROJECTOR_DEAD_LETTER_EVENT}`).digest('hex').slice(0, 32)}`;
  return {
    id,
    tenantId: dl.tenantId,
    source: 'projector',
    eventType: PROJECTOR_DEAD_LETTER_EVENT,
    occurredAt: at,
    payload: { projection, sequence: dl.sequence, eventId: dl.eventId, eventType: dl.eventType, reason: dl.reason, ...(dl.failedProjection ? { failedProjection: dl.failedProjection } : {}) },
  };
}

/** Dead letters, by tenant and sequence. */
export async function listDeadLetters(sql: SqlExecutor, filter: DeadLetterFilter = {}, projection = READ_MODELS_PROJECTION): Promise<DeadLetter[]> {
  const params: unknown[] = [projection, [...(filter.statuses ?? OPEN)]];
  const where = ['projection = $1', 'status = ANY($2::text[])'];
  if (filter.tenantIds) {
    params.push([...filter.tenantIds]);
    where.push(`tenant_id = ANY($${params.length}::text[])`);
  }
  if (filter.sequence !== undefined) {
    params.push(filter.sequence);
    where.push(`sequence = $${params.length}::bigint`);
  }
  params.push(filter.limit ?? 1000);
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT * FROM projection_dead_letters WHERE ${where.join(' AND ')} ORDER BY tenant_id, sequence LIMIT $${params.length}`,
    params,
  );
  return rows.map(deadLetterOfRow);
}

/** The positions in `from`..`to` of `tenantId` parked as dead letters (status `parked`). */
export async function parkedSequences(sql: SqlExecutor, tenantId: string, from: number, to: number, projection = READ_MODELS_PROJECTION): Promise<Set<number>> {
  const { rows } = await sql.query<{ sequence: string | number }>(
    `SELECT sequence FROM projection_dead_letters
      WHERE projection = $1 AND tenant_id = $2 AND status = 'parked' AND sequence BETWEEN $3::bigint AND $4::bigint`,
    [projection, tenantId, from, to],
  );
  return new Set(rows.map((r) => Number(r.sequence)));
}

/** How many dead letters each tenant has that are not resolved (`parked` or `retried`). */
export async function countOpenDeadLetters(sql: SqlExecutor, projection = READ_MODELS_PROJECTION): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ tenant_id: string; n: string | number }>(
    `SELECT tenant_id, count(*) AS n FROM projection_dead_letters WHERE projection = $1 AND status <> 'resolved' GROUP BY tenant_id`,
    [projection],
  );
  return new Map(rows.map((r) => [r.tenant_id, Number(r.n)]));
}

/** Marks a tenant's open dead letters (all, or those at `sequences`) `retried`: a replay is about to re-apply them. */
export async function markRetried(tx: SqlExecutor, tenantId: string | null, sequences: readonly number[] | null = null, projection = READ_MODELS_PROJECTION): Promise<void> {
  await tx.query(
    `UPDATE projection_dead_letters SET status = 'retried'
      WHERE projection = $1 AND status <> 'resolved' AND ($2::text IS NULL OR tenant_id = $2) AND ($3::bigint[] IS NULL OR sequence = ANY($3::bigint[]))`,
    [projection, tenantId, sequences ? [...sequences] : null],
  );
}

/** After a replay of the tenant: what is still `retried` was applied (a failure parks it again). Returns those sequences. */
export async function resolveRetried(sql: SqlExecutor, tenantId: string, projection = READ_MODELS_PROJECTION): Promise<number[]> {
  const { rows } = await sql.query<{ sequence: string | number }>(
    `UPDATE projection_dead_letters SET status = 'resolved', resolved_at = now()
      WHERE projection = $1 AND tenant_id = $2 AND status = 'retried' RETURNING sequence`,
    [projection, tenantId],
  );
  return rows.map((r) => Number(r.sequence)).sort((a, b) => a - b);
}

function deadLetterOfRow(row: Record<string, unknown>): DeadLetter {
  return {
    projection: String(row.projection),
    failedProjection: row.failed_projection == null ? null : String(row.failed_projection),
    tenantId: String(row.tenant_id),
    sequence: Number(row.sequence),
    eventId: String(row.event_id),
    eventType: String(row.event_type),
    reason: String(row.reason),
    attempts: Number(row.attempts),
    firstFailedAt: iso(row.first_failed_at),
    lastFailedAt: iso(row.last_failed_at),
    status: row.status as DeadLetterStatus,
    resolvedAt: row.resolved_at ? iso(row.resolved_at) : null,
  };
}

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}
