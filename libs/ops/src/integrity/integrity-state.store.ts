import type { SqlClient, SqlExecutor } from '@oars/db';
import type { IntegrityFinding, VerifierPosition } from './integrity-check';
import { START_POSITION } from './integrity-check';

/** The checkpoint name of the verifier in `projection_checkpoints`. */
export const INTEGRITY_PROJECTION = 'integrity';

/** The verifier's persisted view of one tenant stream. */
export interface IntegrityRecord {
  at: VerifierPosition;
  checkedAt: string | null;
  lastResult: 'ok' | 'violations' | null;
  findingsTotal: number;
  lastFinding: IntegrityFinding | null;
}

export const EMPTY_RECORD: IntegrityRecord = { at: START_POSITION, checkedAt: null, lastResult: null, findingsTotal: 0, lastFinding: null };

/**
 * The verifier's record of a tenant. Its position is the `integrity` checkpoint: an operator who
 * deletes that checkpoint row makes the verifier check the stream again from the start.
 */
export async function loadIntegrityRecord(sql: SqlExecutor, tenantId: string): Promise<IntegrityRecord> {
  const { rows } = await sql.query<Record<string, unknown>>(
    `SELECT s.*, c.position AS checkpoint FROM integrity_status s
     LEFT JOIN projection_checkpoints c ON c.projection = $2 AND c.stream = s.tenant_id
     WHERE s.tenant_id = $1`,
    [tenantId, INTEGRITY_PROJECTION],
  );
  const row = rows[0];
  if (!row) return EMPTY_RECORD;
  const record = recordOfRow(row);
  return Number(row.checkpoint ?? -1) === record.at.position ? record : EMPTY_RECORD;
}

/** Every tenant's record (for the status API). */
export async function listIntegrityRecords(sql: SqlExecutor): Promise<Map<string, IntegrityRecord>> {
  const { rows } = await sql.query<Record<string, unknown>>('SELECT * FROM integrity_status ORDER BY tenant_id');
  return new Map(rows.map((r) => [String(r.tenant_id), recordOfRow(r)]));
}

/**
 * Saves the new record if the checkpoint is still `expected` (compare-and-set under a row lock, so two
 * verifiers on one database never both move it). Returns false when someone else moved it.
 */
export async function saveIntegrityRecord(sql: SqlClient, tenantId: string, expected: number, record: IntegrityRecord): Promise<boolean> {
  return sql.transaction(async (tx) => {
    await tx.query('INSERT INTO projection_checkpoints (projection, stream, position) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [INTEGRITY_PROJECTION, tenantId]);
    const { rows } = await tx.query<{ position: string | number }>('SELECT position FROM projection_checkpoints WHERE projection = $1 AND stream = $2 FOR UPDATE', [INTEGRITY_PROJECTION, tenantId]);
    if (Number(rows[0]!.position) !== expected) return false;
    await tx.query('UPDATE projection_checkpoints SET position = $3, updated_at = now() WHERE projection = $1 AND stream = $2', [INTEGRITY_PROJECTION, tenantId, record.at.position]);
    await tx.query(
      `INSERT INTO integrity_status (tenant_id, position, last_hash, trusted_keys, checked_at, last_result, findings_total, last_finding)
       VALUES ($1, $2::bigint, $3, $4, $5::timestamptz, $6, $7::bigint, $8)
       ON CONFLICT (tenant_id) DO UPDATE SET position = EXCLUDED.position, last_hash = EXCLUDED.last_hash, trusted_keys = EXCLUDED.trusted_keys,
         checked_at = EXCLUDED.checked_at, last_result = EXCLUDED.last_result, findings_total = EXCLUDED.findings_total, last_finding = EXCLUDED.last_finding`,
      [tenantId, record.at.position, record.at.lastHash, JSON.stringify(record.at.keys), record.checkedAt, record.lastResult ?? 'ok', record.findingsTotal, record.lastFinding ? JSON.stringify(record.lastFinding) : null],
    );
    return true;
  });
}

function recordOfRow(row: Record<string, unknown>): IntegrityRecord {
  return {
    at: { position: Number(row.position), lastHash: (row.last_hash as string | null) ?? null, keys: JSON.parse(String(row.trusted_keys)) as Record<string, string> },
    checkedAt: row.checked_at ? new Date(row.checked_at as string).toISOString() : null,
    lastResult: row.last_result as 'ok' | 'violations',
    findingsTotal: Number(row.findings_total),
    lastFinding: row.last_finding ? (JSON.parse(String(row.last_finding)) as IntegrityFinding) : null,
  };
}

/** Every tenant's verified position, as `loadIntegrityRecord` would answer it (0 without a consistent record): one query. */
export async function loadIntegrityPositions(sql: SqlExecutor): Promise<Map<string, number>> {
  const { rows } = await sql.query<{ tenant_id: string; position: string | number }>(
    `SELECT s.tenant_id, s.position FROM integrity_status s
     JOIN projection_checkpoints c ON c.projection = $1 AND c.stream = s.tenant_id AND c.position = s.position`,
    [INTEGRITY_PROJECTION],
  );
  return new Map(rows.map((r) => [r.tenant_id, Number(r.position)]));
}
