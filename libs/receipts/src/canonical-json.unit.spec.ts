import { CanonicalizationError, canonicalize, canonicalizeExactly } from './canonical-json';
import { randomJson, shuffleKeys } from '../test-support/random-json';
import { SeededRandom } from '../test-support/seeded-random';

/** RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text. */
const RFC_NUMBERS: Array<[string, string]> = [
  ['0000000000000000', '0'],
  ['8000000000000000', '0'],
  ['0000000000000001', '5e-324'],
  ['8000000000000001', '-5e-324'],
  ['7fefffffffffffff', '1.7976931348623157e+308'],
  ['ffefffffffffffff', '-1.7976931348623157e+308'],
  ['4340000000000000', '9007199254740992'],
  ['c340000000000000', '-9007199254740992'],
  ['4430000000000000', '295147905179352830000'],
  ['44b52d02c7e14af5', '9.999999999999997e+22'],
  ['44b52d02c7e14af6', '1e+23'],
  ['44b52d02c7e14af7', '1.0000000000000001e+23'],
  ['444b1ae4d6e2ef4e', '999999999999999700000'],
  ['444b1ae4d6e2ef4f', '999999999999999900000'],
  ['444b1ae4d6e2ef50', '1e+21'],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
  ['3eb0c6f7a0b5ed8d', '0.000001'],
  ['41b3de4355555553', '333333333.3333332'],
  ['41b3de4355555554', '333333333.33333325'],
  ['41b3de4355555555', '333333333.3333333'],
  ['41b3de4355555556', '333333333.3333334'],
  ['41b3de4355555557', '333333333.33333343'],
  ['becbf647612f3696', '-0.0000033333333333333333'],
  ['43143ff3c1cb0959', '1424953923781206.2'],
];

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalize (RFC 8785)', () => {
  it.each(RFC_NUMBERS)('serialises the double %s as %s', (bits, expected) => {
    expect(canonicalize(fromBits(bits))).toBe(expected);
  });

  it('serialises the common number forms as ECMAScript does', () => {
    expect(canonicalize([1e21, 1e-7, -0, 333333333.3333333, 1e20, 0.1, 100, 4.5, 2e-3])).toBe(
      '[1e+21,1e-7,0,333333333.3333333,100000000000000000000,0.1,100,4.5,0.002]',
    );
  });

  it('reproduces the RFC 8785 §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts members by UTF-16 code units (RFC 8785 §3.2.3), not by locale', () => {
    const input = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis","€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(canonicalize({ b: 1, B: 2, _x: 3, a: 4, ab: 5, aB: 6, Z: 7 })).toBe('{"B":2,"Z":7,"_x":3,"a":4,"aB":6,"ab":5,"b":1}');
  });

  it('escapes member names the same way on every call (escaped names are remembered)', () => {
    const names = { 'q"uote': 1, 'back\\slash': 2, '\u0007bell': 3, '\ud800lone': 4 };
    const expected = '{"\\u0007bell":3,"back\\\\slash":2,"q\\"uote":1,"\\ud800lone":4}';
    expect(canonicalize(names)).toBe(expected);
    expect(canonicalize(names)).toBe(expected);
    expect(canonicalize({ outer: names })).toBe(`{"outer":${expected}}`);
  });

  it('omits undefined members, writes undefined array items as null and uses toJSON', () => {
    expect(canonicalize({ a: undefined, b: [undefined, 1], c: new Date(0) })).toBe('{"b":[null,1],"c":"1970-01-01T00:00:00.000Z"}');
  });

  it.each([
    ['undefined at the top level', undefined],
    ['NaN', { a: [1, Number.NaN] }],
    ['Infinity', { a: Number.POSITIVE_INFINITY }],
    ['a function', { a: () => 1 }],
    ['a symbol', { a: Symbol('x') }],
    ['a BigInt', { a: BigInt(1) }],
    ['a Map', { a: new Map() }],
    ['a typed array', new Uint8Array(2)],
  ])('rejects %s with canonicalization_error', (_name, value) => {
    expect(() => canonicalize(value)).toThrow(CanonicalizationError);
    try {
      canonicalize(value);
    } catch (error) {
      expect((error as CanonicalizationError).code).toBe('canonicalization_error');
    }
  });

  it('names where the offending value is and rejects cycles', () => {
    expect(() => canonicalize({ a: { b: [0, Number.NaN] } })).toThrow('at $.a.b[1].');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { again: cyclic };
    expect(() => canonicalize(cyclic)).toThrow('Circular reference at $.self.again.');
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('writes what the exact path writes where the native path must step aside', () => {
    // Array-index member names: objects keep them in numeric order, JCS sorts them as strings.
    expect(canonicalize({ 10: 'a', 9: 'b', x: 1, '01': 2 })).toBe('{"01":2,"10":"a","9":"b","x":1}');
    expect(canonicalize({ n: { 4294967295: 1, 4294967294: 2 } })).toBe('{"n":{"4294967294":2,"4294967295":1}}');
    // Boxed primitives are objects to JCS here, as before.
    expect(canonicalize({ s: new String('ab') })).toBe(canonicalizeExactly({ s: new String('ab') }));
    expect(() => canonicalize({ m: new Map() })).toThrow(CanonicalizationError);
    expect(() => canonicalize({ f: () => 1 })).toThrow('at $.f.');
    expect(() => canonicalize({ b: 1n })).toThrow(CanonicalizationError);
    expect(() => canonicalize([Number.POSITIVE_INFINITY])).toThrow('at $[0].');
    expect(canonicalize({ d: new Date(0), u: undefined, a: [undefined, -0] })).toBe('{"a":[null,0],"d":"1970-01-01T00:00:00.000Z"}');
    expect(canonicalize('\ud800')).toBe(canonicalizeExactly('\ud800'));
  });

  describe('properties over random nested JSON', () => {
    const seeds = Array.from({ length: 20 }, (_, i) => 1000 + i);

    it.each(seeds)('seed %i: the native path writes exactly what the exact path writes', (seed) => {
      const random = new SeededRandom(seed);
      for (let i = 0; i < 50; i++) {
        const value = randomJson(random);
        const shuffled = shuffleKeys(value, random);
        expect(canonicalize(shuffled)).toBe(canonicalizeExactly(shuffled));
      }
    });

    it.each(seeds)('seed %i: key order does not matter and canonical text is a fixed point', (seed) => {
      const random = new SeededRandom(seed);
      for (let i = 0; i < 50; i++) {
        const value = randomJson(random);
        const text = canonicalize(value);
        expect(canonicalize(shuffleKeys(value, random))).toBe(text);
        expect(canonicalize(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(text).not.toMatch(/^\s|\s$/);
      }
    });
  });
});
