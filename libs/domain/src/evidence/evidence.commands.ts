import type { EvidenceFrameworkId, ExportScope } from './evidence.events';

export interface RequestEvidenceExport {
  readonly type: 'RequestEvidenceExport';
  readonly data: { readonly tenantId: string; readonly framework: EvidenceFrameworkId; readonly scope: ExportScope };
  readonly metadata: { readonly jobId: string; readonly bundleId: string; readonly now: string; readonly actor: string };
}

/** A bundle was built (by a job, or inline for a synchronous export: jobId null). */
export interface RecordEvidenceBundle {
  readonly type: 'RecordEvidenceBundle';
  readonly data: { readonly jobId: string | null; readonly bundleId: string; readonly framework: EvidenceFrameworkId; readonly bundleHash: string; readonly receiptCount: number; readonly scope: ExportScope; readonly generatedAt: string };
}

export interface FailEvidenceExport {
  readonly type: 'FailEvidenceExport';
  readonly data: { readonly jobId: string; readonly error: string };
  readonly metadata: { readonly now: string };
}

export type EvidenceCommand = RequestEvidenceExport | RecordEvidenceBundle | FailEvidenceExport;
