import type { LookupAddress } from 'node:dns';
import { PrivateNetworkTargetError, isMetadataHostName, isPrivateAddress } from './private-network';
import { publicOnlyLookup, resolvePublicAddresses } from './public-lookup';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
    '0.0.0.0', '198.18.0.1', '224.0.0.1', '255.255.255.255', '192.0.0.8',
    '::', '::1', 'fc00::1', 'fd00:ec2::254', 'fe80::1', 'fe80::1%eth0', 'fec0::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::127.0.0.1', '64:ff9b::10.0.0.1', '64:ff9b:1::1', '2002:a00:1::1', '[::1]',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1', '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:808:808::1'])(
    'lets %s through',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('knows the cloud metadata host names', () => {
    expect(isMetadataHostName('metadata.google.internal')).toBe(true);
    expect(isMetadataHostName('METADATA.google.internal.')).toBe(true);
    expect(isMetadataHostName('api.example.com')).toBe(false);
  });
});

const resolver = (table: Record<string, LookupAddress[]>) => async (host: string) => table[host] ?? [];
const v4 = (address: string): LookupAddress => ({ address, family: 4 });

describe('resolvePublicAddresses (every address a name resolves to is checked)', () => {
  const dns = resolver({
    'api.example.com': [v4('93.184.216.34')],
    'rebind.example.com': [v4('93.184.216.34'), v4('10.0.0.7')],
    'internal.example.com': [{ address: 'fd12::1', family: 6 }],
  });

  it('returns the addresses of a public name', async () => {
    await expect(resolvePublicAddresses('api.example.com', dns)).resolves.toEqual([v4('93.184.216.34')]);
  });

  it('refuses a name with any private address, private IP literals and metadata names', async () => {
    await expect(resolvePublicAddresses('rebind.example.com', dns)).rejects.toThrow('rebind.example.com resolves to 10.0.0.7, a private network address');
    await expect(resolvePublicAddresses('internal.example.com', dns)).rejects.toBeInstanceOf(PrivateNetworkTargetError);
    await expect(resolvePublicAddresses('[::1]', dns)).rejects.toThrow('::1 is a private network address');
    await expect(resolvePublicAddresses('169.254.169.254', dns)).rejects.toBeInstanceOf(PrivateNetworkTargetError);
    await expect(resolvePublicAddresses('metadata.google.internal', dns)).rejects.toBeInstanceOf(PrivateNetworkTargetError);
  });

  it('refuses localhost through the system resolver', async () => {
    await expect(resolvePublicAddresses('localhost')).rejects.toBeInstanceOf(PrivateNetworkTargetError);
  });

  it('serves as the socket lookup, in both callback forms', async () => {
    const lookup = publicOnlyLookup(dns);
    const one = await new Promise((resolve) => lookup('api.example.com', {}, (err, address, family) => resolve({ err, address, family })));
    expect(one).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    const all = await new Promise((resolve) => lookup('api.example.com', { all: true }, (err, addresses) => resolve({ err, addresses })));
    expect(all).toEqual({ err: null, addresses: [v4('93.184.216.34')] });
    const refused = await new Promise<Error | null>((resolve) => lookup('rebind.example.com', {}, (err) => resolve(err)));
    expect(refused).toBeInstanceOf(PrivateNetworkTargetError);
  });
});
