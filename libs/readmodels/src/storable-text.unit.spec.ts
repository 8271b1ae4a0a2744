import { storableExecutor, storableText } from './storable-text';

describe('storableText', () => {
  it('replaces NUL and lone surrogates with U+FFFD and keeps everything else', () => {
    expect(storableText('agent\u0000one\u0000')).toBe('agent\ufffdone\ufffd');
    expect(storableText('a\ud800b')).toBe('a\ufffdb');
    expect(storableText('a\udc00b\ud83d')).toBe('a\ufffdb\ufffd');
    expect(storableText('emoji \ud83d\ude00 stays')).toBe('emoji \ud83d\ude00 stays');
    expect(storableText('\udc00\ud800\ude00')).toBe('\ufffd\ud800\ude00');
    const plain = 'plain text, ünïcødé';
    expect(storableText(plain)).toBe(plain);
  });

  it('is deterministic and idempotent: applying it twice changes nothing more', () => {
    const once = storableText('x\u0000\ud800\udfff\udfff');
    expect(once).toBe('x\ufffd\ud800\udfff\ufffd');
    expect(storableText(once)).toBe(once);
  });
});

describe('storableExecutor', () => {
  it('makes every string parameter storable, in arrays too, and leaves JSON text and other values alone', async () => {
    const seen: unknown[][] = [];
    const tx = storableExecutor({ query: async (_text, params) => (seen.push([...(params ?? [])]), { rows: [], rowCount: 0 }) });
    const json = JSON.stringify({ agentId: 'a\u0000\ud800' });
    await tx.query('SELECT $1, $2, $3, $4, $5', ['a\u0000', ['b\u0000', 'c'], json, 42, null]);
    expect(seen).toEqual([['a\ufffd', ['b\ufffd', 'c'], json, 42, null]]);
    expect(json).toBe('{"agentId":"a\\u0000\\ud800"}');
  });
});
