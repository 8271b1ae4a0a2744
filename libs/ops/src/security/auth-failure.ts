/** One refused request (401 or 403), as the API's error filter saw it. */
export interface AuthFailure {
  status: number;
  /** Stable error code: unauthorized, forbidden, tenant_forbidden, mtls_identity_required, … */
  code: string;
  message: string;
  method: string;
  /** Route pattern (never the raw URL). */
  route: string;
  /** The tenant the request named (body, query or path), when it named a well-formed one. */
  tenantId: string | null;
  /** The authenticated token, for 403s (null for 401s). */
  tokenId: string | null;
  subject: string | null;
  /** Where the request came from (the client address), for the per-source bound; never stored. */
  source?: string | null;
  requestId: string;
}

/** What became of a recorded failure (for the metrics). */
export type AuthFailureOutcome = 'queued' | 'no_tenant' | 'rate_limited' | 'buffer_full';

export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
