import { policySubject } from '@oars/domain';
import { getPolicy } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import { notFound } from '../http/api-error';

/**
 * The tenant of `policyId` among `tenantIds`, or 404 (a policy of another tenant is reported as
 * missing). The read model answers first; a policy it has not projected yet (created through another
 * instance a moment ago) is looked up in each of the caller's tenant streams.
 */
export async function locatePolicyTenant(runtime: Runtime, tenantIds: readonly string[], policyId: string): Promise<string> {
  await runtime.catchUp(tenantIds);
  const projected = await getPolicy(runtime.sql, tenantIds, policyId);
  if (projected) return projected.tenantId;
  const found = await Promise.all(tenantIds.map(async (t) => ((await runtime.store.lastBySubject(t, policySubject(policyId))) ? t : null)));
  const tenantId = found.find((t) => t !== null);
  if (!tenantId) throw notFound('Policy');
  return tenantId;
}
