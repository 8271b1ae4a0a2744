/** Who asks and when: time and ids come in here, never from a clock inside `decide`. */
export interface ComplianceCommandMetadata {
  /** ISO-8601 UTC. */
  now: string;
  /** The authenticated caller's subject. */
  actor: string;
  /** `ctl_…` derived from (tenant, framework, controlId): the id a new mapping gets. */
  mappingId: string;
}

/** The submitted, not yet validated mapping (`POST /v1/admin/compliance/control-mappings`, OARS v1 §1.3 #32). */
export interface ControlMappingContent {
  framework: unknown;
  controlId: unknown;
  controlDescription: unknown;
  requiredNodeTypes: unknown;
  receiptFilters?: unknown;
}

/** Records the tenant's mapping of one control, replacing the one it had for (framework, controlId). */
export interface UpsertControlMapping {
  readonly type: 'UpsertControlMapping';
  readonly data: { tenantId: string; content: ControlMappingContent };
  readonly metadata: ComplianceCommandMetadata;
}

export type ComplianceCommand = UpsertControlMapping;
