// Worker thread of SignatureWorker: Ed25519 signatures over receipt signature messages.
import { type KeyObject, sign } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

export interface SignRequest {
  id: number;
  keyId: string;
  /** Sent once per key and worker; later requests name the key only. */
  key?: KeyObject;
  /** latin1 messages (`signatureMessage(receiptHash)`). */
  messages: string[];
}

const keys = new Map<string, KeyObject>();

parentPort!.on('message', (req: SignRequest) => {
  try {
    if (req.key) keys.set(req.keyId, req.key);
    const key = keys.get(req.keyId);
    if (!key) throw new Error(`signing key ${req.keyId} was never sent to this worker`);
    parentPort!.postMessage({ id: req.id, result: req.messages.map((m) => sign(null, Buffer.from(m, 'latin1'), key).toString('base64')) });
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) });
  }
});
