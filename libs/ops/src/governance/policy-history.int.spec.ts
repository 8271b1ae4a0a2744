import { POLICY_PUBLISHED, POLICY_ROLLED_BACK, PUBLISHED_POLICY_SUBJECT } from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import { SqlKeyVault, TenantChainWriter, aggregateDraft } from '@oars/ledger';
import { builtInDefaultPolicy, policyHash } from '@oars/policy';
import { deriveKek } from '@oars/receipts';
import { type TestDatabase, type TestStoreMode, createTestDatabase, givenPolicyDocument, openEventStoreOf, uniqueNamespace } from '@oars/testing';
import { PolicyHistory } from './policy-history';

describe.each<TestStoreMode>(['embedded', 'jetstream'])('PolicyHistory (%s event store)', (mode) => {
  let db: TestDatabase;
  let store: EventStore;
  let cleanup: () => Promise<void>;
  const tenant = uniqueNamespace('ph');
  const [v1, v2] = [givenPolicyDocument(tenant, 'v1'), givenPolicyDocument(tenant, 'v2')];
  /** Sequence of each write: 1 key.generated, then the notes and publications below. */
  const at: Record<string, number> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, cleanup } = await openEventStoreOf(mode, db.sql));
    const writer = new TenantChainWriter({ store, vault: new SqlKeyVault(db.sql), kek: deriveKek('policy-history-test-secret'), region: 'test' });
    const write = async (name: string, type: string, subject: string, data: Record<string, unknown>) => {
      await writer.write(tenant, () => ({ drafts: [aggregateDraft(`rcpt_${tenant}_${name}`, type, subject, data)], finish: () => null }));
      at[name] = (await store.head(tenant)).sequence;
    };
    await write('before', 'note.added', 'note.a', {});
    await write('v1', POLICY_PUBLISHED, PUBLISHED_POLICY_SUBJECT, { policy: v1 });
    await write('between', 'note.added', 'note.b', {});
    await write('v2', POLICY_PUBLISHED, PUBLISHED_POLICY_SUBJECT, { policy: v2 });
    await write('back', POLICY_ROLLED_BACK, PUBLISHED_POLICY_SUBJECT, { policy: v1 });
  });
  afterAll(async () => {
    await cleanup();
    await db.drop();
  });

  it('answers the latest publication before a position, read from the stream', async () => {
    const history = new PolicyHistory(store);
    const hashAt = async (sequence: number) => (await history.inForceAt(tenant, sequence))?.policyHash;
    expect(await hashAt(at.before!)).toBe(policyHash(builtInDefaultPolicy(tenant)));
    expect(await hashAt(at.v1!)).toBe(policyHash(builtInDefaultPolicy(tenant)));
    expect(await hashAt(at.between!)).toBe(policyHash(v1));
    expect(await hashAt(at.v2! + 1)).toBe(policyHash(v2));
    expect(await history.inForceAt(tenant, at.back! + 1)).toMatchObject({ sequence: at.back, policySetId: v1.id, policyHash: policyHash(v1) });
    // Asked again for an earlier position: from what it read already.
    expect(await hashAt(at.between!)).toBe(policyHash(v1));
  });

  it('answers the built-in default for a stream without publications', async () => {
    const none = uniqueNamespace('none');
    const policy = builtInDefaultPolicy(none);
    expect(await new PolicyHistory(store).inForceAt(none, 5)).toEqual({ sequence: 0, policySetId: policy.id, policyVersion: String(policy.version), policyHash: policyHash(policy) });
  });
});
