export * from './evidence-graph.projection';
export * from './control-mappings.projection';
export * from './evidence-graph.queries';
export * from './control-mapping.queries';
export { EVIDENCE_BUNDLE_GENERATED } from './evidence-graph.fold';
