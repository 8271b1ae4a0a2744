import { createHash } from 'node:crypto';
import { isReservedStreamId } from '@oars/eventstore';

export type Role = 'admin' | 'operator' | 'auditor' | 'agent' | 'service';
const ROLES: readonly Role[] = ['admin', 'operator', 'auditor', 'agent', 'service'];

/** Who a bearer token speaks for. */
export interface Principal {
  tokenId: string;
  subject: string;
  role: Role;
  tenantIds: string[];
  scopes: string[];
  delegationChain?: string[];
}

const OPERATOR_SCOPES = ['actions:write', 'actions:read', 'approvals:write', 'receipts:read', 'receipts:verify', 'policies:read', 'evidence:export', 'alerts:read', 'incidents:write', 'connectors:read'];
const AUDITOR_SCOPES = ['actions:read', 'receipts:read', 'receipts:verify', 'policies:read', 'evidence:export', 'evidence:read', 'compliance:read', 'alerts:read', 'connectors:read', 'events:read', 'ledger:read', 'tenant_admin:read', 'service_accounts:read', 'scim:read', 'auth_providers:read', 'siem:read'];
const ADMIN_SCOPES = [
  'actions:write', 'actions:read', 'approvals:write', 'receipts:read', 'receipts:verify', 'policies:write', 'policies:read',
  'evidence:export', 'evidence:read', 'compliance:read', 'compliance:write', 'alerts:read', 'incidents:write', 'alerts:write', 'connectors:read', 'events:read',
  'ledger:read', 'ledger:write', 'tenant_admin:read', 'tenant_admin:write', 'service_accounts:read', 'service_accounts:write',
  'scim:read', 'scim:write', 'scim:sync', 'token:exchange', 'auth_providers:read', 'auth_providers:refresh', 'siem:read', 'siem:write',
  'impersonate',
];

/** The OARS v1 development tokens (Appendix A), disabled in production unless explicitly allowed. */
export const DEV_TOKENS: ReadonlyArray<Principal & { token: string }> = [
  { token: 'dev_admin_token', tokenId: 'dev_admin', subject: 'admin_user', role: 'admin', tenantIds: ['tenant_alpha', 'tenant_bravo', 'tenant_enterprise'], scopes: ADMIN_SCOPES },
  { token: 'dev_operator_token', tokenId: 'dev_operator', subject: 'operator_user', role: 'operator', tenantIds: ['tenant_alpha', 'tenant_bravo'], scopes: OPERATOR_SCOPES },
  { token: 'dev_auditor_token', tokenId: 'dev_auditor', subject: 'auditor_user', role: 'auditor', tenantIds: ['tenant_alpha', 'tenant_bravo'], scopes: AUDITOR_SCOPES },
];

export class TokenConfigError extends Error {
  readonly code = 'config_error';
  constructor(message: string) {
    super(`Invalid configuration: OARS_API_TOKENS ${message}`);
  }
}

export type BearerOutcome = 'missing' | 'malformed' | { principal: Principal | null };

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Static bearer tokens. Lookup is by SHA-256 of the presented token, so the comparison time does not
 * depend on how much of a secret matched.
 */
export class TokenRegistry {
  private readonly byDigest = new Map<string, Principal>();
  private readonly perRequest = new WeakMap<object, BearerOutcome>();

  constructor(tokens: ReadonlyArray<Principal & { token: string }>) {
    for (const { token, ...principal } of tokens) this.byDigest.set(digest(token), principal);
  }

  /** Builds the registry from `OARS_API_TOKENS` (JSON) plus the dev tokens when enabled; bad JSON stops the boot. */
  static fromConfig(apiTokensJson: string | null, devTokensEnabled: boolean): TokenRegistry {
    const tokens: Array<Principal & { token: string }> = devTokensEnabled ? [...DEV_TOKENS] : [];
    if (apiTokensJson) tokens.push(...parseApiTokens(apiTokensJson));
    return new TokenRegistry(tokens);
  }

  resolve(token: string): Principal | null {
    return this.byDigest.get(digest(token)) ?? null;
  }

  /**
   * The bearer token of a request: `missing` (no Authorization header), `malformed` (not `Bearer
   * <token>`), or the principal it names (null: unknown token). Resolved once per request (the rate
   * limiter and the auth guard both ask).
   */
  ofRequest(req: { headers: { authorization?: string } }): BearerOutcome {
    let outcome = this.perRequest.get(req);
    if (!outcome) {
      const header = req.headers.authorization;
      const match = header ? /^Bearer ([^\s]+)$/i.exec(header) : null;
      outcome = !header ? 'missing' : !match ? 'malformed' : { principal: this.resolve(match[1]!) };
      this.perRequest.set(req, outcome);
    }
    return outcome;
  }

  get size(): number {
    return this.byDigest.size;
  }
}

function parseApiTokens(json: string): Array<Principal & { token: string }> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new TokenConfigError('is not valid JSON');
  }
  if (!Array.isArray(raw)) throw new TokenConfigError('must be a JSON array');
  return raw.map((entry, i) => {
    const e = entry as Record<string, unknown>;
    const where = `[${i}]`;
    const str = (k: string) => {
      if (typeof e[k] !== 'string' || (e[k] as string).length === 0) throw new TokenConfigError(`${where}.${k} must be a non-empty string`);
      return e[k] as string;
    };
    const list = (k: string) => {
      if (!Array.isArray(e[k]) || !(e[k] as unknown[]).every((x) => typeof x === 'string')) throw new TokenConfigError(`${where}.${k} must be an array of strings`);
      return e[k] as string[];
    };
    const role = str('role') as Role;
    if (!ROLES.includes(role)) throw new TokenConfigError(`${where}.role must be one of ${ROLES.join(', ')}`);
    const token = str('token');
    if (token.length < 16) throw new TokenConfigError(`${where}.token must be at least 16 characters`);
    return {
      token,
      tokenId: typeof e.tokenId === 'string' ? e.tokenId : `tok_${i}`,
      subject: str('subject'),
      role,
      tenantIds: tenantIdsOf(list('tenantIds'), where),
      scopes: list('scopes'),
      ...(Array.isArray(e.delegationChain) ? { delegationChain: e.delegationChain as string[] } : {}),
    };
  });
}

/** A token never grants a reserved stream (the platform stream) as a tenant: no tenant route can reach it. */
function tenantIdsOf(ids: string[], where: string): string[] {
  const reserved = ids.find(isReservedStreamId);
  if (reserved !== undefined) throw new TokenConfigError(`${where}.tenantIds must not name ${reserved}: it is reserved for the platform stream`);
  return ids;
}
