import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from './module-worker';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * Request/answer over one worker thread running the module `file` (see startModuleWorker): each
 * request gets an id; the worker answers `{id, result}` or `{id, error}`. Started on first use and
 * again after it dies (the requests in flight then fail); `onNotice` gets every other message.
 */
export class RequestWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** Bumped when a new worker thread starts (state sent to the old one is gone). */
  generation = 0;

  constructor(
    private readonly file: string,
    private readonly workerData: unknown,
    private readonly name: string,
    private readonly onNotice: (msg: Record<string, unknown>) => void = () => undefined,
  ) {}

  /** Sends `{id, ...payload}` and resolves with the worker's `result`. */
  request<T>(payload: Record<string, unknown>, prepare?: (generation: number) => Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${this.name} is closed`));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, ...payload, ...(prepare ? prepare(this.generation) : {}) });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error(`${this.name} is closed`));
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = startModuleWorker(this.file, this.workerData);
    worker.unref();
    this.generation++;
    worker.on('message', (msg: { id?: number; result?: unknown; error?: string } & Record<string, unknown>) => {
      const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!p) return this.onNotice(msg);
      this.pending.delete(msg.id!);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
    const lost = (why: string) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`${this.name} stopped: ${why}`));
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
