/**
 * The stream of the platform itself in each region: state that belongs to no tenant (platform-wide
 * on-call, the backup catalogue, releases, reviews). It is a stream like a tenant's, chained and
 * signed by the same writer with its own key, under a name reserved for it: the leading underscore
 * keeps it apart from tenant ids in logs and listings, and `isReservedStreamId` is what the edges
 * (token configuration, tenant routes) refuse as a tenant id. Each region's store holds its own,
 * so the name carries no region: JetStream files it as `<prefix>_<REGION>__platform`.
 */
export const PLATFORM_STREAM = '_platform';

/** True for a stream id no tenant may take. */
export function isReservedStreamId(id: string): boolean {
  return id === PLATFORM_STREAM;
}

/** True for the stream of a tenant (every stream but the platform's). */
export function isTenantStream(stream: string): boolean {
  return !isReservedStreamId(stream);
}
