import { EmbeddedEventStore } from '@oars/eventstore';
import { type Receipt, deriveKek, nodeVerifierCrypto, verifyReceiptBundle } from '@oars/receipts';
import { type SqlClient } from '@oars/db';
import { type TestDatabase, createPgliteDatabase, createTestDatabase } from '@oars/testing';
import { SqlKeyVault } from './sql-key-vault';
import { type ReceiptDraft, derivedId } from './receipt-draft';
import { TenantChainWriter } from './tenant-chain.writer';

const TENANT = 'tenant_w';
const SETTING = 'settings.current';

function draft(subject: string, type: string, id: string, data: Record<string, unknown> = {}): ReceiptDraft {
  return { receiptId: derivedId('rcpt', id), type, subject, actionId: null, actor: null, resource: null, policy: null, risk: null, inputHash: null, telemetry: null, data };
}

describe('TenantChainWriter (embedded store on Postgres)', () => {
  let db: TestDatabase;
  let store: EmbeddedEventStore;
  const writer = () =>
    new TenantChainWriter({ store, vault: new SqlKeyVault(db.sql), kek: deriveKek('writer-test-secret-0123456789'), region: 'test', settingsSubjects: [SETTING] });

  const verifyWholeStream = async (w: TenantChainWriter, tenant = TENANT) => {
    const stream = (await store.read(tenant, { limit: 100_000 })).map((e) => e.data as unknown as Receipt);
    const keys = (await w.keyring(tenant))!.keys;
    return { stream, result: verifyReceiptBundle(stream, keys, { expectFirstSequence: 1, crypto: nodeVerifierCrypto }) };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EmbeddedEventStore(db.sql);
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('opens a tenant with a self-signed key.generated receipt, then group-commits concurrent writes into one valid chain', async () => {
    const w = writer();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => w.write(TENANT, () => ({ drafts: [draft(`thing.t${i}`, 'thing.created', `t${i}`)], finish: (r) => r[0]!.sequence }))),
    );
    const sequences = results.map((r) => r.value).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    const { stream, result } = await verifyWholeStream(w);
    expect(stream[0]).toMatchObject({ type: 'key.generated', sequence: 1 });
    expect(result.verificationErrors).toEqual([]);
  });

  it('signs group commits across a key rotation: one valid chain, each receipt under the key active when it was written', async () => {
    const w = writer();
    const tenant = 'tenant_w_sig';
    const burst = (tag: string) =>
      Promise.all(Array.from({ length: 30 }, (_, i) => w.write(tenant, () => ({ drafts: [draft(`sig.${tag}${i}`, 'sig.made', `${tag}${i}`)], finish: () => i }))));
    await burst('a');
    const { newKeyId, previousActiveKeyId } = await w.rotateKey(tenant);
    await burst('b');
    const { stream, result } = await verifyWholeStream(w, tenant);
    expect(result.verificationErrors).toEqual([]);
    const made = stream.filter((r) => r.type === 'sig.made');
    expect(made).toHaveLength(60);
    const rotatedAt = stream.find((r) => r.type === 'key.rotated')!.sequence;
    expect(made.filter((r) => r.sequence < rotatedAt).every((r) => r.integrity.signingKeyId === previousActiveKeyId)).toBe(true);
    expect(made.filter((r) => r.sequence > rotatedAt).every((r) => r.integrity.signingKeyId === newKeyId)).toBe(true);
  });

  it('keeps two instances on one stream correct: the loser of each race rebuilds on fresh state', async () => {
    const a = writer();
    const b = writer();
    const writes = Array.from({ length: 30 }, (_, i) =>
      (i % 2 ? a : b).write(TENANT, () => ({ drafts: [draft(`race.r${i}`, 'race.won', `r${i}`)], finish: () => i })),
    );
    await Promise.all(writes);
    const { stream, result } = await verifyWholeStream(a);
    expect(result.verificationErrors).toEqual([]);
    expect(new Set(stream.map((r) => r.receiptId)).size).toBe(stream.length);
    expect(stream.filter((r) => r.type === 'race.won')).toHaveLength(30);
  });

  it('rebuilds a job that continues an aggregate an earlier job of the same round wrote', async () => {
    const w = writer();
    const counterOf = async () => ((await store.lastBySubject(TENANT, 'counter.c'))?.data as unknown as Receipt | undefined)?.data.value as number | undefined;
    const bump = () =>
      w.write(TENANT, async () => {
        const value = ((await counterOf()) ?? 0) + 1;
        return { drafts: [draft('counter.c', 'counter.bumped', `c${value}`, { value })], finish: () => value };
      });
    const values = (await Promise.all(Array.from({ length: 8 }, bump))).map((r) => r.value).sort((x, y) => x - y);
    expect(values).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await counterOf()).toBe(8);
  });

  it('never appends a decision built on a setting after that setting changed', async () => {
    const w = writer();
    await w.write(TENANT, () => ({ drafts: [draft(SETTING, 'setting.set', 'v1', { version: 1 })], finish: () => null }));
    const seen: number[] = [];
    const change = w.write(TENANT, () => ({ drafts: [draft(SETTING, 'setting.set', 'v2', { version: 2 })], finish: () => null }));
    const decide = w.write(TENANT, (ctx) => {
      const version = ctx.setting(SETTING)!.data.version as number;
      seen.push(version);
      return { drafts: [draft('decision.d', 'decision.made', `d-${version}`, { version })], finish: (r) => r[0]!.sequence };
    });
    const [, decided] = await Promise.all([change, decide]);
    const settingAt = (await store.read(TENANT, { limit: 100_000 })).filter((e) => e.subject === SETTING).pop()!;
    // The decision lands after the change, so it must have been (re)built on version 2.
    expect(decided.value).toBeGreaterThan(settingAt.sequence);
    expect(seen[seen.length - 1]).toBe(2);
  });

  it('rotates keys: key.rotated is signed by the outgoing key, later receipts by the new one, and the chain still verifies', async () => {
    const w = writer();
    const before = (await w.keyring(TENANT))!.activeKeyId;
    const rotated = await w.rotateKey(TENANT);
    expect(rotated.previousActiveKeyId).toBe(before);
    const { value } = await w.write(TENANT, () => ({ drafts: [draft('thing.after', 'thing.created', 'after')], finish: (r) => r[0]! }));
    expect(value.integrity.signingKeyId).toBe(rotated.newKeyId);
    const { stream, result } = await verifyWholeStream(w);
    expect(stream.find((r) => r.type === 'key.rotated')!.integrity.signingKeyId).toBe(before);
    expect(result.verificationErrors).toEqual([]);
  });
});

describe('TenantChainWriter on PGlite (the embedded default, in this thread)', () => {
  let sql: SqlClient;
  let store: EmbeddedEventStore;

  beforeAll(async () => {
    sql = await createPgliteDatabase();
    store = new EmbeddedEventStore(sql);
  });

  afterAll(async () => {
    await store.close();
    await sql.close();
  });

  it('group-commits commands that arrive in separate I/O callbacks, although each append completes without yielding', async () => {
    const w = new TenantChainWriter({ store, vault: new SqlKeyVault(sql), kek: deriveKek('writer-test-secret-0123456789'), region: 'test' });
    await w.write(TENANT, () => ({ drafts: [draft('warm.up', 'warm.up', 'warm')], finish: () => 0 })); // the key, loaded state
    const append = jest.spyOn(store, 'append');
    // Like HTTP requests read in one poll phase: each command is issued from its own callback.
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Promise<number>((resolve, reject) =>
          setImmediate(() => w.write(TENANT, () => ({ drafts: [draft(`io.c${i}`, 'io.done', `c${i}`)], finish: (r) => r[0]!.sequence })).then((r) => resolve(r.value), reject)),
        ),
      ),
    );
    expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 3));
    expect(append).toHaveBeenCalledTimes(1);
    append.mockRestore();
  });
});
