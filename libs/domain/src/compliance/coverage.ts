import type { ControlMappingRecord, ReceiptFilters } from './control-mapping.types';
import { CONTROL_CATALOGUES, nodeTypesOf } from './control-catalogue';
import type { CoverageWindow } from './coverage-window';
import { EVIDENCE_KIND_DEFINITIONS, type EvidenceKind, type EvidenceNodeType, NODE_TYPE_EVIDENCE } from './evidence-kinds';
import type { ComplianceFramework } from './frameworks';

/** One control as a scan checks it: the shipped control, the tenant's mapping, or both merged. */
export interface ScannedControl {
  controlId: string;
  controlDescription: string;
  /** `catalogue` for a shipped control (whether or not the tenant mapped it too), else `tenant`. */
  source: 'catalogue' | 'tenant';
  /** The tenant mapping that applies, if any. */
  tenantMappingId: string | null;
  kinds: EvidenceKind[];
  receiptFilters: ReceiptFilters | null;
}

/**
 * Which evidence-graph nodes are evidence of one kind for one control (see EvidenceKindDefinition):
 * a node counts when it matches and happened inside the scan's window.
 */
export interface EvidenceSelector {
  nodeType: EvidenceNodeType;
  receiptTypes: readonly string[] | null;
  requires: 'action' | 'actor' | 'policy' | null;
  /** Only nodes recorded for this framework (bundles, mappings). */
  framework: ComplianceFramework | null;
  /** The control mapping's filters, for evidence about an action. */
  receiptFilters: ReceiptFilters | null;
}

/**
 * The controls a scan of `framework` checks, by controlId: every shipped control, and every tenant
 * mapping. A tenant mapping of a shipped control adds to it and never weakens it: the control needs
 * the shipped evidence and the mapping's, and the mapping's filters narrow the evidence about actions.
 */
export function controlsToScan(framework: ComplianceFramework, tenantMappings: readonly ControlMappingRecord[]): ScannedControl[] {
  const controls = new Map<string, ScannedControl>();
  for (const c of CONTROL_CATALOGUES[framework]) {
    controls.set(c.controlId, { controlId: c.controlId, controlDescription: c.description, source: 'catalogue', tenantMappingId: null, kinds: [...c.evidence.allOf], receiptFilters: null });
  }
  for (const m of tenantMappings) {
    if (m.framework !== framework) continue;
    const shipped = controls.get(m.controlId);
    const kinds = [...new Set([...(shipped?.kinds ?? []), ...m.requiredNodeTypes.map((t) => NODE_TYPE_EVIDENCE[t])])];
    controls.set(m.controlId, {
      controlId: m.controlId,
      controlDescription: m.controlDescription,
      source: shipped ? 'catalogue' : 'tenant',
      tenantMappingId: m.id,
      kinds,
      receiptFilters: m.receiptFilters ?? null,
    });
  }
  return [...controls.values()].sort((a, b) => compareIds(a.controlId, b.controlId));
}

/** The selector of one kind of evidence for one control of `framework`. */
export function evidenceSelectorOf(framework: ComplianceFramework, control: ScannedControl, kind: EvidenceKind): EvidenceSelector {
  const d = EVIDENCE_KIND_DEFINITIONS[kind];
  return {
    nodeType: d.nodeType,
    receiptTypes: d.receiptTypes,
    requires: d.requires,
    framework: d.sameFramework ? framework : null,
    receiptFilters: d.scope === 'action' ? control.receiptFilters : null,
  };
}

/** Every selector a scan of `controls` counts, control by control and kind by kind. */
export function evidenceSelectorsOf(framework: ComplianceFramework, controls: readonly ScannedControl[]): EvidenceSelector[] {
  return controls.flatMap((control) => control.kinds.map((kind) => evidenceSelectorOf(framework, control, kind)));
}

export interface ControlCoverage {
  controlId: string;
  controlDescription: string;
  source: ScannedControl['source'];
  covered: boolean;
  /** Pieces of evidence found in the window, all kinds together. */
  evidenceCount: number;
  evidence: { kind: EvidenceKind; nodeType: EvidenceNodeType; count: number }[];
}

/** `POST /v1/admin/compliance/coverage/scan`: the OARS v1 answer plus the window and per-control evidence. */
export interface CoverageReport {
  tenantId: string;
  framework: ComplianceFramework;
  dateFrom: string;
  dateTo: string;
  totalControls: number;
  coveredControls: number;
  missingControls: { controlId: string; controlDescription: string; missingNodeTypes: EvidenceNodeType[]; missingEvidence: EvidenceKind[] }[];
  controls: ControlCoverage[];
  generatedAt: string;
}

/**
 * Coverage: a control is covered when every kind of evidence it needs has at least one piece inside
 * the window (`countOf` answers how many for a selector). Nothing outside the window, outside the
 * control's filters or of another framework counts, and an auto-allowed action is no human approval.
 */
export function coverageReportOf(input: {
  tenantId: string;
  framework: ComplianceFramework;
  window: CoverageWindow;
  controls: readonly ScannedControl[];
  countOf: (selector: EvidenceSelector) => number;
  generatedAt: string;
}): CoverageReport {
  const controls = input.controls.map((control): ControlCoverage => {
    const evidence = control.kinds.map((kind) => ({ kind, nodeType: EVIDENCE_KIND_DEFINITIONS[kind].nodeType, count: input.countOf(evidenceSelectorOf(input.framework, control, kind)) }));
    return {
      controlId: control.controlId,
      controlDescription: control.controlDescription,
      source: control.source,
      covered: evidence.every((e) => e.count > 0),
      evidenceCount: evidence.reduce((sum, e) => sum + e.count, 0),
      evidence,
    };
  });
  const missing = controls.filter((c) => !c.covered).map((c) => {
    const kinds = c.evidence.filter((e) => e.count === 0).map((e) => e.kind);
    return { controlId: c.controlId, controlDescription: c.controlDescription, missingNodeTypes: nodeTypesOf(kinds), missingEvidence: kinds };
  });
  return {
    tenantId: input.tenantId,
    framework: input.framework,
    dateFrom: input.window.from,
    dateTo: input.window.to,
    totalControls: controls.length,
    coveredControls: controls.length - missing.length,
    missingControls: missing,
    controls,
    generatedAt: input.generatedAt,
  };
}

/** Control ids in code-unit order, as OARS v1 sorts them. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
