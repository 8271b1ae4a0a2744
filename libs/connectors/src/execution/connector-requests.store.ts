import type { SqlExecutor } from '@oars/db';

/**
 * The `connector_requests` table (migration 0006): the raw input of an action an HTTP connector
 * will execute, from submission until its outcome is recorded.
 */

/** A stored input, found by the action and the input hash its receipts carry. */
export interface ConnectorRequestKey {
  tenantId: string;
  actionId: string;
  inputHash: string;
}

/** Stores the input before the action's receipts are appended; true when this call inserted the row. */
export async function saveConnectorRequest(sql: SqlExecutor, key: ConnectorRequestKey, toolId: string, input: Record<string, unknown>): Promise<boolean> {
  const { rowCount } = await sql.query(
    'INSERT INTO connector_requests (tenant_id, action_id, input_hash, tool_id, input) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
    [key.tenantId, key.actionId, key.inputHash, toolId, JSON.stringify(input)],
  );
  return rowCount > 0;
}

export type ConnectorClaim =
  | { kind: 'claimed'; input: Record<string, unknown>; attempts: number }
  /** Another consumer holds an unexpired lease: it is calling the endpoint now. */
  | { kind: 'busy' }
  /** No input stored (never recorded, or deleted once the outcome was recorded). */
  | { kind: 'missing' };

/**
 * Takes the lease on an action's call for `leaseMs` (database clock). Only one consumer holds it at a
 * time; the holder may take it again, and anyone may once it expired (a consumer died mid-call: the
 * endpoint is then called again with the same Idempotency-Key).
 */
export async function claimConnectorRequest(sql: SqlExecutor, key: ConnectorRequestKey, owner: string, leaseMs: number): Promise<ConnectorClaim> {
  const params = [key.tenantId, key.actionId, key.inputHash];
  const { rows } = await sql.query<{ input: string; attempts: number }>(
    `UPDATE connector_requests
        SET claimed_by = $4, claimed_until = now() + ($5::int * interval '1 millisecond'), attempts = attempts + 1
      WHERE tenant_id = $1 AND action_id = $2 AND input_hash = $3 AND (claimed_until IS NULL OR claimed_until < now() OR claimed_by = $4)
      RETURNING input, attempts`,
    [...params, owner, leaseMs],
  );
  if (rows[0]) return { kind: 'claimed', input: JSON.parse(rows[0].input) as Record<string, unknown>, attempts: Number(rows[0].attempts) };
  const held = await sql.query('SELECT 1 FROM connector_requests WHERE tenant_id = $1 AND action_id = $2 AND input_hash = $3', params);
  return held.rows.length > 0 ? { kind: 'busy' } : { kind: 'missing' };
}

/** Gives the lease back without an outcome (shutdown mid-call): the next consumer calls again at once. */
export async function releaseConnectorRequest(sql: SqlExecutor, key: ConnectorRequestKey, owner: string): Promise<void> {
  await sql.query(
    'UPDATE connector_requests SET claimed_by = NULL, claimed_until = NULL WHERE tenant_id = $1 AND action_id = $2 AND input_hash = $3 AND claimed_by = $4',
    [key.tenantId, key.actionId, key.inputHash, owner],
  );
}

/** Forgets one stored input (a retried submission's copy that no execution will use). */
export async function deleteConnectorRequest(sql: SqlExecutor, key: ConnectorRequestKey): Promise<void> {
  await sql.query('DELETE FROM connector_requests WHERE tenant_id = $1 AND action_id = $2 AND input_hash = $3', [key.tenantId, key.actionId, key.inputHash]);
}

/** Forgets every stored input of actions that reached an end (the raw input is kept no longer than needed). */
export async function deleteConnectorRequests(sql: SqlExecutor, tenantId: string, actionIds: readonly string[]): Promise<void> {
  if (actionIds.length === 0) return;
  await sql.query('DELETE FROM connector_requests WHERE tenant_id = $1 AND action_id = ANY($2::text[])', [tenantId, [...actionIds]]);
}
