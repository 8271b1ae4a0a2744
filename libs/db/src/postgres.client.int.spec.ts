import { PostgresSqlClient } from './postgres.client';

const URL = process.env.OARS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('PostgresSqlClient transactions', () => {
  // One connection: what a transaction sets must not leak to the next user of the connection.
  const sql = new PostgresSqlClient(URL, { max: 1 });

  afterAll(() => sql.close());

  it('commits without waiting for the WAL flush only when asked (durable: false), for that transaction only', async () => {
    const show = (tx: { query: PostgresSqlClient['query'] }) => tx.query<{ synchronous_commit: string }>('SHOW synchronous_commit').then((r) => r.rows[0]!.synchronous_commit);
    expect(await sql.transaction((tx) => show(tx))).toBe('on');
    expect(await sql.transaction((tx) => show(tx), { durable: false })).toBe('off');
    expect(await sql.transaction((tx) => show(tx))).toBe('on');
    expect(await show(sql)).toBe('on');
  });

  it('commits the work of a non-durable transaction, and rolls it back on a throw', async () => {
    const table = `t_durable_${process.pid}`;
    await sql.query(`CREATE TEMP TABLE ${table} (n int)`).catch(() => undefined);
    // A temp table lives on one connection: the pool has exactly one.
    await sql.transaction((tx) => tx.query(`INSERT INTO ${table} VALUES (1)`), { durable: false });
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} VALUES (2)`);
        throw new Error('boom');
      }, { durable: false }),
    ).rejects.toThrow('boom');
    expect((await sql.query<{ n: number }>(`SELECT n FROM ${table} ORDER BY n`)).rows).toEqual([{ n: 1 }]);
  });
});
