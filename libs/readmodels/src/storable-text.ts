import type { SqlExecutor } from '@oars/db';

/** Characters a Postgres text value cannot hold: NUL, and UTF-16 surrogates (checked for pairing below). */
const SUSPECT = /[\u0000\ud800-\udfff]/;
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** U+FFFD REPLACEMENT CHARACTER. */
export const REPLACEMENT_CHARACTER = '\ufffd';

/**
 * The text Postgres can store for `value`, deterministically: every NUL (U+0000) and every lone
 * UTF-16 surrogate becomes U+FFFD; anything else is unchanged (the same string is returned).
 * Postgres rejects NUL in text (`invalid byte sequence for encoding "UTF8": 0x00`, SQLSTATE 22021)
 * and a lone surrogate has no UTF-8 form (drivers already send it as U+FFFD; doing it here makes
 * the read models independent of the driver).
 */
export function storableText(value: string): string {
  if (!SUSPECT.test(value)) return value;
  return value.replace(NUL, REPLACEMENT_CHARACTER).replace(LONE_SURROGATE, REPLACEMENT_CHARACTER);
}

function storableParam(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableParam);
  return value;
}

/**
 * `tx` with `storableText` applied to every string parameter (and every string in an array
 * parameter) of every query: the one place where read-model text is made storable. JSON documents
 * the projections store (`JSON.stringify`) pass unchanged: JSON writes NUL and lone surrogates as
 * the ASCII escapes `\u0000` and `\udXXX`, which a text column holds, so the signed receipt body
 * stays exact. Read models MUST keep JSON in text columns: `jsonb` rejects those escapes.
 */
export function storableExecutor(tx: SqlExecutor): SqlExecutor {
  return { query: (text, params) => tx.query(text, params?.map(storableParam)) };
}
