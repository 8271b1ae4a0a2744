import { EmbeddedEventStore, PLATFORM_STREAM } from '@oars/eventstore';
import { PlatformStream, type ReceiptDraft, SqlKeyVault, TenantChainWriter, aggregateDraft } from '@oars/ledger';
import { type Receipt, deriveKek, nodeVerifierCrypto, verifyReceiptBundle } from '@oars/receipts';
import { type TestDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { START_POSITION, checkStreamEvents } from './integrity-check';
import { INTEGRITY_VIOLATION_DETECTED, recordFindings } from './integrity-findings';
import { IntegrityVerifier } from './integrity-verifier';

/** A receipt a future platform feature might write (the platform's on-call roster, say). */
function rosterDraft(n: number): ReceiptDraft {
  return aggregateDraft(`rcpt_roster${n}`, 'oncall.roster_published', `oncall.roster${n}`, { primary: `op_${n}` });
}

describe('the platform stream (embedded store, real Postgres, real writer)', () => {
  let db: TestDatabase;
  let store: EmbeddedEventStore;
  let writer: TenantChainWriter;
  let platform: PlatformStream;
  const tenant = uniqueNamespace('tenant');

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EmbeddedEventStore(db.sql);
    writer = new TenantChainWriter({ store, vault: new SqlKeyVault(db.sql), kek: deriveKek('platform-test-secret'), region: 'local' });
    platform = new PlatformStream(writer);
    await writer.write(tenant, () => ({ drafts: [aggregateDraft('rcpt_t1', 'note.added', 'note.n1', {})], finish: () => null }));
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const platformReceipts = async () => (await store.read(PLATFORM_STREAM, { limit: 1000 })).map((e) => e.data as unknown as Receipt);

  it('opens with its own key, and chains what features write through the runtime’s writer', async () => {
    expect(await platform.open()).toBe(1);
    for (let n = 1; n <= 3; n++) await platform.write(() => ({ drafts: [rosterDraft(n)], finish: (r) => r[0]!.sequence }));
    const receipts = await platformReceipts();
    expect(receipts.map((r) => [r.sequence, r.type, r.tenantId, r.region])).toEqual([
      [1, 'key.generated', PLATFORM_STREAM, 'local'],
      [2, 'oncall.roster_published', PLATFORM_STREAM, 'local'],
      [3, 'oncall.roster_published', PLATFORM_STREAM, 'local'],
      [4, 'oncall.roster_published', PLATFORM_STREAM, 'local'],
    ]);
    const platformKeys = (await platform.keyring())!.keys;
    const tenantKeys = (await writer.keyring(tenant))!.keys;
    expect(platformKeys).toHaveLength(1);
    expect(platformKeys[0]!.keyId).not.toBe(tenantKeys[0]!.keyId);
    expect(receipts.every((r) => r.integrity.signingKeyId === platformKeys[0]!.keyId)).toBe(true);
  });

  it('verifies with the platform’s published keys, and not with a tenant’s', async () => {
    const receipts = await platformReceipts();
    const verdict = verifyReceiptBundle(receipts, (await platform.keyring())!.keys, { expectFirstSequence: 1, crypto: nodeVerifierCrypto });
    expect(verdict).toMatchObject({ isSignatureValid: true, isChainValid: true, isSchemaValid: true, verificationErrors: [] });
    expect(verifyReceiptBundle(receipts, (await writer.keyring(tenant))!.keys).isSignatureValid).toBe(false);
    expect(checkStreamEvents(PLATFORM_STREAM, START_POSITION, await store.read(PLATFORM_STREAM), nodeVerifierCrypto).findings).toEqual([]);
  });

  it('keeps verifying across a rotation of the platform key', async () => {
    const { newKeyId, previousActiveKeyId } = await platform.rotateKey();
    await platform.write(() => ({ drafts: [rosterDraft(4)], finish: () => null }));
    const receipts = await platformReceipts();
    expect(receipts.at(-1)!.integrity.signingKeyId).toBe(newKeyId);
    expect(newKeyId).not.toBe(previousActiveKeyId);
    expect(verifyReceiptBundle(receipts, (await platform.keyring())!.keys, { expectFirstSequence: 1 }).verificationErrors).toEqual([]);
  });

  it('is listed and checked by the integrity verifier, which finds a tampered platform receipt and records it in the platform stream', async () => {
    const verifier = new IntegrityVerifier({ store, sql: db.sql, record: (t, f) => recordFindings(writer, store, t, f) });
    await verifier.runOnce();
    const head = (await store.head(PLATFORM_STREAM)).sequence;
    expect(await verifier.tenantStatus(PLATFORM_STREAM)).toMatchObject({ position: head, lastResult: 'ok', findingsTotal: 0 });

    // Behind the store's back: sequence 3 now names another on-call primary.
    const stored = (await store.get(PLATFORM_STREAM, 3))!.data as unknown as Receipt;
    const tampered = { ...stored, data: { primary: 'op_mallory' } };
    await db.sql.query('UPDATE oars_events SET data = $3 WHERE stream = $1 AND sequence = $2', [PLATFORM_STREAM, 3, JSON.stringify(tampered)]);
    await db.sql.query("DELETE FROM projection_checkpoints WHERE projection = 'integrity' AND stream = $1", [PLATFORM_STREAM]); // verify again from the start

    const again = new IntegrityVerifier({ store, sql: db.sql, record: (t, f) => recordFindings(writer, store, t, f) });
    const seen: string[] = [];
    again.onFinding((stream, findings) => seen.push(...findings.map((f) => `${stream}:${f.sequence}:${f.kind}`)));
    await again.runOnce();
    expect(seen).toEqual([`${PLATFORM_STREAM}:3:bad_signature`]);
    const recorded = (await platformReceipts()).filter((r) => r.type === INTEGRITY_VIOLATION_DETECTED);
    expect(recorded.map((r) => r.data)).toEqual([{ sequence: 3, kind: 'bad_signature', detail: 'Receipt hash mismatch. Receipt signature verification failed.' }]);
    expect(await again.tenantStatus(tenant)).toMatchObject({ lastResult: 'ok', findingsTotal: 0 });
  });
});
