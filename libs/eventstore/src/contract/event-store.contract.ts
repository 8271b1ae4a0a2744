import { randomBytes } from 'node:crypto';
import { EventStore, EventToAppend, StoredEvent } from '../event-store.port';
import { ConcurrencyError } from '../errors';

export interface EventStoreUnderTest {
  store: EventStore;
  cleanup: () => Promise<void>;
}

/** A fresh stream (tenant) id, unique per call so tests never share a stream. */
function newStream(): string {
  return `c_${randomBytes(6).toString('hex')}`;
}

let counter = 0;
function event(overrides: Partial<EventToAppend> = {}): EventToAppend {
  counter += 1;
  return {
    id: `evt_${randomBytes(8).toString('hex')}`,
    type: 'test.appended',
    subject: `action.act_${counter % 3}`,
    data: { n: counter, nested: { b: 2, a: [1, 'two', null, true] }, ratio: 0.1, text: 'héllo ✓ "quoted"' },
    ...overrides,
  };
}

function events(n: number): EventToAppend[] {
  return Array.from({ length: n }, () => event());
}

/** What an appended event reads back as. */
function stored(stream: string, sequence: number, e: EventToAppend): StoredEvent {
  return { ...e, stream, sequence };
}

/** Polls `check` until it holds (or throws after `ms`): no fixed sleeps in tests. */
async function eventually(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The EventStore contract: every adapter's integration spec runs this suite against a real backend.
 * `makeStore` is called once for the suite; `cleanup` runs after it.
 */
export function runEventStoreContract(name: string, makeStore: () => Promise<EventStoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      ({ store, cleanup } = await makeStore());
    });

    afterAll(async () => {
      await cleanup?.();
    });

    it('appends and reads back in order with the exact data', async () => {
      const s = newStream();
      const batch = events(3);
      const result = await store.append(s, batch, { expectedVersion: 0 });
      expect(result).toEqual({ firstSequence: 1, lastSequence: 3, duplicates: [false, false, false] });
      const read = await store.read(s);
      expect(read).toEqual(batch.map((e, i) => stored(s, i + 1, e)));
      expect(read.map((e) => JSON.stringify(e.data))).toEqual(batch.map((e) => JSON.stringify(e.data)));
    });

    it('numbers sequences gaplessly from 1 across appends and pages reads with from/limit', async () => {
      const s = newStream();
      const all: EventToAppend[] = [];
      for (const size of [1, 4, 2, 25]) {
        const batch = events(size);
        const result = await store.append(s, batch, { expectedVersion: all.length });
        expect(result.firstSequence).toBe(all.length + 1);
        expect(result.lastSequence).toBe(all.length + size);
        all.push(...batch);
      }
      const read = await store.read(s);
      expect(read.map((e) => e.sequence)).toEqual(all.map((_, i) => i + 1));
      expect(read.map((e) => e.id)).toEqual(all.map((e) => e.id));
      const page = await store.read(s, { from: 5, limit: 20 });
      expect(page.map((e) => e.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 5));
      expect(await store.read(s, { from: 3, limit: 2 })).toEqual([stored(s, 3, all[2]), stored(s, 4, all[3])]);
      expect(await store.read(s, { from: all.length + 1 })).toEqual([]);
    });

    it('answers head, lastBySubject and get', async () => {
      const s = newStream();
      const batch = [event({ subject: 'action.a1' }), event({ subject: 'action.a2' }), event({ subject: 'action.a1' }), event({ subject: 'approval.p1' })];
      await store.append(s, batch, { expectedVersion: 0 });
      expect(await store.head(s)).toEqual({ sequence: 4, last: stored(s, 4, batch[3]) });
      expect(await store.lastBySubject(s, 'action.a1')).toEqual(stored(s, 3, batch[2]));
      expect(await store.lastBySubject(s, 'action.a2')).toEqual(stored(s, 2, batch[1]));
      expect(await store.lastBySubject(s, 'action.none')).toBeNull();
      expect(await store.get(s, 2)).toEqual(stored(s, 2, batch[1]));
      expect(await store.get(s, 5)).toBeNull();
      expect(await store.get(s, 0)).toBeNull();
    });

    it('rejects a stale or future expectedVersion with ConcurrencyError and writes nothing', async () => {
      const s = newStream();
      await store.append(s, events(2), { expectedVersion: 0 });
      for (const expectedVersion of [0, 1, 3, 10]) {
        const attempt = store.append(s, events(2), { expectedVersion });
        await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(attempt).rejects.toMatchObject({ code: 'concurrency_conflict', stream: s });
      }
      expect((await store.head(s)).sequence).toBe(2);
      expect(await store.read(s)).toHaveLength(2);
      await expect(store.append(newStream(), events(1), { expectedVersion: 1 })).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('keeps every event exactly once and gapless when parallel writers race on one stream', async () => {
      const s = newStream();
      const writers = 5;
      const perWriter = 12;
      const written: string[] = [];
      const writer = async (): Promise<void> => {
        for (let i = 0; i < perWriter; i++) {
          const e = event();
          for (let attempt = 0; ; attempt++) {
            if (attempt > 500) throw new Error('writer starved');
            const head = await store.head(s);
            try {
              await store.append(s, [e], { expectedVersion: head.sequence });
              written.push(e.id);
              break;
            } catch (err) {
              if (!(err instanceof ConcurrencyError)) throw err;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: writers }, writer));
      const read = await store.read(s);
      expect(read.map((e) => e.sequence)).toEqual(Array.from({ length: writers * perWriter }, (_, i) => i + 1));
      expect(new Set(read.map((e) => e.id)).size).toBe(writers * perWriter);
      expect([...read.map((e) => e.id)].sort()).toEqual([...written].sort());
    });

    it('treats a retried append of stored ids as duplicates at their original sequences', async () => {
      const s = newStream();
      const batch = events(2);
      await store.append(s, batch, { expectedVersion: 0 });
      const retry = await store.append(s, batch, { expectedVersion: 0 });
      expect(retry).toEqual({ firstSequence: 1, lastSequence: 2, duplicates: [true, true] });
      const later = events(1);
      await store.append(s, later, { expectedVersion: 2 });
      expect(await store.append(s, [batch[1]], { expectedVersion: 3 })).toEqual({ firstSequence: 2, lastSequence: 2, duplicates: [true] });
      expect(await store.read(s)).toEqual([stored(s, 1, batch[0]), stored(s, 2, batch[1]), stored(s, 3, later[0])]);
      expect((await store.head(s)).sequence).toBe(3);
    });

    it("never takes another writer's event under the same id for its own, nor appends after it", async () => {
      const s = newStream();
      const [opening, theirs] = events(2);
      await store.append(s, [opening!, theirs!], { expectedVersion: 0 });
      // A raced idempotent command: same id, other data, built on the head before `theirs`.
      const mine = { ...theirs!, data: { ...theirs!.data, n: -1, writer: 'other' } };
      for (const batch of [[mine], [mine, event()], [event(), mine, event()]]) {
        const attempt = store.append(s, batch, { expectedVersion: 1 });
        await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
      }
      // Nothing pipelined after the foreign duplicate lands on top of the real one, at any head.
      const attempt = store.append(s, [mine, event()], { expectedVersion: 1 });
      await expect(attempt).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await store.read(s)).toEqual([stored(s, 1, opening!), stored(s, 2, theirs!)]);
      // A true retry of the same bytes is still a duplicate.
      expect(await store.append(s, [theirs!], { expectedVersion: 1 })).toEqual({ firstSequence: 2, lastSequence: 2, duplicates: [true] });
    });

    it('delivers from a position the stored events, then new ones, in order', async () => {
      const s = newStream();
      const first = events(5);
      await store.append(s, first, { expectedVersion: 0 });
      const seen: StoredEvent[] = [];
      const sub = await store.subscribe(s, 3, async (e) => {
        seen.push(e);
      });
      try {
        await eventually(() => seen.length >= 3);
        const more = events(3);
        await store.append(s, more.slice(0, 1), { expectedVersion: 5 });
        await store.append(s, more.slice(1), { expectedVersion: 6 });
        await eventually(() => seen.length >= 6);
        expect(seen).toEqual([...first.slice(2), ...more].map((e, i) => stored(s, i + 3, e)));
      } finally {
        await sub.close();
      }
    });

    it('delivers to a subscription made before the stream exists', async () => {
      const s = newStream();
      const seen: number[] = [];
      const sub = await store.subscribe(s, 1, async (e) => {
        seen.push(e.sequence);
      });
      try {
        await store.append(s, events(2), { expectedVersion: 0 });
        await eventually(() => seen.length >= 2);
        expect(seen).toEqual([1, 2]);
      } finally {
        await sub.close();
      }
    });

    it('stores and returns large payloads (~256 KiB) unchanged', async () => {
      const s = newStream();
      const blob = randomBytes(192 * 1024).toString('base64') + 'é';
      const batch = [event({ data: { blob, n: 1 } }), event({ data: { blob: blob.toUpperCase(), n: 2 } })];
      await store.append(s, batch, { expectedVersion: 0 });
      expect(await store.read(s)).toEqual(batch.map((e, i) => stored(s, i + 1, e)));
      expect((await store.get(s, 2))?.data).toEqual({ blob: blob.toUpperCase(), n: 2 });
    });

    it('keeps 50 streams apart and lists each with its head', async () => {
      const streams = Array.from({ length: 50 }, () => newStream());
      await Promise.all(streams.map((s, i) => store.append(s, events((i % 3) + 1), { expectedVersion: 0 })));
      const listed = new Map((await store.listStreams()).map((x) => [x.stream, x.lastSequence]));
      streams.forEach((s, i) => expect(listed.get(s)).toBe((i % 3) + 1));
      const read = await store.read(streams[2]);
      expect(read.map((e) => [e.stream, e.sequence])).toEqual([[streams[2], 1], [streams[2], 2], [streams[2], 3]]);
    });

    it('reads only the events of the given types, up to `to`', async () => {
      const s = newStream();
      const typed = Array.from({ length: 12 }, (_, i) => event({ type: i % 3 === 0 ? 'test.wanted' : 'test.other', data: { i } }));
      await store.append(s, typed, { expectedVersion: 0 });
      const seqs = (list: StoredEvent[]) => list.map((e) => e.sequence);
      expect(seqs(await store.read(s, { types: ['test.wanted'] }))).toEqual([1, 4, 7, 10]);
      expect(seqs(await store.read(s, { from: 2, types: ['test.wanted'], limit: 2 }))).toEqual([4, 7]);
      expect(seqs(await store.read(s, { from: 2, types: ['test.wanted'], to: 9 }))).toEqual([4, 7]);
      expect(seqs(await store.read(s, { from: 5, to: 7 }))).toEqual([5, 6, 7]);
      expect(seqs(await store.read(s, { from: 8, to: 7 }))).toEqual([]);
      expect(await store.read(s, { types: ['test.none'] })).toEqual([]);
      expect((await store.read(s, { from: 4, types: ['test.wanted', 'test.other'], limit: 1 }))[0]).toMatchObject({ sequence: 4, type: 'test.wanted', data: { i: 3 } });
    });

    it('reads an unknown stream as empty with head 0', async () => {
      const s = newStream();
      expect(await store.read(s)).toEqual([]);
      expect(await store.head(s)).toEqual({ sequence: 0, last: null });
      expect(await store.lastBySubject(s, 'action.a1')).toBeNull();
      expect(await store.get(s, 1)).toBeNull();
      expect((await store.listStreams()).some((x) => x.stream === s)).toBe(false);
    });

    it('fires an append hint for the stream after an append', async () => {
      const s = newStream();
      const hinted: string[] = [];
      const heads: Array<number | undefined> = [];
      const off = store.onAppendHint((stream, head) => {
        hinted.push(stream);
        if (stream === s) heads.push(head);
      });
      try {
        await store.append(s, events(2), { expectedVersion: 0 });
        await eventually(() => hinted.includes(s));
      } finally {
        off();
      }
      expect(hinted).toContain(s);
      // A head, when the adapter gives one, is the stream's new last sequence.
      for (const head of heads) if (head !== undefined) expect(head).toBe(2);
    });

    it('rejects invalid input with RangeError', async () => {
      await expect(store.append('bad stream', events(1), { expectedVersion: 0 })).rejects.toBeInstanceOf(RangeError);
      await expect(store.append(newStream(), [event({ subject: 'no-dot' })], { expectedVersion: 0 })).rejects.toBeInstanceOf(RangeError);
      await expect(store.append(newStream(), [], { expectedVersion: 0 })).rejects.toBeInstanceOf(RangeError);
      const e = event();
      await expect(store.append(newStream(), [e, e], { expectedVersion: 0 })).rejects.toBeInstanceOf(RangeError);
      await expect(store.append(newStream(), events(1), { expectedVersion: -1 })).rejects.toBeInstanceOf(RangeError);
    });

    it('prunes a prefix for retention: later events, the head and appends stay; the prefix reads as absent', async () => {
      const t = newStream();
      for (let i = 1; i <= 12; i++) await store.append(t, [event({ subject: i % 3 === 0 ? 'policy.p_1' : `action.act_${i}` })], { expectedVersion: i - 1 });
      expect(await store.firstSequence(t)).toBe(1);
      expect(await store.prune(t, 5)).toEqual({ firstSequence: 6 });
      expect(await store.firstSequence(t)).toBe(6);
      expect((await store.read(t)).map((e) => e.sequence)).toEqual([6, 7, 8, 9, 10, 11, 12]);
      expect((await store.read(t, { from: 2, limit: 3 })).map((e) => e.sequence)).toEqual([6, 7, 8]);
      expect(await store.get(t, 3)).toBeNull();
      expect((await store.head(t)).sequence).toBe(12);
      expect(await store.lastBySubject(t, 'action.act_2')).toBeNull();
      expect((await store.lastBySubject(t, 'policy.p_1'))?.sequence).toBe(12);
      expect(await store.prune(t, 5)).toEqual({ firstSequence: 6 });
      await expect(store.prune(t, 12)).rejects.toMatchObject({ code: 'prune_not_permitted' });
      await expect(store.prune(t, 0)).rejects.toMatchObject({ code: 'prune_not_permitted' });
      expect(await store.append(t, [event()], { expectedVersion: 12 })).toMatchObject({ firstSequence: 13, lastSequence: 13 });
      expect((await store.read(t, { from: 1, limit: 100 })).length).toBe(8);
      expect(await store.firstSequence(newStream())).toBe(0);
    });

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
