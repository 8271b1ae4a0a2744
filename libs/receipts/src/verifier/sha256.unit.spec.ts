import { createHash } from 'node:crypto';
import { SeededRandom } from '../../test-support/seeded-random';
import { sha256HexPortable } from './sha256';

const nodeSha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('portable SHA-256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(sha256HexPortable('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256HexPortable('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256HexPortable('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('agrees with node:crypto on every length around the block and padding boundaries', () => {
    const random = new SeededRandom(7);
    for (let length = 0; length <= 200; length++) {
      const bytes = random.bytes(length);
      expect(sha256HexPortable(bytes)).toBe(nodeSha256(bytes));
    }
  });

  it('hashes strings as UTF-8, like node:crypto', () => {
    for (const text of ['Zürich', '€', '😀', '\u0000', 'a'.repeat(100_000)]) expect(sha256HexPortable(text)).toBe(nodeSha256(text));
  });
});
