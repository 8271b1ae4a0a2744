import { isIP } from 'node:net';

/** A connector target resolved to (or is) an address in a private network, and that is not allowed. */
export class PrivateNetworkTargetError extends Error {
  readonly code = 'private_network_target';
  constructor(
    readonly host: string,
    readonly address: string | null,
  ) {
    super(address && address !== host ? `${host} resolves to ${address}, a private network address` : `${host} is a private network address`);
    this.name = 'PrivateNetworkTargetError';
  }
}

/** [network, prefix length] of IPv4 ranges that are not the public internet. */
const V4_PRIVATE: ReadonlyArray<[number, number]> = (
  [
    ['0.0.0.0', 8], // "this" network
    ['10.0.0.0', 8], // RFC 1918
    ['100.64.0.0', 10], // carrier-grade NAT
    ['127.0.0.0', 8], // loopback
    ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
    ['172.16.0.0', 12], // RFC 1918
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.168.0.0', 16], // RFC 1918
    ['198.18.0.0', 15], // benchmarking
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, broadcast
  ] as const
).map(([net, bits]) => [v4ToInt(net), bits]);

/** Host names of cloud metadata services, refused whatever they resolve to. */
const METADATA_HOSTS: ReadonlySet<string> = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/**
 * True for addresses outside the public internet: loopback, RFC 1918, carrier-grade NAT,
 * link-local (cloud metadata), multicast and reserved IPv4; and for IPv6 the unspecified and
 * loopback addresses, unique-local (fc00::/7), link-local (fe80::/10), site-local, multicast, and
 * any IPv4 address embedded in it (mapped, compatible, NAT64, 6to4). Anything unparsable is private.
 */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return isPrivateV4(v4ToInt(bare));
  if (family === 6) return isPrivateV6(v6ToBytes(bare));
  return true;
}

/** Cloud metadata host names (refused by name, before any lookup). */
export function isMetadataHostName(hostname: string): boolean {
  return METADATA_HOSTS.has(hostname.toLowerCase().replace(/\.$/, ''));
}

function isPrivateV4(ip: number): boolean {
  return V4_PRIVATE.some(([net, bits]) => (bits === 0 ? true : ip >>> (32 - bits) === net >>> (32 - bits)));
}

function isPrivateV6(b: number[]): boolean {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4At = (i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return isPrivateV4(v4At(12)); // ::ffff:a.b.c.d
  if (zeros(0, 12)) return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    return zeros(4, 12) ? isPrivateV4(v4At(12)) : true; // NAT64 64:ff9b::/96; local-use 64:ff9b:1::/48
  }
  if (b[0] === 0x20 && b[1] === 0x02) return isPrivateV4(v4At(2)); // 6to4 2002::/16
  if ((b[0]! & 0xfe) === 0xfc) return true; // unique local fc00::/7
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return true; // link-local fe80::/10
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0xc0) return true; // site-local fec0::/10
  return b[0] === 0xff; // multicast
}

function v4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** 16 bytes of a valid IPv6 address (checked with isIP first). */
function v6ToBytes(ip: string): number[] {
  // A trailing dotted IPv4 part becomes its two hex groups: ::ffff:1.2.3.4 -> ::ffff:102:304.
  const text = ip.toLowerCase().replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = groups(head!);
  const right = tail === undefined ? [] : groups(tail);
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((w) => [w >>> 8, w & 0xff]);
}
