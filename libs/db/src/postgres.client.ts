import { Pool, PoolConfig } from 'pg';
import { SqlClient, SqlExecutor, SqlResult, TransactionOptions } from './sql-client';
import { toDependencyError } from './sql-errors';

/** `SqlClient` over a `pg.Pool`; `schema` (optional) becomes the search_path of every connection. */
export class PostgresSqlClient implements SqlClient {
  readonly engine = 'postgres' as const;
  readonly pool: Pool;

  constructor(connectionString: string, options: { schema?: string; max?: number } = {}) {
    const config: PoolConfig = { connectionString, max: options.max ?? 10, connectionTimeoutMillis: 3000 };
    if (options.schema) config.options = `-c search_path=${options.schema}`;
    this.pool = new Pool(config);
    // An idle client error (server restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    // Nor a connection killed inside a transaction: its query fails and the transaction rolls back.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async query<R>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
    try {
      const res = await this.pool.query(text, params as unknown[]);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    } catch (err) {
      throw toDependencyError(err);
    }
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    let client;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toDependencyError(err);
    }
    const tx: SqlExecutor = {
      query: async <R>(text: string, params: readonly unknown[] = []) => {
        try {
          const res = await client.query(text, params as unknown[]);
          return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
        } catch (err) {
          throw toDependencyError(err);
        }
      },
    };
    let broken = false;
    try {
      // One round trip either way (simple protocol, two statements).
      await tx.query(options.durable === false ? 'BEGIN; SET LOCAL synchronous_commit TO OFF' : 'BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
