import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqlClient } from './sql-client';

export interface MigrationReport {
  applied: string[];
  skipped: string[];
}

/** Fixed key for the migration advisory lock (per database; schemas migrate one at a time). */
const MIGRATION_LOCK_KEY = 4_280_031;

/**
 * Applies the `NNNN_name.sql` files of `dir` in name order, each in its own transaction, recording
 * name and SHA-256 in `oars_migrations`. A file that changed after it was applied stops the run:
 * migrations are append-only. Concurrent runners serialise on an advisory lock.
 */
export async function migrate(sql: SqlClient, dir: string): Promise<MigrationReport> {
  const files = readdirSync(dir).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  const report: MigrationReport = { applied: [], skipped: [] };
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS oars_migrations (
         name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM oars_migrations');
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      const checksum = createHash('sha256').update(text).digest('hex');
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new Error(`Migration ${file} was changed after it was applied (checksum ${previous.slice(0, 12)} != ${checksum.slice(0, 12)}). Add a new migration instead.`);
        }
        report.skipped.push(file);
        continue;
      }
      await tx.query(text);
      await tx.query('INSERT INTO oars_migrations (name, checksum) VALUES ($1, $2)', [file, checksum]);
      report.applied.push(file);
    }
  });
  return report;
}

/** The repository's `migrations/` folder, found from this file (works from src and from dist). */
export function defaultMigrationsDir(): string {
  const candidates = [join(__dirname, '../../../migrations'), join(__dirname, '../../../../migrations'), join(process.cwd(), 'migrations')];
  for (const dir of candidates) {
    try {
      readdirSync(dir);
      return dir;
    } catch {
      // try the next candidate
    }
  }
  throw new Error('migrations/ folder not found');
}
