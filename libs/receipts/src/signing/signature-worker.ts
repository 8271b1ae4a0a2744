import { type KeyObject, sign } from 'node:crypto';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../workers/module-worker';

interface Pending {
  resolve: (signatures: string[]) => void;
  reject: (e: Error) => void;
}

/**
 * Ed25519 signing in a worker thread, so the thread that serves requests does not spend ~50 µs per
 * receipt on it. Hashing and chaining stay on the caller's thread (each receipt links to the hash of
 * the previous one); only the signatures, which nothing else depends on, are made here. Private
 * keys are handed to the worker as KeyObjects (never serialised to PEM) and kept in its memory.
 */
export class SignatureWorker {
  private worker: Worker | null = null;
  private knownKeys = new Set<string>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  /** Signatures (standard base64) of the latin1 `messages` with `key`, in order. */
  sign(keyId: string, key: KeyObject, messages: string[]): Promise<string[]> {
    if (this.closed) return Promise.reject(new Error('signature worker is closed'));
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const first = !this.knownKeys.has(keyId);
    this.knownKeys.add(keyId);
    return new Promise<string[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, keyId, key: first ? key : undefined, messages });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('signature worker is closed'));
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    const worker = startModuleWorker(join(__dirname, 'ed25519-sign.worker'), {});
    worker.unref();
    this.knownKeys = new Set();
    worker.on('message', (msg: { id: number; signatures?: string[]; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.signatures!);
    });
    const lost = (why: string) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`signature worker stopped: ${why}`));
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

/** The same signatures on the calling thread (small batches, or when the worker is unavailable). */
export function signMessagesInline(key: KeyObject, messages: string[]): string[] {
  return messages.map((m) => sign(null, Buffer.from(m, 'latin1'), key).toString('base64'));
}
