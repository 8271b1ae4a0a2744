/**
 * The connector sandbox's target check (OARS v1 §2.18 step 2): a target that names a loopback,
 * private, link-local, CGNAT, benchmarking or cloud-metadata address is refused before any
 * connector runs. Host names are not resolved (pure). Fails closed where the reference let
 * through: a bare IPv6 literal (`fd00::1`), a bracketed literal with a port (`[::1]:80`),
 * IPv4-compatible and NAT64 IPv6 forms, any URL scheme (`postgres://10.0.0.1/db`), userinfo
 * (`user@127.0.0.1`), `*.localhost`, and a URL that does not parse.
 */
export function isBlockedSandboxTarget(target: string): boolean {
  const normalized = target.trim().toLowerCase();
  if (['169.254.', 'metadata.internal', 'metadata.google'].some((s) => normalized.includes(s))) return true;
  const host = hostOf(normalized);
  if (host === null) return true;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v4 = parseIpv4(host);
  if (v4) return isBlockedIpv4(v4);
  const v6 = parseIpv6(host);
  return v6 ? isBlockedIpv6(v6) : false;
}

/** The host a target names (null: a URL that does not parse). Non-URL identifiers (`project:SEC`) yield their first segment. */
function hostOf(target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(target)) {
    try {
      return stripHost(new URL(target).hostname);
    } catch {
      return null;
    }
  }
  const authority = target.split('/')[0]!;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (host.startsWith('[')) return host.slice(1).split(']')[0]!;
  if (parseIpv6(host)) return host;
  return stripHost(host.split(':')[0]!);
}

function stripHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').replace(/\.$/, '');
}

function parseIpv4(host: string): number[] | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function isBlockedIpv4([a, b]: number[]): boolean {
  return (
    a === 0 || // 0.0.0.0/8
    a === 10 || // 10.0.0.0/8
    a === 127 || // 127.0.0.0/8
    (a === 100 && b! >= 64 && b! <= 127) || // 100.64.0.0/10 CGNAT
    (a === 169 && b === 254) || // 169.254.0.0/16 link-local
    (a === 172 && b! >= 16 && b! <= 31) || // 172.16.0.0/12
    (a === 192 && b === 168) || // 192.168.0.0/16
    (a === 198 && (b === 18 || b === 19)) // 198.18.0.0/15 benchmarking
  );
}

/** Eight 16-bit groups, or null. Accepts `::` compression, a zone id and a dotted IPv4 tail. */
function parseIpv6(host: string): number[] | null {
  let text = host.split('%')[0]!;
  if (!text.includes(':') || !/^[0-9a-f:.]+$/.test(text)) return null;
  if (text.includes('.')) {
    const cut = text.lastIndexOf(':');
    const v4 = parseIpv4(text.slice(cut + 1));
    if (!v4) return null;
    text = `${text.slice(0, cut + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const known = head.length + rest.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const hex = (g: string) => parseInt(g, 16);
  return [...head.map(hex), ...new Array<number>(8 - known).fill(0), ...rest.map(hex)];
}

function isBlockedIpv6(g: number[]): boolean {
  const embeddedV4 = () => isBlockedIpv4([g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff]);
  const prefix = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (prefix(6)) return true; // ::/96: unspecified, loopback, IPv4-compatible
  if (prefix(5) && g[5] === 0xffff) return embeddedV4(); // ::ffff:0:0/96 IPv4-mapped
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embeddedV4(); // 64:ff9b::/96 NAT64
  if ((g[0]! & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g[0]! & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  return false;
}
