import { randomBytes } from 'node:crypto';
import { PostgresSqlClient, PgliteSqlClient, SqlClient, migrate, defaultMigrationsDir } from '@oars/db';

/** The Postgres the integration tests use (a local server; each test file gets its own schema). */
export const TEST_DATABASE_URL = process.env.OARS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  sql: SqlClient;
  schema: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated schema in the test database, dropped by `drop()`. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new PostgresSqlClient(TEST_DATABASE_URL, { max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.close();
  const sql = new PostgresSqlClient(TEST_DATABASE_URL, { schema });
  if (options.migrate !== false) await migrate(sql, defaultMigrationsDir());
  return {
    sql,
    schema,
    url: TEST_DATABASE_URL,
    async drop() {
      await sql.close();
      const a = new PostgresSqlClient(TEST_DATABASE_URL, { max: 1 });
      await a.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await a.close();
    },
  };
}

/** A fresh, migrated in-memory PGlite database. */
export async function createPgliteDatabase(options: { migrate?: boolean } = {}): Promise<SqlClient> {
  const sql = await PgliteSqlClient.open();
  if (options.migrate !== false) await migrate(sql, defaultMigrationsDir());
  return sql;
}

/** A unique, short namespace for NATS stream and subject prefixes in one test file. */
export function uniqueNamespace(label = 't'): string {
  return `${label}${randomBytes(4).toString('hex')}`;
}

export const TEST_NATS_URL = process.env.OARS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
