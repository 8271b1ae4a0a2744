import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SqlClient, defaultMigrationsDir, migrate } from '@oars/db';
import { createPgliteDatabase, createTestDatabase } from '@oars/testing';
import { READ_MODEL_NAMES } from '../read-models.projection';
import { loadCheckpoints, readCheckpoint } from './checkpoint.store';

const SPLIT = '0011_projection_checkpoints.sql';
/** The read models there were when the checkpoints split (0011); later ones start from nothing. */
const AT_SPLIT = ['receipts', 'actions', 'policies', 'approvals', 'alerts', 'ops'];

/** The migrations a deployment had before per-projection checkpoints, in a folder of their own. */
function migrationsBeforeSplit(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'oars-migrations-'));
  for (const file of readdirSync(defaultMigrationsDir()).filter((f) => f < SPLIT)) copyFileSync(join(defaultMigrationsDir(), file), join(dir, file));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

describe.each<'postgres' | 'pglite'>(['postgres', 'pglite'])('migration %s: one checkpoint per read model', (engine) => {
  let sql: SqlClient;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    if (engine === 'postgres') {
      const db = await createTestDatabase({ migrate: false });
      ({ sql, drop } = db);
    } else {
      sql = await createPgliteDatabase({ migrate: false });
      drop = () => sql.close();
    }
  });
  afterAll(async () => {
    await drop();
  });

  it("starts every read model at the shared checkpoint, so nothing is replayed, and leaves the other components' rows alone", async () => {
    const before = migrationsBeforeSplit();
    try {
      await migrate(sql, before.dir);
    } finally {
      before.remove();
    }
    await sql.query(
      `INSERT INTO projection_checkpoints (projection, stream, position) VALUES
        ('read_models', 'tenant_a', 42), ('read_models', 'tenant_b', 7), ('executions', 'tenant_a', 40), ('integrity', 'tenant_a', 30)`,
    );
    const report = await migrate(sql, defaultMigrationsDir());
    expect(report.applied).toContain(SPLIT);

    // The read models that existed at the split start at the shared checkpoint; later ones catch up from 0.
    const checkpoints = await loadCheckpoints(sql, AT_SPLIT);
    expect(checkpoints).toEqual(new Map([
      ['tenant_a', new Map(AT_SPLIT.map((n) => [n, 42]))],
      ['tenant_b', new Map(AT_SPLIT.map((n) => [n, 7]))],
    ]));
    const later = READ_MODEL_NAMES.filter((n) => !AT_SPLIT.includes(n));
    expect((await loadCheckpoints(sql, later)).size).toBe(0);
    expect(await readCheckpoint(sql, 'tenant_a')).toBe(42);
    const { rows } = await sql.query<{ projection: string; position: string }>(
      `SELECT projection, position FROM projection_checkpoints WHERE projection NOT IN (${READ_MODEL_NAMES.map((n) => `'${n}'`).join(', ')}) ORDER BY projection`,
    );
    expect(rows.map((r) => [r.projection, Number(r.position)])).toEqual([['executions', 40], ['integrity', 30]]);
    const { rows: columns } = await sql.query("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'projection_dead_letters' AND column_name = 'failed_projection'");
    expect(columns).toHaveLength(1);
  });
});
