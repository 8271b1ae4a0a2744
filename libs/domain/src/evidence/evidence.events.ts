/**
 * Events of an evidence export job (subject `evidence_export.<jobId>`): requested, then generated
 * (the bundle's identity, the v1 `evidence.bundle.generated`) or failed. A synchronous export
 * appends `evidence.bundle.generated` alone.
 */
export const EVIDENCE_EXPORT_REQUESTED = 'evidence.export_requested';
export const EVIDENCE_BUNDLE_GENERATED = 'evidence.bundle.generated';
export const EVIDENCE_EXPORT_FAILED = 'evidence.export_failed';
/** The frameworks an export is labelled with, and which receipts it covers: as the bundle format defines them. */
export { EVIDENCE_FRAMEWORKS as EVIDENCE_FRAMEWORK_IDS } from '@oars/receipts';
export type { EvidenceFramework as EvidenceFrameworkId, EvidenceScope as ExportScope } from '@oars/receipts';
import type { EvidenceFramework as EvidenceFrameworkId, EvidenceScope as ExportScope } from '@oars/receipts';

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
