import { join } from 'node:path';
import type { StoredEvent } from '@oars/eventstore';
import { RequestWorker } from '@oars/receipts';
import type { IntegrityFinding, VerifierPosition } from './integrity-check';

export interface StreamCheckResult {
  position: VerifierPosition;
  findings: IntegrityFinding[];
}

export interface IntegrityCheckWorkerOptions {
  /** Nice value of the worker thread (Linux: per thread), default 19: verification yields the CPU to serving. */
  nice?: number;
  logger?: { warn(obj: object, msg?: string): void };
}

/**
 * Runs `checkStreamEvents` in one worker thread at a low CPU priority: re-verifying every receipt
 * (~150 µs of Ed25519 each) then takes only CPU that requests leave idle. The worker is started on
 * first use and again after it dies (its pending checks fail and are retried by the verifier).
 */
export class IntegrityCheckWorker {
  private readonly worker: RequestWorker;

  constructor(options: IntegrityCheckWorkerOptions = {}) {
    this.worker = new RequestWorker(join(__dirname, 'integrity-check.worker'), { nice: options.nice ?? 19 }, 'integrity check worker', (msg) => {
      if (msg.priorityError) options.logger?.warn({ err: msg.priorityError }, 'integrity verifier: cannot lower the worker thread priority');
    });
  }

  check(stream: string, from: VerifierPosition, events: readonly StoredEvent[]): Promise<StreamCheckResult> {
    return this.worker.request<StreamCheckResult>({ stream, from, events });
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
