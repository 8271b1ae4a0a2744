import { SeededRandom } from '../../test-support/seeded-random';
import { Base64DecodeError, decodeBase64, encodeBase64 } from './base64';

describe('portable base64', () => {
  it('encodes and decodes exactly like Buffer for every length', () => {
    const random = new SeededRandom(11);
    for (let length = 0; length <= 100; length++) {
      const bytes = random.bytes(length);
      const text = Buffer.from(bytes).toString('base64');
      expect(encodeBase64(bytes)).toBe(text);
      expect(Buffer.from(decodeBase64(text)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it.each(['A', 'AB=', 'A===', 'AA=A', 'AA$A', 'AB==', 'AAB=', 'QUJD\n', 'é000'])('rejects the non-canonical value %j', (text) => {
    expect(() => decodeBase64(text)).toThrow(Base64DecodeError);
  });
});
