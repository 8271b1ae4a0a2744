import type { PGlite } from '@electric-sql/pglite';
import { SqlClient, SqlExecutor, SqlResult } from './sql-client';

/**
 * `SqlClient` over an in-process PGlite database (`dataDir` on disk, or memory when omitted).
 * PGlite has one connection; its own queue serialises queries and transactions.
 */
export class PgliteSqlClient implements SqlClient {
  readonly engine = 'pglite' as const;

  private constructor(private readonly db: PGlite) {}

  static async open(dataDir?: string): Promise<PgliteSqlClient> {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = dataDir ? new PGlite(dataDir) : new PGlite();
    await db.waitReady;
    return new PgliteSqlClient(db);
  }

  async query<R>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
    const res = await this.db.query<R>(text, params as unknown[]);
    return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (t) =>
      fn({
        query: async <R>(text: string, params: readonly unknown[] = []) => {
          const res = await t.query<R>(text, params as unknown[]);
          return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
        },
      }),
    );
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
