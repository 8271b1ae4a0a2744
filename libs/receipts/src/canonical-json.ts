/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * - object members sorted by their names' UTF-16 code units (the default `Array.prototype.sort`
 *   order, never `localeCompare`);
 * - numbers in ECMAScript `Number.prototype.toString` form (what `JSON.stringify` emits), so
 *   `-0` is `0`, `1e21` is `1e+21`, `0.0000001` is `1e-7`;
 * - strings escaped exactly as `JSON.stringify` escapes them;
 * - no whitespace.
 *
 * This file MUST stay free of `node:` imports and `Buffer`: the portable verifier uses it in browsers.
 */

/** The value cannot be represented in canonical JSON (non-finite number, function, symbol, BigInt, cycle, …). */
export class CanonicalizationError extends Error {
  readonly code = 'canonicalization_error';
  /** Where the offending value sits, e.g. `$.data.items[2]`. */
  path = '';
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CanonicalizationError';
  }
}

/**
 * Canonical JSON text of `value`. `undefined` object members are omitted (as `JSON.stringify` does);
 * `undefined` array elements become `null`; objects with `toJSON` (e.g. `Date`) go through it.
 * MUST throw {@link CanonicalizationError} for anything JSON cannot carry faithfully: `undefined` at
 * the top level, non-finite numbers, functions, symbols, BigInt, Map/Set/typed arrays, cycles.
 */
export function canonicalize(value: unknown): string {
  if (value === undefined) throw new CanonicalizationError('undefined is not a JSON value');
  try {
    return write(value, new Set<object>());
  } catch (error) {
    if (error instanceof CanonicalizationError) error.message = `${error.reason} at $${error.path}.`;
    throw error;
  }
}

function write(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalizationError(`Non-finite number ${value}`);
      // For finite numbers String() is Number.prototype.toString, exactly what JCS requires (-0 -> "0").
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : writeObject(value, ancestors);
    case 'undefined':
      return 'null';
    default:
      throw new CanonicalizationError(`A ${typeof value} is not a JSON value`);
  }
}

function writeObject(value: object, ancestors: Set<object>): string {
  const toJson = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJson === 'function') return write(toJson.call(value), ancestors);
  if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) {
    throw new CanonicalizationError(`A ${value.constructor.name} is not a JSON value`);
  }
  if (ancestors.has(value)) throw new CanonicalizationError('Circular reference');
  ancestors.add(value);
  const out = Array.isArray(value) ? writeArray(value, ancestors) : writeMembers(value as Record<string, unknown>, ancestors);
  ancestors.delete(value);
  return out;
}

function writeArray(items: unknown[], ancestors: Set<object>): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    try {
      out += write(items[i], ancestors);
    } catch (error) {
      throw at(error, `[${i}]`);
    }
  }
  return out + ']';
}

/**
 * Member names as JSON strings, remembered: receipts repeat the same few dozen names, and escaping
 * them was a quarter of the time canonicalising one. Bounded, so arbitrary input cannot grow it.
 */
const quotedNames = new Map<string, string>();
const MAX_QUOTED_NAMES = 10_000;

function quoted(name: string): string {
  let q = quotedNames.get(name);
  if (q === undefined) {
    q = JSON.stringify(name);
    if (quotedNames.size < MAX_QUOTED_NAMES) quotedNames.set(name, q);
  }
  return q;
}

function writeMembers(record: Record<string, unknown>, ancestors: Set<object>): string {
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    try {
      out += quoted(key) + ':' + write(member, ancestors);
    } catch (error) {
      throw at(error, `.${key}`);
    }
  }
  return out + '}';
}

function at(error: unknown, segment: string): unknown {
  if (error instanceof CanonicalizationError) error.path = segment + error.path;
  return error;
}
