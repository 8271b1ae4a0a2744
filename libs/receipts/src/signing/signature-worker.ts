import { type KeyObject, sign } from 'node:crypto';
import { join } from 'node:path';
import { RequestWorker } from '../workers/request-worker';

/**
 * Ed25519 signing in a worker thread, so the thread that serves requests does not spend ~50 µs per
 * receipt on it. Hashing and chaining stay on the caller's thread (each receipt links to the hash of
 * the previous one); only the signatures, which nothing else depends on, are made here. Private
 * keys are handed to the worker as KeyObjects (never serialised to PEM) and kept in its memory.
 */
export class SignatureWorker {
  private readonly worker = new RequestWorker(join(__dirname, 'ed25519-sign.worker'), {}, 'signature worker');
  private knownKeys = new Set<string>();
  private knownIn = 0;

  /** Signatures (standard base64) of the latin1 `messages` with `key`, in order. */
  sign(keyId: string, key: KeyObject, messages: string[]): Promise<string[]> {
    return this.worker.request<string[]>({ keyId, messages }, (generation) => {
      if (generation !== this.knownIn) {
        this.knownKeys = new Set();
        this.knownIn = generation;
      }
      const first = !this.knownKeys.has(keyId);
      this.knownKeys.add(keyId);
      return first ? { key } : {};
    });
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

/** The same signatures on the calling thread (small batches, or when the worker is unavailable). */
export function signMessagesInline(key: KeyObject, messages: string[]): string[] {
  return messages.map((m) => sign(null, Buffer.from(m, 'latin1'), key).toString('base64'));
}
