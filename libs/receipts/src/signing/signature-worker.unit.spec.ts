import { generateSigningKey } from '../signing-keys';
import { SignatureWorker, signMessagesInline } from './signature-worker';

describe('SignatureWorker', () => {
  const worker = new SignatureWorker();
  afterAll(() => worker.close());

  it('makes the signatures the calling thread would make (Ed25519 is deterministic), for several keys', async () => {
    const a = generateSigningKey();
    const b = generateSigningKey();
    const messages = Array.from({ length: 20 }, (_, i) => `oars.receipt.v2:${String(i).padStart(64, '0')}`);
    expect(await worker.sign(a.keyId, a.privateKey, messages)).toEqual(signMessagesInline(a.privateKey, messages));
    expect(await worker.sign(b.keyId, b.privateKey, messages.slice(0, 3))).toEqual(signMessagesInline(b.privateKey, messages.slice(0, 3)));
    // The key is sent once; later calls name it only.
    expect(await worker.sign(a.keyId, a.privateKey, ['x'])).toEqual(signMessagesInline(a.privateKey, ['x']));
  });

  it('refuses work once closed', async () => {
    const closed = new SignatureWorker();
    await closed.close();
    await expect(closed.sign('k', generateSigningKey().privateKey, ['m'])).rejects.toThrow(/closed/);
  });
});
