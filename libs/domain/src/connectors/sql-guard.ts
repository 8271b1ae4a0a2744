/**
 * The simulated database connector's read-only guard (OARS v1 §2.18): blocks DROP, TRUNCATE,
 * GRANT, REVOKE, DELETE FROM and ALTER TABLE outside comments and string literals, so harmless
 * text inside a literal is not a false positive.
 *
 * Unlike the reference (which removed `--` comments before literals, so `SELECT '--'; DROP TABLE t`
 * passed), this scans left to right. Because the simulator has no dialect, the text is scanned
 * twice, as standard/PostgreSQL SQL ('' doubling, E'' escapes, $tag$ quotes, nested comments)
 * and as MySQL-like SQL (backslash escapes, # comments, `ident`, executable /*! comments), and
 * is blocked if either reading reveals a blocked statement. An unterminated literal or comment
 * is not stripped (fails closed).
 */
export function isDestructiveSql(sql: string): boolean {
  return BLOCKED.test(visibleCode(sql, 'standard')) || BLOCKED.test(visibleCode(sql, 'mysql'));
}

const BLOCKED = /\b(?:drop|truncate|grant|revoke|delete\s+from|alter\s+table)\b/;

type Dialect = 'standard' | 'mysql';

/** The SQL with comments and literals replaced by spaces, lowercased, non-word runs collapsed to one space. */
export function visibleCode(sql: string, dialect: Dialect): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const end = skipHiddenAt(sql, i, dialect);
    if (end > i) {
      out += ' ';
      i = end;
    } else {
      out += sql[i];
      i += 1;
    }
  }
  return out.toLowerCase().replace(/[^a-z0-9_]+/g, ' ');
}

/** If a comment or literal starts at `i`, the index just past it; otherwise `i`. Unterminated: `i`. */
function skipHiddenAt(sql: string, i: number, dialect: Dialect): number {
  const c = sql[i]!;
  const next = sql[i + 1];
  if (c === '-' && next === '-') return lineEnd(sql, i);
  if (c === '#' && dialect === 'mysql') return lineEnd(sql, i);
  if (c === '/' && next === '*') {
    if (dialect === 'mysql' && /^(?:!|M!)/.test(sql.slice(i + 2, i + 4))) return i; // executable comment
    return blockCommentEnd(sql, i, dialect === 'standard');
  }
  if (c === "'" || c === '"' || (c === '`' && dialect === 'mysql')) {
    const escapes = dialect === 'mysql' || (c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? ''));
    return quotedEnd(sql, i, c, escapes);
  }
  if (c === '$' && dialect === 'standard' && !/[\w$]/.test(sql[i - 1] ?? '')) {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
    if (!tag) return i;
    const close = sql.indexOf(tag, i + tag.length);
    return close === -1 ? i : close + tag.length;
  }
  return i;
}

function lineEnd(sql: string, i: number): number {
  const newline = sql.slice(i).search(/[\r\n]/);
  return newline === -1 ? sql.length : i + newline;
}

function blockCommentEnd(sql: string, i: number, nested: boolean): number {
  let depth = 0;
  for (let j = i; j < sql.length - 1; j++) {
    if (sql[j] === '/' && sql[j + 1] === '*' && (nested || depth === 0)) {
      depth += 1;
      j += 1;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth -= 1;
      j += 1;
      if (depth === 0) return j + 1;
    }
  }
  return i;
}

function quotedEnd(sql: string, i: number, quote: string, backslashEscapes: boolean): number {
  for (let j = i + 1; j < sql.length; j++) {
    if (backslashEscapes && sql[j] === '\\') j += 1;
    else if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 1;
      else return j + 1;
    }
  }
  return i;
}
