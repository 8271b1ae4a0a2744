import { EU_AI_ACT_CONTROLS } from './catalogue/eu-ai-act.catalogue';
import { ISO_42001_CONTROLS } from './catalogue/iso-42001.catalogue';
import { SOC2_CONTROLS } from './catalogue/soc2.catalogue';
import { EVIDENCE_KIND_DEFINITIONS, type EvidenceKind, type EvidenceNodeType } from './evidence-kinds';
import type { ComplianceFramework } from './frameworks';

/** What a shipped control needs to count as covered: at least one piece of evidence of every kind listed. */
export interface EvidenceRequirement {
  readonly allOf: readonly EvidenceKind[];
}

/**
 * A control OARS ships. The catalogues are subsets: the controls for which the receipts of an AI
 * agent control plane are evidence. Covered means "OARS holds the evidence this control asks of
 * it", never that the control as a whole is met (that remains the auditor's judgement).
 */
export interface CatalogueControl {
  readonly controlId: string;
  readonly title: string;
  readonly description: string;
  readonly evidence: EvidenceRequirement;
}

export const CONTROL_CATALOGUES: Readonly<Record<ComplianceFramework, readonly CatalogueControl[]>> = {
  soc2: SOC2_CONTROLS,
  iso_42001: ISO_42001_CONTROLS,
  eu_ai_act: EU_AI_ACT_CONTROLS,
};

export function catalogueControl(framework: ComplianceFramework, controlId: string): CatalogueControl | null {
  return CONTROL_CATALOGUES[framework].find((c) => c.controlId === controlId) ?? null;
}

/** The node types the evidence kinds live in, deduplicated and sorted (the v1 `requiredNodeTypes`). */
export function nodeTypesOf(kinds: readonly EvidenceKind[]): EvidenceNodeType[] {
  return [...new Set(kinds.map((k) => EVIDENCE_KIND_DEFINITIONS[k].nodeType))].sort();
}
