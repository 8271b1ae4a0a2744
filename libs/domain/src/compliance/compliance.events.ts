import type { ControlMappingRecord } from './control-mapping.types';
import { isComplianceFramework } from './frameworks';

export const CONTROL_MAPPING_UPSERTED = 'compliance.control_mapping.upserted';

/** The aggregate subject of one tenant mapping; its latest receipt is the mapping in force. */
export function controlMappingSubject(mappingId: string): string {
  return `controlmapping.${mappingId}`;
}

/** `data` of `compliance.control_mapping.upserted`: the whole mapping after the upsert and who made it. */
export interface ControlMappingUpsertedData {
  mapping: ControlMappingRecord;
  actor: string;
}

export interface ControlMappingUpserted {
  readonly type: typeof CONTROL_MAPPING_UPSERTED;
  readonly subject: string;
  readonly data: ControlMappingUpsertedData;
}

export type ComplianceEvent = ControlMappingUpserted;

/** The compliance event a stored receipt carries, or null for any other receipt (or a malformed one). */
export function complianceEventOf(receipt: { type: string; data: Record<string, unknown> } | null): ComplianceEvent | null {
  if (!receipt || receipt.type !== CONTROL_MAPPING_UPSERTED) return null;
  const mapping = receipt.data.mapping as ControlMappingRecord | undefined;
  if (!mapping || typeof mapping.id !== 'string' || typeof mapping.controlId !== 'string' || !isComplianceFramework(mapping.framework) || !Array.isArray(mapping.requiredNodeTypes)) return null;
  return { type: CONTROL_MAPPING_UPSERTED, subject: controlMappingSubject(mapping.id), data: receipt.data as unknown as ControlMappingUpsertedData };
}
