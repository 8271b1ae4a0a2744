import type { AuthFailure } from '@oars/ops';
import { TENANT_ID_PATTERN } from '@oars/ops';
import type { FastifyRequest } from 'fastify';

type Named = { tenantId?: unknown } | undefined;

/**
 * The auth failure a refused request is: the tenant it named (query `tenantId`, body `tenantId`, or a
 * `:tenantId` path parameter, when well-formed), the token when it was authenticated (403s), the
 * route pattern. Nothing else of the request is kept (no headers, no body).
 */
export function authFailureOf(request: FastifyRequest, status: number, error: { code: string; message: string; requestId: string }): AuthFailure {
  const principal = (request as FastifyRequest & { principal?: { tokenId: string; subject: string } }).principal;
  const candidates = [(request.query as Named)?.tenantId, (request.body as Named)?.tenantId, (request.params as Named)?.tenantId];
  const tenantId = candidates.find((t): t is string => typeof t === 'string' && TENANT_ID_PATTERN.test(t)) ?? null;
  return {
    status,
    code: error.code,
    message: error.message,
    method: request.method,
    route: request.routeOptions?.url ?? 'unmatched',
    tenantId,
    tokenId: principal?.tokenId ?? null,
    subject: principal?.subject ?? null,
    source: request.ip ?? null,
    requestId: error.requestId,
  };
}
