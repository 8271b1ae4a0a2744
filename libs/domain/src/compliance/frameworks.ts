/** The compliance frameworks OARS ships a control catalogue for (OARS v1 §2.12 enum). */
export const COMPLIANCE_FRAMEWORKS = ['eu_ai_act', 'iso_42001', 'soc2'] as const;

export type ComplianceFramework = (typeof COMPLIANCE_FRAMEWORKS)[number];

export function isComplianceFramework(value: unknown): value is ComplianceFramework {
  return typeof value === 'string' && (COMPLIANCE_FRAMEWORKS as readonly string[]).includes(value);
}
