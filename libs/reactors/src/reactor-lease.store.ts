import type { SqlExecutor } from '@oars/db';

/**
 * The `reactor_leases` table (migration 0010): one instance runs a reactor at a time. Times are the
 * database's clock, so instances on machines with skewed clocks still agree on who holds a lease.
 */

/** Takes or renews the lease of `reactor` for `leaseMs`; true when `owner` holds it afterwards. */
export async function acquireLease(sql: SqlExecutor, reactor: string, owner: string, leaseMs: number): Promise<boolean> {
  const { rows } = await sql.query<{ owner: string }>(
    `INSERT INTO reactor_leases (reactor, owner, expires_at) VALUES ($1, $2, now() + ($3::int * interval '1 millisecond'))
     ON CONFLICT (reactor) DO UPDATE SET
       owner = EXCLUDED.owner,
       expires_at = EXCLUDED.expires_at,
       acquired_at = CASE WHEN reactor_leases.owner = EXCLUDED.owner THEN reactor_leases.acquired_at ELSE now() END
     WHERE reactor_leases.owner = EXCLUDED.owner OR reactor_leases.expires_at < now()
     RETURNING owner`,
    [reactor, owner, Math.max(1, Math.round(leaseMs))],
  );
  return rows[0]?.owner === owner;
}

/** Gives the lease back (a clean stop): another instance may take it at once. */
export async function releaseLease(sql: SqlExecutor, reactor: string, owner: string): Promise<void> {
  await sql.query('DELETE FROM reactor_leases WHERE reactor = $1 AND owner = $2', [reactor, owner]);
}

/** Who holds the lease of `reactor` now (status and tests), or null. */
export async function leaseHolder(sql: SqlExecutor, reactor: string): Promise<string | null> {
  const { rows } = await sql.query<{ owner: string }>('SELECT owner FROM reactor_leases WHERE reactor = $1 AND expires_at >= now()', [reactor]);
  return rows[0]?.owner ?? null;
}

/** A condition for writes that only the lease holder may make (checkpoints): `$owner` at `ownerParam`. */
export const HOLDS_LEASE = (reactorParam: number, ownerParam: number) =>
  `EXISTS (SELECT 1 FROM reactor_leases l WHERE l.reactor = $${reactorParam} AND l.owner = $${ownerParam} AND l.expires_at >= now())`;
