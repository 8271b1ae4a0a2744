import { isBlockedSandboxTarget } from './sandbox-target';

describe('isBlockedSandboxTarget (OARS v1 §2.18 step 2)', () => {
  it.each([
    'project:SEC',
    'prod:finance',
    'db:analytics',
    '#general',
    'space:SEC',
    'https://api.example.com/v1',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.1.1',
    '198.20.0.1',
    'http://[2001:db8::1]/x',
    '2001:db8::1',
    'cafe:beef',
    'localhostish.example',
    '',
  ])('allows %j', (target) => {
    expect(isBlockedSandboxTarget(target)).toBe(false);
  });

  it.each([
    ['metadata substring', 'http://169.254.169.254/latest/meta-data'],
    ['metadata substring inside an identifier', 'x169.254.y'],
    ['GCP metadata host', 'metadata.google.internal'],
    ['metadata.internal', 'svc.metadata.internal:80'],
    ['localhost', 'localhost'],
    ['localhost with a port, upper case', 'LOCALHOST:8080'],
    ['*.localhost', 'api.localhost'],
    ['localhost URL', 'http://localhost/admin'],
    ['127/8', '127.1.2.3'],
    ['10/8', '10.0.0.5:5432'],
    ['172.16/12 lower edge', '172.16.0.1'],
    ['172.16/12 upper edge', '172.31.255.255'],
    ['192.168/16', 'https://192.168.1.10/x'],
    ['0/8', '0.0.0.0'],
    ['100.64/10', '100.64.0.1'],
    ['100.64/10 upper edge', '100.127.255.255'],
    ['198.18/15', '198.19.0.1'],
    ['any URL scheme', 'postgres://10.0.0.1:5432/db'],
    ['userinfo', 'admin@127.0.0.1'],
    ['WHATWG integer host', 'http://2130706433/'],
    ['WHATWG hex host', 'http://0x7f.1/'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['bracketed IPv6 with port', '[::1]:8080'],
    ['IPv6 URL', 'http://[::1]/'],
    ['unique local fd', 'fd00::1'],
    ['unique local fc', 'fc12:3456::1'],
    ['link-local', 'fe80::1%eth0'],
    ['mapped private IPv4', '::ffff:10.0.0.1'],
    ['mapped IPv4 in hex', '::ffff:7f00:1'],
    ['IPv4-compatible', '::127.0.0.1'],
    ['NAT64 of a private address', '64:ff9b::192.168.0.1'],
    ['an unparsable URL', 'http://[::1/'],
  ])('blocks %s (%j)', (_name, target) => {
    expect(isBlockedSandboxTarget(target)).toBe(true);
  });

  it('allows mapped and NAT64 forms of public addresses', () => {
    expect(isBlockedSandboxTarget('::ffff:8.8.8.8')).toBe(false);
    expect(isBlockedSandboxTarget('64:ff9b::8.8.8.8')).toBe(false);
  });
});
