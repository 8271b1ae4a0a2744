import type { SeededRandom } from './seeded-random';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const STRING_PIECES = ['a', 'Z', '_', '1', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u0080', 'ö', '€', '\ufb33', '😀', '\ud83d\ude00', '\u2028', 'é'];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 1e-6, 333333333.3333333, 5e-324, 1.7976931348623157e308, 9007199254740992, 4.5, 2e-3, 1e30];

export function randomString(random: SeededRandom, maxPieces = 6): string {
  let out = '';
  for (let i = random.int(0, maxPieces); i > 0; i--) out += random.pick(STRING_PIECES);
  return out;
}

export function randomNumber(random: SeededRandom): number {
  switch (random.int(0, 3)) {
    case 0:
      return random.pick(NUMBERS);
    case 1:
      return random.int(-1_000_000, 1_000_000);
    case 2:
      return (random.next() - 0.5) * 10 ** random.int(-30, 30);
    default:
      return random.next();
  }
}

/** Random JSON, nested up to `depth`, with awkward strings, keys and numbers. */
export function randomJson(random: SeededRandom, depth = 4): Json {
  const kind = depth <= 0 ? random.int(0, 3) : random.int(0, 5);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random.bool();
    case 2:
      return randomNumber(random);
    case 3:
      return randomString(random);
    case 4:
      return Array.from({ length: random.int(0, 4) }, () => randomJson(random, depth - 1));
    default: {
      const out: { [key: string]: Json } = {};
      for (let i = random.int(0, 5); i > 0; i--) out[randomString(random, 3)] = randomJson(random, depth - 1);
      return out;
    }
  }
}

/** The same value with every object's members inserted in a shuffled order. */
export function shuffleKeys(value: Json, random: SeededRandom): Json {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random));
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: Json } = {};
  for (const key of random.shuffle(Object.keys(value))) out[key] = shuffleKeys(value[key], random);
  return out;
}
