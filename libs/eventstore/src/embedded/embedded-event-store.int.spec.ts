import { createPgliteDatabase, createTestDatabase } from '@oars/testing';
import { runEventStoreContract } from '../contract/event-store.contract';
import { EmbeddedEventStore, MixedDuplicateBatchError } from './embedded-event-store';

runEventStoreContract('embedded on Postgres', async () => {
  const db = await createTestDatabase();
  const store = new EmbeddedEventStore(db.sql);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
});

runEventStoreContract('embedded on PGlite', async () => {
  const sql = await createPgliteDatabase();
  const store = new EmbeddedEventStore(sql);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await sql.close();
    },
  };
});

describe('EmbeddedEventStore specifics', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: EmbeddedEventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EmbeddedEventStore(db.sql);
  });

  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const ev = (id: string) => ({ id, type: 'test.appended', subject: 'action.a1', data: { id } });

  it('rejects a batch mixing stored and new ids and writes nothing', async () => {
    await store.append('mixed', [ev('mx_1')], { expectedVersion: 0 });
    await expect(store.append('mixed', [ev('mx_1'), ev('mx_2')], { expectedVersion: 1 })).rejects.toBeInstanceOf(MixedDuplicateBatchError);
    expect((await store.read('mixed')).map((e) => e.id)).toEqual(['mx_1']);
  });

  it('refuses an id already stored in another stream', async () => {
    await store.append('owner', [ev('shared_1')], { expectedVersion: 0 });
    await expect(store.append('other', [ev('shared_1')], { expectedVersion: 0 })).rejects.toMatchObject({ code: 'mixed_duplicate_batch' });
    expect(await store.head('other')).toEqual({ sequence: 0, last: null });
  });

  it('sees appends made by another store instance on the same database (poll fallback)', async () => {
    const other = new EmbeddedEventStore(db.sql);
    const seen: number[] = [];
    const sub = await store.subscribe('shared', 1, async (e) => {
      seen.push(e.sequence);
    });
    try {
      await other.append('shared', [ev('sh_1'), ev('sh_2')], { expectedVersion: 0 });
      const deadline = Date.now() + 10_000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(seen).toEqual([1, 2]);
    } finally {
      await sub.close();
    }
  });
});
