import type { SqlExecutor } from '@oars/db';
import { InvalidQueryError } from '../errors';
import { type DecisionMinute, type SecurityEventRecord, type TenantCounters } from './ops.types';
import { decodeSecurityEventCursor, encodeSecurityEventCursor } from './security-event-cursor';
import { countersOfRow } from './tenant-counters.row';

export const MAX_SECURITY_EVENTS_PAGE = 500;
export const DEFAULT_SECURITY_EVENTS_PAGE = 200;

export interface SecurityEventPage {
  /** Newest first (occurredAt, then id, descending). */
  items: SecurityEventRecord[];
  nextCursor: string | null;
}

/** A tenant's security events, newest first; every event is reachable by following `nextCursor`. */
export async function listSecurityEvents(
  sql: SqlExecutor,
  query: { tenantId: string; limit?: number; cursor?: string | null },
): Promise<SecurityEventPage> {
  const limit = query.limit ?? DEFAULT_SECURITY_EVENTS_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SECURITY_EVENTS_PAGE) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_SECURITY_EVENTS_PAGE}.`);
  }
  const params: unknown[] = [query.tenantId];
  let where = 'tenant_id = $1';
  if (query.cursor) {
    const after = decodeSecurityEventCursor(query.cursor);
    params.push(new Date(after.occurredAtMs).toISOString(), after.eventId);
    where += ' AND (occurred_at, event_id) < ($2::timestamptz, $3)';
  }
  params.push(limit + 1);
  const { rows } = await sql.query<{ record: string }>(
    `SELECT record FROM security_events WHERE ${where} ORDER BY occurred_at DESC, event_id DESC LIMIT $${params.length}`,
    params,
  );
  const items = rows.slice(0, limit).map((r) => JSON.parse(r.record) as SecurityEventRecord);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeSecurityEventCursor({ occurredAtMs: Date.parse(last.occurredAt), eventId: last.id }) : null,
  };
}

export async function readTenantCounters(sql: SqlExecutor, tenantId: string): Promise<TenantCounters | null> {
  const { rows } = await sql.query<Record<string, unknown>>('SELECT * FROM tenant_counters WHERE tenant_id = $1', [tenantId]);
  return rows[0] ? countersOfRow(rows[0]) : null;
}

/** What the ops dashboard reads from the read models for one tenant, in one round trip. */
export interface TenantOpsSnapshot {
  /** Null when nothing of the tenant has been projected yet. */
  counters: TenantCounters | null;
  securityEventsLast24h: number;
  /** Of those, authentication/authorization failures. */
  authFailuresLast24h: number;
  securityEventsTotal: number;
  /** Pending approvals, or null when the deployment has no `approvals` read model. */
  pendingApprovals: number | null;
}

/**
 * Counters (primary key), the security-event total (primary key), the last 24 h of security events
 * (one index range) and, when the `approvals` table exists, the pending approvals (one index range).
 */
export async function readTenantOpsSnapshot(
  sql: SqlExecutor,
  tenantId: string,
  options: { now: Date; withApprovals: boolean },
): Promise<TenantOpsSnapshot> {
  const since = new Date(options.now.getTime() - 24 * 3600_000).toISOString();
  const approvals = options.withApprovals ? `(SELECT count(*) FROM approvals WHERE tenant_id = $1 AND status = 'pending')` : 'NULL::bigint';
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT c.*, 
       se.last24h AS se_last24h, se.auth24h AS se_auth24h,
       (SELECT total FROM security_event_totals WHERE tenant_id = $1) AS se_total,
       ${approvals} AS pending_approvals
     FROM (SELECT count(*) AS last24h, count(*) FILTER (WHERE source = 'auth') AS auth24h
           FROM security_events WHERE tenant_id = $1 AND occurred_at >= $2::timestamptz) AS se
     LEFT JOIN tenant_counters c ON c.tenant_id = $1`,
    [tenantId, since],
  );
  const row = rows[0]!;
  return {
    counters: row.tenant_id === null || row.tenant_id === undefined ? null : countersOfRow(row),
    securityEventsLast24h: Number(row.se_last24h ?? 0),
    authFailuresLast24h: Number(row.se_auth24h ?? 0),
    securityEventsTotal: Number(row.se_total ?? 0),
    pendingApprovals: row.pending_approvals === null || row.pending_approvals === undefined ? null : Number(row.pending_approvals),
  };
}

/** A tenant's decisions per minute since `sinceIso`, oldest first. */
export async function listDecisionMinutes(sql: SqlExecutor, tenantId: string, sinceIso: string): Promise<DecisionMinute[]> {
  const { rows } = await sql.query<{ minute: Date | string; allow_count: string; deny_count: string; approve_count: string; quarantine_count: string }>(
    `SELECT minute, allow_count, deny_count, approve_count, quarantine_count FROM decision_minutes
     WHERE tenant_id = $1 AND minute >= $2::timestamptz ORDER BY minute`,
    [tenantId, sinceIso],
  );
  return rows.map((r) => ({
    minute: new Date(r.minute).toISOString(),
    counts: { allow: Number(r.allow_count), deny: Number(r.deny_count), approve: Number(r.approve_count), quarantine: Number(r.quarantine_count) },
  }));
}
