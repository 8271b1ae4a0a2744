/**
 * Events of an evidence export job (subject `evidence_export.<jobId>`): requested, then generated
 * (the bundle's identity, the v1 `evidence.bundle.generated`) or failed. A synchronous export
 * appends `evidence.bundle.generated` alone.
 */
export const EVIDENCE_EXPORT_REQUESTED = 'evidence.export_requested';
export const EVIDENCE_BUNDLE_GENERATED = 'evidence.bundle.generated';
export const EVIDENCE_EXPORT_FAILED = 'evidence.export_failed';
export const EVIDENCE_FRAMEWORK_IDS = ['soc2', 'iso_42001', 'eu_ai_act'] as const;
export type EvidenceFrameworkId = (typeof EVIDENCE_FRAMEWORK_IDS)[number];

/** Which receipts an export covers (inclusive window; each filter given narrows it). */
export interface ExportScope {
  dateFrom: string;
  dateTo: string;
  toolIds?: string[];
  agentIds?: string[];
  policyIds?: string[];
  controlIds?: string[];
}

export const evidenceExportSubject = (jobId: string) => `evidence_export.${jobId}`;

/** What a job asked for; every later receipt of the job repeats it, so its latest receipt is the job's snapshot. */
export interface ExportRequest {
  jobId: string;
  bundleId: string;
  framework: EvidenceFrameworkId;
  scope: ExportScope;
  requestedBy: string;
  requestedAt: string;
}

export interface EvidenceExportRequested {
  readonly type: typeof EVIDENCE_EXPORT_REQUESTED;
  readonly subject: string;
  readonly data: ExportRequest;
}

export interface EvidenceBundleGenerated {
  readonly type: typeof EVIDENCE_BUNDLE_GENERATED;
  readonly subject: string;
  readonly data: { jobId: string | null; bundleId: string; framework: EvidenceFrameworkId; bundleHash: string; receiptCount: number; scope: ExportScope; generatedAt: string; request: ExportRequest | null };
}

export interface EvidenceExportFailed {
  readonly type: typeof EVIDENCE_EXPORT_FAILED;
  readonly subject: string;
  readonly data: { jobId: string; bundleId: string; error: string; failedAt: string; request: ExportRequest };
}

export type EvidenceEvent = EvidenceExportRequested | EvidenceBundleGenerated | EvidenceExportFailed;
