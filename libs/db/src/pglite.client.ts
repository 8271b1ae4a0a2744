import type { PGlite } from '@electric-sql/pglite';
import { SqlClient, SqlExecutor, SqlResult, TransactionOptions } from './sql-client';

type PgliteLike = Pick<PGlite, 'query' | 'exec'>;

/**
 * A statement with parameters goes through the extended protocol (one statement); one without
 * parameters through the simple protocol, so migration files with several statements run too.
 */
async function run<R>(db: PgliteLike, text: string, params: readonly unknown[]): Promise<SqlResult<R>> {
  if (params.length > 0) {
    const res = await db.query<R>(text, params as unknown[]);
    return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
  }
  const results = await db.exec(text);
  const last = results[results.length - 1];
  return { rows: (last?.rows ?? []) as R[], rowCount: last?.affectedRows ?? last?.rows.length ?? 0 };
}

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
    return run<R>(this.db, text, params);
  }

  /** `options.durable` changes nothing here: OARS's PGlite runs without fsync (PGlite's default `-F`). */
  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, _options?: TransactionOptions): Promise<T> {
    return this.db.transaction(async (t) => fn({ query: <R>(text: string, params: readonly unknown[] = []) => run<R>(t, text, params) }));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
