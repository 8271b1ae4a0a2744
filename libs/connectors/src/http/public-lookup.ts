import { type LookupAddress, promises as dns } from 'node:dns';
import { type LookupFunction, isIP } from 'node:net';
import { PrivateNetworkTargetError, isMetadataHostName, isPrivateAddress } from './private-network';

/** Every address of a host name (the system resolver: `dns.lookup` with `all: true`). */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolveAll: ResolveAll = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * The addresses of `hostname`, refused with `PrivateNetworkTargetError` when it is a metadata host
 * name, a private IP literal, or when ANY address it resolves to is private (a name with one public
 * and one private address is refused: the connection could use either).
 */
export async function resolvePublicAddresses(hostname: string, resolveAll: ResolveAll = systemResolveAll): Promise<LookupAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (isMetadataHostName(host)) throw new PrivateNetworkTargetError(host, null);
  const family = isIP(host);
  if (family !== 0) {
    if (isPrivateAddress(host)) throw new PrivateNetworkTargetError(host, host);
    return [{ address: host, family }];
  }
  const addresses = await resolveAll(host);
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  const refused = addresses.find((a) => isPrivateAddress(a.address));
  if (refused) throw new PrivateNetworkTargetError(host, refused.address);
  return addresses;
}

/**
 * A `lookup` for `http.request`: the socket can only connect to addresses checked here, so there is
 * no window between the check and the connection for DNS rebinding. (IP literals skip `lookup`;
 * callers check them with `resolvePublicAddresses` first.)
 */
export function publicOnlyLookup(resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolvePublicAddresses(hostname, resolveAll).then(
      (addresses) => {
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const wanted = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
        if (wanted.length === 0) callback(Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' }), '', 0);
        else if (options.all) callback(null, wanted);
        else callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (err: Error) => callback(err, '', 0),
    );
  };
}
