import type { EvidenceCommand } from './evidence.commands';
import {
  EVIDENCE_BUNDLE_GENERATED,
  EVIDENCE_EXPORT_FAILED,
  EVIDENCE_EXPORT_REQUESTED,
  type EvidenceEvent,
  type ExportRequest,
  type ExportScope,
  evidenceExportSubject,
} from './evidence.events';

/** The longest export window: ten years. */
export const MAX_EXPORT_WINDOW_DAYS = 3660;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

export class EvidenceError extends Error {
  constructor(
    readonly code: 'invalid_export_window' | 'export_job_not_found' | 'export_job_finished' | 'unknown_control',
    message: string,
    /** The request field at fault, when one is. */
    readonly field?: string,
  ) {
    super(message);
  }

  /** The request field at fault, for the error envelope. */
  get problems(): Array<{ field: string; message: string }> | undefined {
    return this.field ? [{ field: this.field, message: this.message.replace(/^\S+ /, '').replace(/\.$/, '') }] : undefined;
  }
}

export type EvidenceJobStatus = 'queued' | 'completed' | 'failed';

/** A job as its latest receipt shows it (null before it was requested). */
export interface EvidenceJobState {
  readonly requested: ExportRequest | null;
  readonly status: EvidenceJobStatus | null;
}

export const initialEvidenceJobState: EvidenceJobState = { requested: null, status: null };

export function evolveEvidenceJob(state: EvidenceJobState, event: EvidenceEvent): EvidenceJobState {
  switch (event.type) {
    case EVIDENCE_EXPORT_REQUESTED:
      return { requested: event.data, status: 'queued' };
    case EVIDENCE_BUNDLE_GENERATED:
      return { requested: event.data.request ?? state.requested, status: 'completed' };
    case EVIDENCE_EXPORT_FAILED:
      return { requested: event.data.request, status: 'failed' };
    default:
      throw new Error(`Unknown evidence event ${JSON.stringify(event satisfies never)}`);
  }
}

/** The window is two ISO-8601 UTC instants, in order, at most {@link MAX_EXPORT_WINDOW_DAYS} apart. */
export function checkExportScope(scope: ExportScope): void {
  for (const field of ['dateFrom', 'dateTo'] as const) {
    const v = scope[field];
    if (typeof v !== 'string' || !ISO_Z.test(v) || Number.isNaN(Date.parse(v))) {
      throw new EvidenceError('invalid_export_window', `${field} must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z.`, field);
    }
  }
  const span = Date.parse(scope.dateTo) - Date.parse(scope.dateFrom);
  if (span < 0) throw new EvidenceError('invalid_export_window', 'dateFrom must not be after dateTo.', 'dateFrom');
  if (span > MAX_EXPORT_WINDOW_DAYS * 86_400_000) {
    throw new EvidenceError('invalid_export_window', `dateTo must be at most ${MAX_EXPORT_WINDOW_DAYS} days after dateFrom.`, 'dateTo');
  }
}

/** One function per command; a job decided twice (a retried request, a repeated reaction) decides nothing new. */
export function decideEvidence(state: EvidenceJobState, command: EvidenceCommand): EvidenceEvent[] {
  switch (command.type) {
    case 'RequestEvidenceExport': {
      checkExportScope(command.data.scope);
      if (state.requested) return [];
      const { jobId, bundleId, now, actor } = command.metadata;
      return [{ type: EVIDENCE_EXPORT_REQUESTED, subject: evidenceExportSubject(jobId), data: { jobId, bundleId, framework: command.data.framework, scope: command.data.scope, requestedBy: actor, requestedAt: now } }];
    }
    case 'RecordEvidenceBundle': {
      const { jobId } = command.data;
      if (jobId === null) return [{ type: EVIDENCE_BUNDLE_GENERATED, subject: `evidence_bundle.${command.data.bundleId}`, data: { ...command.data, request: null } }];
      if (!state.requested) throw new EvidenceError('export_job_not_found', `Export job ${jobId} was never requested.`);
      if (state.status !== 'queued') return [];
      return [{ type: EVIDENCE_BUNDLE_GENERATED, subject: evidenceExportSubject(jobId), data: { ...command.data, request: state.requested } }];
    }
    case 'FailEvidenceExport': {
      const { jobId, error } = command.data;
      if (!state.requested) throw new EvidenceError('export_job_not_found', `Export job ${jobId} was never requested.`);
      if (state.status !== 'queued') return [];
      return [{ type: EVIDENCE_EXPORT_FAILED, subject: evidenceExportSubject(jobId), data: { jobId, bundleId: state.requested.bundleId, error, failedAt: command.metadata.now, request: state.requested } }];
    }
    default:
      throw new Error(`Unknown evidence command ${JSON.stringify(command satisfies never)}`);
  }
}

/** A job's state from its latest receipt (each one is the job's snapshot). */
export function evidenceJobStateOf(latest: EvidenceEvent | null): EvidenceJobState {
  return latest ? evolveEvidenceJob(initialEvidenceJobState, latest) : initialEvidenceJobState;
}

/** Whether an event of the tenant stream belongs to an export job (its type). */
export function isEvidenceEvent(type: string): boolean {
  return type === EVIDENCE_EXPORT_REQUESTED || type === EVIDENCE_BUNDLE_GENERATED || type === EVIDENCE_EXPORT_FAILED;
}
