// Worker thread of IntegrityCheckWorker: runs checkStreamEvents (hashes and Ed25519 signatures) off
// the main thread, at a lower CPU priority than the threads that serve requests.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { StoredEvent } from '@oars/eventstore';
import { nodeVerifierCrypto } from '@oars/receipts';
import { type VerifierPosition, checkStreamEvents } from './integrity-check';

export interface CheckRequest {
  id: number;
  stream: string;
  from: VerifierPosition;
  events: StoredEvent[];
}

const { nice } = (workerData ?? {}) as { nice?: number };
let priority: string | null = null;
if (typeof nice === 'number' && nice !== 0) {
  try {
    setPriority(nice); // pid 0: on Linux the nice value is per thread, so only this thread
  } catch (err) {
    priority = err instanceof Error ? err.message : String(err);
  }
}
parentPort!.postMessage({ notice: 'ready', priorityError: priority });

parentPort!.on('message', (req: CheckRequest) => {
  try {
    parentPort!.postMessage({ id: req.id, result: checkStreamEvents(req.stream, req.from, req.events, nodeVerifierCrypto) });
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) });
  }
});
