import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { StoredEvent } from '@oars/eventstore';
import { startModuleWorker } from '@oars/receipts';
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

interface Pending {
  resolve: (r: StreamCheckResult) => void;
  reject: (e: Error) => void;
}

/**
 * Runs `checkStreamEvents` in one worker thread at a low CPU priority: re-verifying every receipt
 * (~150 µs of Ed25519 each) then takes only CPU that requests leave idle. The worker is started on
 * first use and again after it dies (its pending checks fail and are retried by the verifier).
 */
export class IntegrityCheckWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: IntegrityCheckWorkerOptions = {}) {}

  check(stream: string, from: VerifierPosition, events: readonly StoredEvent[]): Promise<StreamCheckResult> {
    if (this.closed) return Promise.reject(new Error('integrity check worker is closed'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<StreamCheckResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, stream, from, events });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('integrity check worker is closed'));
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = startModuleWorker(join(__dirname, 'integrity-check.worker'), { nice: this.options.nice ?? 19 });
    worker.unref();
    worker.on('message', (msg: { id?: number; result?: StreamCheckResult; error?: string; ready?: boolean; priorityError?: string | null }) => {
      if (msg.ready) {
        if (msg.priorityError) this.options.logger?.warn({ err: msg.priorityError }, 'integrity verifier: cannot lower the worker thread priority');
        return;
      }
      const p = this.pending.get(msg.id!);
      if (!p) return;
      this.pending.delete(msg.id!);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result!);
    });
    const lost = (why: string) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`integrity check worker stopped: ${why}`));
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}
