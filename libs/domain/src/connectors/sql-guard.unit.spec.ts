import { isDestructiveSql } from './sql-guard';

describe('isDestructiveSql', () => {
  it.each([
    'SELECT * FROM accounts',
    "SELECT 'drop table users' AS note",
    'SELECT "drop" FROM t',
    'SELECT 1 -- drop table users',
    'SELECT 1 /* truncate t */',
    "SELECT $body$ it's fine $body$",
    'SELECT dropped_at, deleted FROM t',
    'UPDATE t SET a = 1',
    "SELECT 'it''s -- fine'",
    "SELECT 'C:\\dir\\' AS path",
    '',
  ])('allows %j', (sql) => {
    expect(isDestructiveSql(sql)).toBe(false);
  });

  it.each([
    'DROP TABLE users',
    'drop database prod',
    'TRUNCATE accounts',
    'GRANT ALL ON t TO bob',
    'REVOKE SELECT ON t FROM bob',
    'DELETE FROM accounts WHERE 1=1',
    'delete\n  from accounts',
    'ALTER TABLE t ADD c int',
    'delete/**/from t',
    'SELECT 1; DROP TABLE t',
    "SELECT '--'; DROP TABLE t",
    "SELECT '/*'; DROP TABLE t; -- */",
    "SELECT E'\\''; DROP TABLE t; --'",
    "SELECT '\\''; DROP TABLE t; -- '",
    'SELECT 1 /*! DROP TABLE t */',
    "SELECT 'unterminated drop",
    // nested in PostgreSQL, but MySQL ends the comment at the first */
    'SELECT 1 /* nested /* */ DROP TABLE t */',
    // a $$ literal in PostgreSQL is code to MySQL
    'SELECT $$ grant all $$',
  ])('blocks %j', (sql) => {
    expect(isDestructiveSql(sql)).toBe(true);
  });
});
