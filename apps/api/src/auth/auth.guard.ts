import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../http/api-error';
import { type Principal, type Role, TokenRegistry } from './token-registry';

const AUTH_META = 'oars:auth';
interface AuthRequirement {
  scope: string;
  role?: Role;
}

/** The route needs a bearer token with `scope` (and, when given, exactly `role`). */
export const RequireScope = (scope: string, role?: Role) => SetMetadata(AUTH_META, { scope, role } satisfies AuthRequirement);

type AuthedRequest = FastifyRequest & { principal?: Principal };

/** The authenticated caller of the current request. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new Error('route has no @RequireScope');
  return principal;
});

/** Authenticates bearer tokens and checks scope and role (OARS v1 §1.1 order: token, scope, role). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenRegistry,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const need = this.reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_META, [ctx.getHandler(), ctx.getClass()]);
    if (!need) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const bearer = this.tokens.ofRequest(req);
    if (bearer === 'missing') throw new ApiError(401, 'unauthorized', 'Missing Authorization header.');
    if (bearer === 'malformed') throw new ApiError(401, 'unauthorized', 'Authorization must use Bearer token.');
    const { principal } = bearer;
    if (!principal) throw new ApiError(401, 'unauthorized', 'Invalid API token.');
    if (!principal.scopes.includes(need.scope)) throw new ApiError(403, 'forbidden', `Missing required scope: ${need.scope}`);
    if (need.role && principal.role !== need.role) throw new ApiError(403, 'forbidden', `Role ${principal.role} cannot access admin-only operation.`);
    req.principal = principal;
    return true;
  }
}

/** Writes into a tenant the token does not hold are refused (403); reads by id answer 404 instead. */
export function assertTenantAccess(principal: Principal, tenantId: string): void {
  if (!principal.tenantIds.includes(tenantId)) throw new ApiError(403, 'tenant_forbidden', `Token has no access to tenant: ${tenantId}`);
}
