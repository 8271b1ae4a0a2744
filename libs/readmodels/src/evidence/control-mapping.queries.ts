import type { SqlExecutor } from '@oars/db';
import { type ComplianceFramework, ControlMappingNotFoundError, type ControlMappingRecord, InvalidComplianceRequestError, type ReceiptFilters, UnknownFrameworkError, catalogueControl, compareIds, isComplianceFramework } from '@oars/domain';

/** The tenant's own mappings (all frameworks, or one), by controlId. */
export async function listControlMappings(sql: SqlExecutor, tenantId: string, framework?: ComplianceFramework): Promise<ControlMappingRecord[]> {
  const { rows } = framework
    ? await sql.query<{ record: string }>('SELECT record FROM control_mappings WHERE tenant_id = $1 AND framework = $2', [tenantId, framework])
    : await sql.query<{ record: string }>('SELECT record FROM control_mappings WHERE tenant_id = $1', [tenantId]);
  return rows.map((r) => JSON.parse(r.record) as ControlMappingRecord).sort((a, b) => compareIds(a.controlId, b.controlId) || compareIds(a.framework, b.framework));
}

/** One tenant mapping, or null. */
export async function getControlMapping(sql: SqlExecutor, tenantId: string, framework: ComplianceFramework, controlId: string): Promise<ControlMappingRecord | null> {
  const { rows } = await sql.query<{ record: string }>('SELECT record FROM control_mappings WHERE tenant_id = $1 AND framework = $2 AND control_id = $3', [tenantId, framework, controlId]);
  return rows.length > 0 ? (JSON.parse(rows[0]!.record) as ControlMappingRecord) : null;
}

/**
 * The receipt filters of a control for `GET /v1/receipts?framework=&controlId=`: the tenant
 * mapping's, or none for a shipped control the tenant did not map. Both are needed (a 400 naming the
 * missing one); throws UnknownFrameworkError for a framework outside the catalogues and
 * ControlMappingNotFoundError (404) for a control neither shipped nor mapped in this tenant
 * (another tenant's mappings are not found either).
 */
export async function controlReceiptFilters(sql: SqlExecutor, tenantId: string, framework: string | undefined, controlId: string | undefined): Promise<ReceiptFilters> {
  if (framework === undefined || controlId === undefined) {
    const [field, other] = framework === undefined ? ['framework', 'controlId'] : ['controlId', 'framework'];
    throw new InvalidComplianceRequestError([{ field, message: `is required with ${other}` }]);
  }
  if (!isComplianceFramework(framework)) throw new UnknownFrameworkError();
  const mapping = await getControlMapping(sql, tenantId, framework, controlId);
  if (mapping) return mapping.receiptFilters ?? {};
  if (catalogueControl(framework, controlId)) return {};
  throw new ControlMappingNotFoundError(framework, controlId);
}
