import type { SqlExecutor } from '@oars/db';
import type { IncidentSeverity, IncidentState, IncidentStatus } from '@oars/domain';
import { InvalidCursorError } from '../errors';

export interface IncidentTimelineEntry {
  sequence: number;
  receiptId: string;
  type: string;
  at: string;
  actor: string | null;
  details: Record<string, unknown>;
}

export interface IncidentFilter {
  tenantIds: readonly string[];
  status?: IncidentStatus;
  severity?: IncidentSeverity;
  limit: number;
  cursor?: string;
}

export interface IncidentPage {
  items: IncidentState[];
  nextCursor: string | null;
  /** Over the whole filter: acknowledged incidents, those within their target, and the mean time to acknowledge. */
  acknowledgement: { acknowledged: number; withinTarget: number; meanSecondsToAcknowledge: number | null };
}

type Position = [openedAt: string, tenantId: string, incidentId: string];

function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify(p)).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  try {
    const p = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(p) && p.length === 3 && p.every((x) => typeof x === 'string') && Number.isFinite(Date.parse(p[0] as string))) return p as Position;
  } catch {
    // refused below
  }
  throw new InvalidCursorError();
}

/** Incidents of some tenants (and `_platform`), newest opened first, with an opaque cursor. */
export async function listIncidents(sql: SqlExecutor, filter: IncidentFilter): Promise<IncidentPage> {
  const none = { items: [], nextCursor: null, acknowledgement: { acknowledged: 0, withinTarget: 0, meanSecondsToAcknowledge: null } };
  if (filter.tenantIds.length === 0) return none;
  const params: unknown[] = [[...filter.tenantIds]];
  const where = ['tenant_id = ANY($1::text[])'];
  if (filter.status) {
    params.push(filter.status);
    where.push(`status = $${params.length}`);
  }
  if (filter.severity) {
    params.push(filter.severity);
    where.push(`severity = $${params.length}`);
  }
  const filtered = [...where];
  const filteredParams = [...params];
  if (filter.cursor) {
    const [openedAt, tenantId, incidentId] = decodeCursor(filter.cursor);
    params.push(openedAt, tenantId, incidentId);
    where.push(`(opened_at, tenant_id, incident_id) < ($${params.length - 2}::timestamptz, $${params.length - 1}, $${params.length})`);
  }
  params.push(filter.limit + 1);
  const { rows } = await sql.query<{ record: string }>(
    `SELECT record FROM incidents WHERE ${where.join(' AND ')} ORDER BY opened_at DESC, tenant_id DESC, incident_id DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, filter.limit).map((r) => JSON.parse(r.record) as IncidentState);
  const last = items[items.length - 1];
  const stats = await sql.query<{ acknowledged: string | number; within: string | number; mean: string | number | null }>(
    `SELECT count(time_to_ack_seconds) AS acknowledged, count(*) FILTER (WHERE ack_within_target) AS within, avg(time_to_ack_seconds) AS mean
       FROM incidents WHERE ${filtered.join(' AND ')}`,
    filteredParams,
  );
  const s = stats.rows[0];
  return {
    items,
    nextCursor: rows.length > filter.limit && last ? encodeCursor([last.openedAt, last.tenantId, last.incidentId]) : null,
    acknowledgement: { acknowledged: Number(s?.acknowledged ?? 0), withinTarget: Number(s?.within ?? 0), meanSecondsToAcknowledge: s?.mean == null ? null : Number(s.mean) },
  };
}

/** An incident of one of `tenantIds` with its timeline (oldest first), or null (unknown, or another tenant's). */
export async function getIncident(sql: SqlExecutor, tenantIds: readonly string[], incidentId: string): Promise<{ incident: IncidentState; timeline: IncidentTimelineEntry[] } | null> {
  if (tenantIds.length === 0) return null;
  const { rows } = await sql.query<{ tenant_id: string; record: string }>('SELECT tenant_id, record FROM incidents WHERE incident_id = $1 AND tenant_id = ANY($2::text[])', [incidentId, [...tenantIds]]);
  const row = rows[0];
  if (!row) return null;
  const timeline = await sql.query<{ sequence: string | number; receipt_id: string; type: string; at: string | Date; actor: string | null; details: string }>(
    'SELECT sequence, receipt_id, type, at, actor, details FROM incident_timeline WHERE tenant_id = $1 AND incident_id = $2 ORDER BY sequence',
    [row.tenant_id, incidentId],
  );
  return {
    incident: JSON.parse(row.record) as IncidentState,
    timeline: timeline.rows.map((t) => ({ sequence: Number(t.sequence), receiptId: t.receipt_id, type: t.type, at: new Date(t.at).toISOString(), actor: t.actor, details: JSON.parse(t.details) as Record<string, unknown> })),
  };
}
