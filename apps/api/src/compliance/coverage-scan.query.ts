import {
  type CoverageReport,
  UnknownFrameworkError,
  controlsToScan,
  coverageReportOf,
  coverageWindowOf,
  evidenceSelectorsOf,
  isComplianceFramework,
} from '@oars/domain';
import { countEvidence, listControlMappings } from '@oars/readmodels';
import type { Runtime } from '@oars/runtime';
import type { CoverageScanDto } from './compliance.dto';

/**
 * `POST /v1/admin/compliance/coverage/scan` (rules: `coverageReportOf`): the framework's shipped
 * controls and the tenant's mappings, each covered when every kind of evidence it needs has a node
 * inside the window (refused naming the field: an unknown framework, a bad or inverted window).
 */
export async function scanCoverage(runtime: Runtime, body: CoverageScanDto): Promise<CoverageReport> {
  const { tenantId, framework } = body;
  if (!isComplianceFramework(framework)) throw new UnknownFrameworkError();
  const now = new Date().toISOString();
  const window = coverageWindowOf(body, now);
  await runtime.catchUp([tenantId]);
  const controls = controlsToScan(framework, await listControlMappings(runtime.sql, tenantId, framework));
  const selectors = evidenceSelectorsOf(framework, controls);
  const counts = await countEvidence(runtime.sql, tenantId, window, selectors);
  const countByKey = new Map(selectors.map((s, i) => [JSON.stringify(s), counts[i]!]));
  return coverageReportOf({ tenantId, framework, window, controls, countOf: (s) => countByKey.get(JSON.stringify(s)) ?? 0, generatedAt: now });
}
