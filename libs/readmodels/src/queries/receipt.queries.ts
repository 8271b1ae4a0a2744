import type { SqlExecutor } from '@oars/db';
import type { PolicyDecision, Receipt } from '@oars/receipts';
import { InvalidQueryError } from '../errors';
import { controlReceiptFilters } from '../evidence/control-mapping.queries';
import { receiptFilterConditions } from '../evidence/receipt-filter.sql';
import { decodeReceiptCursor, encodeReceiptCursor } from './receipt-cursor';

/** A filter value: one value, or a list that matches any of its values. */
export type ReceiptFilterValue<T extends string = string> = T | readonly T[];

/** GET /v1/receipts (OARS v1 §1.3 item 18), without the reference's 500-receipt window. */
export interface ListReceiptsQuery {
  tenantId: string;
  toolId?: ReceiptFilterValue;
  operation?: ReceiptFilterValue;
  actorUserId?: ReceiptFilterValue;
  actorAgentId?: ReceiptFilterValue;
  policyDecision?: ReceiptFilterValue<PolicyDecision>;
  policyVersion?: ReceiptFilterValue;
  /** Matches receipts whose policy rule ids include any of these. */
  policyRuleId?: ReceiptFilterValue;
  /**
   * A control (both or neither): its mapping's `receiptFilters` are ANDed in. Throws
   * UnknownFrameworkError, ControlMappingNotFoundError (neither shipped nor mapped in the tenant).
   */
  framework?: string;
  controlId?: string;
  type?: ReceiptFilterValue;
  actionId?: ReceiptFilterValue;
  /** Receipt types left out (e.g. `ledger.checkpoint` for v1 clients). */
  excludeTypes?: readonly string[];
  /** 1..500, default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string | null;
}

export interface ReceiptPage {
  /** Newest first (tenant sequence descending). */
  items: Receipt[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export const MAX_RECEIPTS_PAGE = 500;
export const DEFAULT_RECEIPTS_PAGE = 100;

const COLUMN_FILTERS = [
  ['toolId', 'tool_id'],
  ['operation', 'operation'],
  ['actorUserId', 'actor_user_id'],
  ['actorAgentId', 'actor_agent_id'],
  ['policyDecision', 'policy_decision'],
  ['policyVersion', 'policy_version'],
  ['type', 'type'],
  ['actionId', 'action_id'],
] as const;

/**
 * One page of a tenant's receipts, filtered (filters AND together), newest first. Every receipt is
 * reachable by following `nextCursor`; each page is one index range scan below the cursor.
 */
export async function listReceipts(sql: SqlExecutor, query: ListReceiptsQuery): Promise<ReceiptPage> {
  const limit = query.limit ?? DEFAULT_RECEIPTS_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECEIPTS_PAGE) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_RECEIPTS_PAGE}.`);
  }
  const params: unknown[] = [query.tenantId];
  const where = ['tenant_id = $1'];
  for (const [field, column] of COLUMN_FILTERS) {
    const value = query[field];
    if (value === undefined) continue;
    params.push(typeof value === 'string' ? value : [...value]);
    where.push(typeof value === 'string' ? `${column} = $${params.length}` : `${column} = ANY($${params.length}::text[])`);
  }
  if (query.framework !== undefined || query.controlId !== undefined) {
    where.push(...receiptFilterConditions(await controlReceiptFilters(sql, query.tenantId, query.framework, query.controlId), params));
  }
  if (query.policyRuleId !== undefined) {
    params.push(typeof query.policyRuleId === 'string' ? [query.policyRuleId] : [...query.policyRuleId]);
    where.push(`policy_rule_ids && $${params.length}::text[]`);
  }
  if (query.excludeTypes && query.excludeTypes.length > 0) {
    params.push([...query.excludeTypes]);
    where.push(`type <> ALL($${params.length}::text[])`);
  }
  if (query.cursor) {
    params.push(decodeReceiptCursor(query.cursor));
    where.push(`sequence < $${params.length}`);
  }
  params.push(limit + 1);
  const { rows } = await sql.query<{ body: string; sequence: string | number }>(
    `SELECT body, sequence FROM receipts WHERE ${where.join(' AND ')} ORDER BY sequence DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, limit);
  const more = rows.length > limit;
  return {
    items: page.map((r) => JSON.parse(r.body) as Receipt),
    nextCursor: more ? encodeReceiptCursor(Number(page[page.length - 1].sequence)) : null,
  };
}

/** A receipt by id, only when it belongs to one of `tenantIds` (otherwise null, so ids cannot be probed). */
export async function getReceipt(sql: SqlExecutor, tenantIds: readonly string[], receiptId: string): Promise<Receipt | null> {
  if (tenantIds.length === 0) return null;
  const { rows } = await sql.query<{ body: string }>(
    'SELECT body FROM receipts WHERE receipt_id = $1 AND tenant_id = ANY($2::text[])',
    [receiptId, [...tenantIds]],
  );
  return rows.length > 0 ? (JSON.parse(rows[0].body) as Receipt) : null;
}

/** Every receipt of one action, ascending sequence. */
export async function listActionReceipts(sql: SqlExecutor, tenantId: string, actionId: string): Promise<Receipt[]> {
  const { rows } = await sql.query<{ body: string }>(
    'SELECT body FROM receipts WHERE tenant_id = $1 AND action_id = $2 ORDER BY sequence',
    [tenantId, actionId],
  );
  return rows.map((r) => JSON.parse(r.body) as Receipt);
}

/** The receipt at one position of a tenant's stream (the verifier's predecessor lookup). */
export async function getReceiptBySequence(sql: SqlExecutor, tenantId: string, sequence: number): Promise<Receipt | null> {
  const { rows } = await sql.query<{ body: string }>('SELECT body FROM receipts WHERE tenant_id = $1 AND sequence = $2', [tenantId, sequence]);
  return rows.length > 0 ? (JSON.parse(rows[0].body) as Receipt) : null;
}
