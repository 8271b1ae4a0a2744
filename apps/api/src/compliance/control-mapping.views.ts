import {
  CONTROL_CATALOGUES,
  COMPLIANCE_FRAMEWORKS,
  type CatalogueControl,
  type ComplianceFramework,
  type ControlMappingRecord,
  EVIDENCE_KIND_DEFINITIONS,
  type EvidenceKindDefinition,
  compareIds,
  nodeTypesOf,
} from '@oars/domain';

/** A shipped control as the mappings list shows it, with exactly what counts as its evidence. */
export interface CatalogueMappingView {
  source: 'catalogue';
  framework: ComplianceFramework;
  controlId: string;
  title: string;
  controlDescription: string;
  requiredNodeTypes: string[];
  requiredEvidence: Pick<EvidenceKindDefinition, 'kind' | 'nodeType' | 'counts' | 'doesNotCount'>[];
}

export type TenantMappingView = ControlMappingRecord & { source: 'tenant' };
export type ControlMappingView = CatalogueMappingView | TenantMappingView;

function catalogueView(framework: ComplianceFramework, c: CatalogueControl): CatalogueMappingView {
  return {
    source: 'catalogue',
    framework,
    controlId: c.controlId,
    title: c.title,
    controlDescription: c.description,
    requiredNodeTypes: nodeTypesOf(c.evidence.allOf),
    requiredEvidence: c.evidence.allOf.map((k) => {
      const { kind, nodeType, counts, doesNotCount } = EVIDENCE_KIND_DEFINITIONS[k];
      return { kind, nodeType, counts, doesNotCount };
    }),
  };
}

/** The shipped controls and the tenant's mappings (of one framework, or all), by controlId, shipped first on a tie. */
export function controlMappingViews(framework: ComplianceFramework | undefined, tenantMappings: readonly ControlMappingRecord[]): ControlMappingView[] {
  const frameworks = framework ? [framework] : COMPLIANCE_FRAMEWORKS;
  const shipped = frameworks.flatMap((f) => CONTROL_CATALOGUES[f].map((c) => catalogueView(f, c)));
  const own = tenantMappings.map((m): TenantMappingView => ({ source: 'tenant', ...m }));
  return [...shipped, ...own].sort(
    (a, b) => compareIds(a.controlId, b.controlId) || compareIds(a.framework, b.framework) || compareIds(a.source, b.source),
  );
}
