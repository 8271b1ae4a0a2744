import { base32Decode, base32Encode, hotp, otpauthUri, totpCode, totpTimeStep, verifyTotp } from './totp';

/** RFC 6238 Appendix B: the SHA-1 seed and its 8-digit codes. */
const RFC6238_SEED = Buffer.from('12345678901234567890', 'ascii');
const RFC6238_SHA1: Array<[number, string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238, SHA-1)', () => {
  it.each(RFC6238_SHA1)('matches the RFC 6238 test vector at T=%i', (seconds, expected) => {
    expect(totpCode(RFC6238_SEED, seconds * 1000, 8)).toBe(expected);
    expect(totpCode(RFC6238_SEED, seconds * 1000)).toBe(expected.slice(2));
  });

  it('matches the RFC 4226 HOTP values for counters 0 to 9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(RFC6238_SEED, counter))).toEqual(expected);
  });

  it('encodes and decodes base32 as RFC 4648 does', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw6ytboi======').toString()).toBe('foobar');
    expect(base32Decode(base32Encode(RFC6238_SEED))).toEqual(RFC6238_SEED);
    expect(() => base32Decode('ABC1')).toThrow(RangeError);
  });

  it('accepts one step of drift either way and nothing further', () => {
    const now = 1_700_000_000_000;
    const step = totpTimeStep(now);
    expect(verifyTotp(RFC6238_SEED, hotp(RFC6238_SEED, step - 1), now, null)).toEqual({ ok: true, timeStep: step - 1 });
    expect(verifyTotp(RFC6238_SEED, hotp(RFC6238_SEED, step + 1), now, null)).toEqual({ ok: true, timeStep: step + 1 });
    expect(verifyTotp(RFC6238_SEED, hotp(RFC6238_SEED, step + 2), now, null)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyTotp(RFC6238_SEED, 'abcdef', now, null)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a code of a step at or before the last used one as replayed', () => {
    const now = 1_700_000_000_000;
    const step = totpTimeStep(now);
    const code = hotp(RFC6238_SEED, step);
    expect(verifyTotp(RFC6238_SEED, code, now, step)).toEqual({ ok: false, reason: 'replayed' });
    expect(verifyTotp(RFC6238_SEED, code, now, step - 1)).toEqual({ ok: true, timeStep: step });
  });

  it('builds the otpauth URI even for a subject with a lone surrogate', () => {
    expect(otpauthUri('OARS', 'bad\uD800', 'MZXW6YTBOI')).toBe('otpauth://totp/OARS:bad%EF%BF%BD?secret=MZXW6YTBOI&issuer=OARS&algorithm=SHA1&digits=6&period=30');
  });

  it('builds the otpauth URI authenticator apps import', () => {
    expect(otpauthUri('OARS', 'alice@example.com', 'MZXW6YTBOI')).toBe(
      'otpauth://totp/OARS:alice%40example.com?secret=MZXW6YTBOI&issuer=OARS&algorithm=SHA1&digits=6&period=30',
    );
  });
});
