import { PLATFORM_STREAM } from '@oars/eventstore';
import { type IncidentState, incidentLifecycle } from '@oars/domain';
import { assertTenantAccess } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError } from '../http/api-error';

/** Writes and on-call routes name a tenant, or none for the platform stream (admins only). */
export function streamOf(caller: Principal, tenantId: string | undefined): string {
  if (tenantId === undefined) {
    if (caller.role !== 'admin') throw new ApiError(403, 'forbidden', 'Without a tenantId the platform stream is meant, which needs the admin role.');
    return PLATFORM_STREAM;
  }
  assertTenantAccess(caller, tenantId);
  return tenantId;
}

/** The streams whose incidents a caller may read: its tenants, and the platform's for admins. */
export function readableStreams(caller: Principal): string[] {
  return caller.role === 'admin' ? [...caller.tenantIds, PLATFORM_STREAM] : [...caller.tenantIds];
}

/** An incident as the API answers it: the snapshot and its five incident-command steps. */
export function incidentView(incident: IncidentState) {
  return { ...incident, lifecycle: incidentLifecycle(incident) };
}
