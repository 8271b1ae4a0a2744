import type { Principal } from '../auth/token-registry';
import { notFound } from '../http/api-error';

/**
 * A stream read by tenant id answers 404 for a tenant the token does not hold, as for one that does
 * not exist, like every read by id: no answer tells a caller which other tenants exist.
 */
export function assertReadableStream(caller: Principal, tenantId: string): void {
  if (!caller.tenantIds.includes(tenantId)) throw notFound('Tenant stream');
}
