import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { PostgresSqlClient } from '@oars/db';
import { ConcurrencyError, EmbeddedEventStore, type EventStore, JetStreamEventStore } from '@oars/eventstore';
import { KEYRING_SUBJECT, type ReceiptDraft, SqlKeyVault, TenantChainWriter, derivedId, keyringFromReceipt } from '@oars/ledger';
import { type Receipt, deriveKek, hashCanonical } from '@oars/receipts';
import { TEST_NATS_URL, type TestDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { verifyCommand, type VerifyReport } from '../apps/cli/src/commands/verify.command';

/**
 * The chain under several instances, as a property: independent writers (each with its own store
 * connection, as separate API instances have) race seeded random mixes of same-key requests (with
 * the same or another body), fresh keys and first use of a tenant. Afterwards every tenant stream
 * verifies with `oars verify` against the published keys, and every idempotency key has exactly one
 * decision that every other answer either replays (same body) or refuses (other body).
 */

const KEK = deriveKek('chain-race-test-secret-0123456789');
const WRITERS = 4;
const ROUNDS = 6;
const REQUESTS_PER_WRITER = 12;

type Answer = { kind: 'new' | 'replayed' | 'conflict'; actionId: string; body: string };

/** A small seeded PRNG (mulberry32): the same seed gives the same mix of races. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draft(actionId: string, type: string, data: Record<string, unknown>): ReceiptDraft {
  return { receiptId: derivedId('rcpt', actionId, type), type, subject: `action.${actionId}`, actionId, actor: null, resource: null, policy: null, risk: null, inputHash: null, telemetry: null, data };
}

/**
 * A client's request: a write that kept losing races answers 409 `concurrency_conflict` and changes
 * nothing, and a client sends the same request again.
 */
async function submit(writer: TenantChainWriter, store: EventStore, tenant: string, key: string, body: string): Promise<Answer> {
  for (let tries = 1; ; tries++) {
    try {
      return await submitOnce(writer, store, tenant, key, body);
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || tries >= 5) throw err;
    }
  }
}

/** What SubmitAction does with an Idempotency-Key, reduced to the chain: existence check, then 3 receipts. */
function submitOnce(writer: TenantChainWriter, store: EventStore, tenant: string, key: string, body: string): Promise<Answer> {
  const actionId = derivedId('act', tenant, key);
  const requestHash = hashCanonical({ key, body });
  return writer
    .write<Answer>(tenant, async () => {
      const existing = await store.lastBySubject(tenant, `action.${actionId}`);
      if (existing) {
        const first = (await store.read(tenant, { from: 1, limit: 100_000 })).find((e) => e.subject === `action.${actionId}`)!;
        const same = (first.data as { data: { requestHash: string } }).data.requestHash === requestHash;
        return { drafts: [], finish: () => ({ kind: same ? 'replayed' : 'conflict', actionId, body }) };
      }
      const drafts = ['action.requested', 'action.approved', 'action.executed'].map((type) => draft(actionId, type, { requestHash, body }));
      return { drafts, finish: () => ({ kind: 'new', actionId, body }) };
    })
    .then((r) => r.value);
}

interface Instance {
  store: EventStore;
  writer: TenantChainWriter;
  close(): Promise<void>;
}

async function verifyStream(store: EventStore, tenant: string, dir: string): Promise<{ report: VerifyReport; receipts: Receipt[] }> {
  const receipts = (await store.read(tenant, { from: 1, limit: 100_000 })).map((e) => e.data as unknown as Receipt);
  const keyEvent = await store.lastBySubject(tenant, KEYRING_SUBJECT);
  const ring = keyringFromReceipt(keyEvent!.data as unknown as Receipt)!;
  const file = join(dir, `${tenant}.ndjson`);
  const keys = join(dir, `${tenant}.keys.json`);
  writeFileSync(file, receipts.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(keys, JSON.stringify({ tenantId: tenant, items: ring.keys }));
  const out: string[] = [];
  const code = await verifyCommand([file, '--keys', keys, '--expect-first-sequence', '1', '--json'], { out: (l) => out.push(l), err: () => undefined });
  const report = JSON.parse(out.join('\n')) as VerifyReport;
  expect({ code, errors: report.verificationErrors }).toEqual({ code: 0, errors: [] });
  // Every receipt is signed by a key the tenant published; exactly one key.generated opens the stream.
  const published = new Set(ring.keys.map((k) => k.keyId));
  expect(receipts.filter((r) => !published.has(r.integrity.signingKeyId))).toEqual([]);
  expect(receipts.filter((r) => r.type === 'key.generated').map((r) => r.sequence)).toEqual([1]);
  expect(new Set(receipts.map((r) => r.receiptId)).size).toBe(receipts.length);
  return { report, receipts };
}

function runRaceProperty(name: string, open: () => Promise<{ instances: Instance[]; cleanup(): Promise<void> }>): void {
  describe(`several chain writers racing one tenant: ${name}`, () => {
    let instances: Instance[];
    let cleanup: () => Promise<void>;
    let dir: string;

    beforeAll(async () => {
      ({ instances, cleanup } = await open());
      dir = mkdtempSync(join(tmpdir(), 'oars-race-'));
    });

    afterAll(async () => {
      for (const i of instances ?? []) await i.close();
      await cleanup?.();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps every stream a valid chain under the published keys, with one decision per idempotency key', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const random = prng(1000 * round + name.length);
        // A fresh tenant each round: every writer's first request races the tenant's first key.
        const tenant = `tenant_race_${round}_${uniqueNamespace('r')}`;
        const sharedKeys = Array.from({ length: 4 }, (_, k) => `shared-${k}`);
        const plans = instances.map((_, w) =>
          Array.from({ length: REQUESTS_PER_WRITER }, (_, i) => {
            const roll = random();
            if (roll < 0.6) return { key: sharedKeys[Math.floor(random() * sharedKeys.length)]!, body: random() < 0.5 ? 'a' : 'b' };
            return { key: `own-${w}-${i}`, body: 'a' };
          }),
        );
        const answers = (
          await Promise.all(
            instances.map(async ({ writer, store }, w) => {
              // Each writer sends its requests in small concurrent bursts, interleaving with the others.
              const out: Answer[] = [];
              for (let i = 0; i < plans[w]!.length; i += 3) {
                out.push(...(await Promise.all(plans[w]!.slice(i, i + 3).map((p) => submit(writer, store, tenant, p.key, p.body)))));
              }
              return out;
            }),
          )
        ).flat();

        const { receipts } = await verifyStream(instances[0]!.store, tenant, dir);
        const byAction = new Map<string, Answer[]>();
        for (const a of answers) byAction.set(a.actionId, [...(byAction.get(a.actionId) ?? []), a]);
        for (const [actionId, list] of byAction) {
          const winners = list.filter((a) => a.kind === 'new');
          expect({ actionId, winners: winners.length }).toEqual({ actionId, winners: 1 });
          const stored = receipts.filter((r) => r.actionId === actionId);
          expect(stored.map((r) => r.type)).toEqual(['action.requested', 'action.approved', 'action.executed']);
          const storedBody = (stored[0]!.data as { body: string }).body;
          expect(winners[0]!.body).toBe(storedBody);
          for (const a of list.filter((x) => x.kind !== 'new')) expect({ body: a.body, kind: a.kind }).toEqual({ body: a.body, kind: a.body === storedBody ? 'replayed' : 'conflict' });
        }
        // Same-key races really happened: some key was answered by more than one request.
        expect([...byAction.values()].some((l) => l.length > 1)).toBe(true);
      }
    });
  });
}

runRaceProperty('embedded store on Postgres', async () => {
  const db: TestDatabase = await createTestDatabase();
  const instances = Array.from({ length: WRITERS }, () => {
    const sql = new PostgresSqlClient(db.url, { schema: db.schema });
    const store = new EmbeddedEventStore(sql);
    const writer = new TenantChainWriter({ store, vault: new SqlKeyVault(sql), kek: KEK, region: 'test' });
    return { store, writer, close: async () => (await store.close(), await sql.close()) };
  });
  return { instances, cleanup: () => db.drop() };
});

runRaceProperty('JetStream', async () => {
  const db: TestDatabase = await createTestDatabase();
  const ns = uniqueNamespace('race');
  const instances = await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const store = await JetStreamEventStore.connect({ servers: TEST_NATS_URL, region: 'test', streamPrefix: ns.toUpperCase(), subjectPrefix: ns });
      const sql = new PostgresSqlClient(db.url, { schema: db.schema });
      const writer = new TenantChainWriter({ store, vault: new SqlKeyVault(sql), kek: KEK, region: 'test' });
      return { store, writer, close: async () => (await store.close(), await sql.close()) };
    }),
  );
  return {
    instances,
    cleanup: async () => {
      const admin = await JetStreamEventStore.connect({ servers: TEST_NATS_URL, region: 'test', streamPrefix: ns.toUpperCase(), subjectPrefix: ns });
      const jsm = await jetstreamManager(admin.connection);
      for await (const name of jsm.streams.names()) if (name.startsWith(`${ns.toUpperCase()}_`)) await jsm.streams.delete(name);
      await admin.close();
      await db.drop();
    },
  };
});
