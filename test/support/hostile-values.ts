/**
 * Hostile request values for property tests of the HTTP edge, as raw JSON text: what
 * JSON.stringify cannot produce (-0, 1e400, a lone surrogate escape, a `__proto__` member, 3,000
 * levels) is sent exactly as written. `refused`: the input check must refuse it with a 400 naming
 * the field wherever it lands in a body.
 */
export interface Hostile {
  name: string;
  json: string;
  refused: boolean;
}

const text = (name: string, value: string, refused = false): Hostile => ({ name, json: JSON.stringify(value), refused });
const raw = (name: string, json: string, refused = false): Hostile => ({ name, json, refused });

export const HOSTILE: readonly Hostile[] = [
  text('NUL inside', 'agent\u0000x', true),
  text('NUL alone', '\u0000', true),
  text('SOH', 'a\u0001b'),
  text('ANSI escape', '\u001b[31mred'),
  text('DEL', 'x\u007f'),
  text('C1 NEL', 'a\u0085b'),
  text('line feed', 'two\nlines'),
  raw('lone high surrogate', '"tail\\ud800"', true),
  raw('lone low surrogate', '"\\udfffhead"', true),
  raw('reversed surrogate pair', '"\\udc00\\ud800"', true),
  text('spaces only', '   '),
  text('tab only', '\t'),
  text('no-break and ideographic spaces only', '\u00a0\u3000'),
  text('empty', ''),
  text('64 KiB', 'x'.repeat(64 * 1024)),
  text('64 KiB of astral characters', '😀'.repeat(16 * 1024)),
  raw('1e308', '1e308'),
  raw('-0', '-0'),
  raw('2^53+1', '9007199254740993'),
  raw('huge exponent', '1e400', true),
  raw('huge negative exponent', '-1e400', true),
  raw('tiny exponent', '1e-400'),
  raw('negative fraction', '-1.5'),
  raw('true', 'true'),
  raw('null', 'null'),
  raw('empty array', '[]'),
  raw('empty object', '{}'),
  raw('mixed array', '[1,"a",null,{"b":[]}]'),
  raw('NUL in a nested object', '{"k":{"v":"\\u0000"}}', true),
  raw('__proto__ member', '{"__proto__":{"admin":true}}', true),
  raw('constructor member', '{"constructor":{"prototype":{"admin":true}}}', true),
  raw('prototype member', '{"prototype":1}', true),
  raw('3,000 nested arrays', '['.repeat(3000) + ']'.repeat(3000), true),
  raw('3,000 nested objects', '{"a":'.repeat(3000) + '1' + '}'.repeat(3000), true),
];

/** Members a hostile body may carry beside the real ones (all refused). */
export const HOSTILE_MEMBERS: readonly string[] = ['"__proto__":{"admin":true}', '"constructor":{"name":"x"}', '"prototype":{}'];

/** Mulberry32: a small seeded PRNG, so every run sends the same values and a failure replays. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct entries of `list`, drawn with `random`. */
export function pick<T>(list: readonly T[], count: number, random: () => number): T[] {
  const pool = [...list];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return out;
}

/**
 * Percent-encodes every UTF-16 code unit, a lone surrogate included (as the three bytes WTF-8 gives
 * it, which no UTF-8 decoder turns back into a string): `encodeURIComponent` throws on those.
 */
export function urlEncode(value: string): string {
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    out += cp >= 0xd800 && cp <= 0xdfff ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('') : encodeURIComponent(ch);
  }
  return out;
}

/** The text a URL carries for a hostile value: a string as itself, anything else as its JSON. */
export function urlText(h: Hostile): string {
  const parsed: unknown = h.json.startsWith('"') ? JSON.parse(h.json) : h.json;
  return typeof parsed === 'string' ? parsed : h.json;
}

export type FieldPath = ReadonlyArray<string | number>;

/** How the API names a field: `resource.toolId`, `context.dataTypes[0]`. */
export function fieldName(path: FieldPath): string {
  return path.reduce<string>((name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${key}` : key), '');
}

type Entry = [string | number, unknown];
const entriesOf = (value: object): Entry[] => (Array.isArray(value) ? value.map((v, i): Entry => [i, v]) : Object.entries(value));

/** Every member and array entry of a JSON value, parents before children. */
export function fieldPaths(value: unknown, prefix: FieldPath = []): FieldPath[] {
  if (value === null || typeof value !== 'object') return [];
  return entriesOf(value).flatMap(([key, child]) => [[...prefix, key], ...fieldPaths(child, [...prefix, key])]);
}

/** Every object of a JSON value (the root first), where a hostile member can be added. */
export function objectPaths(value: unknown, prefix: FieldPath = []): FieldPath[] {
  if (value === null || typeof value !== 'object') return [];
  const below = entriesOf(value).flatMap(([key, child]) => objectPaths(child, [...prefix, key]));
  return Array.isArray(value) ? below : [prefix, ...below];
}

const MARK = '\u2063hostile\u2063';

function at(body: unknown, path: FieldPath): any {
  return path.reduce<any>((node, key) => node[key], body);
}

/** The JSON text of `body` with the value at `path` replaced by the raw JSON `json`. */
export function withValue(body: unknown, path: FieldPath, json: string): string {
  const copy = structuredClone(body);
  at(copy, path.slice(0, -1))[path[path.length - 1]!] = MARK;
  return JSON.stringify(copy).replace(JSON.stringify(MARK), () => json);
}

/** The JSON text of `body` with the raw member `member` (`"key":value`) added to the object at `path`. */
export function withMember(body: unknown, path: FieldPath, member: string): string {
  const copy = structuredClone(body);
  at(copy, path)[MARK] = 0;
  return JSON.stringify(copy).replace(`${JSON.stringify(MARK)}:0`, () => member);
}
