import { EVIDENCE_EXPORT_REQUESTED, type ExportRequest } from '@oars/domain';
import { receiptOf } from '@oars/ledger';
import type { Reactor } from '@oars/reactors';
import type { EvidenceExporter } from '../evidence/evidence-exporter';

/** The reactor's name: its checkpoints, lease and dead letters. */
export const EVIDENCE_EXPORTS_REACTOR = 'evidence_exports';

export interface EvidenceExportsOptions {
  /** Tries of one job before it is recorded as failed (default 3). */
  tries?: number;
  /** First pause between tries, doubled per try (default 1 s). */
  backoffMs?: number;
  /** Counts each job that finished: good when it completed (the evidence-export SLI). */
  record?(completed: boolean): void;
}

/**
 * Runs asynchronous evidence exports: each `evidence.export_requested` builds its bundle, stores it
 * and records `evidence.bundle.generated`; after `tries` failures it records
 * `evidence.export_failed` instead, so a job always ends. A crash mid-job repeats the event: the job
 * finds its stored bundle (the id derives from the job) and completes with that one bundle.
 */
export function evidenceExportsReactor(exporter: EvidenceExporter, options: EvidenceExportsOptions = {}): Reactor {
  const tries = options.tries ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  return {
    name: EVIDENCE_EXPORTS_REACTOR,
    eventTypes: [EVIDENCE_EXPORT_REQUESTED],
    async handle(event, ctx) {
      const { jobId } = receiptOf(event).data as unknown as ExportRequest;
      for (let attempt = 1; ; attempt++) {
        try {
          if (await exporter.run(ctx.stream, jobId)) options.record?.(true);
          return;
        } catch (err) {
          if (attempt >= tries || ctx.signal.aborted) {
            if (await exporter.fail(ctx.stream, jobId, err instanceof Error ? err.message : String(err))) options.record?.(false);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
        }
      }
    },
  };
}
