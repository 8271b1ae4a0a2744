import { jetstreamManager } from '@nats-io/jetstream';
import type { EventToAppend, StoredEvent } from './event-store.port';
import { JetStreamEventStore } from './jetstream/jetstream-event-store';
import { TEST_NATS_URL, uniqueNamespace } from '@oars/testing';
import { StreamFeeds } from './stream-feeds';

const ev = (i: number): EventToAppend => ({ id: `evt_${i}`, type: 'test.appended', subject: `note.n${i}`, data: { i } });

async function until<T>(probe: () => Promise<T | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('StreamFeeds on JetStream (one ordered consumer per stream feeds the projector)', () => {
  const ns = uniqueNamespace('feeds');
  let store: JetStreamEventStore;
  let feeds: StreamFeeds;
  const notified: string[] = [];

  beforeAll(async () => {
    store = await JetStreamEventStore.connect({ servers: TEST_NATS_URL, region: 'test', streamPrefix: ns.toUpperCase(), subjectPrefix: ns });
  });
  afterEach(async () => {
    await feeds?.closeAll();
  });
  afterAll(async () => {
    const jsm = await jetstreamManager(store.connection);
    for await (const name of jsm.streams.names()) if (name.startsWith(`${ns.toUpperCase()}_`)) await jsm.streams.delete(name);
    await store.close();
  });

  /** Reads like the projector: from the position after the last event it took, until `count` events. */
  async function drain(stream: string, from: number, count: number, limit = 1000): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    while (out.length < count) {
      const next = await until(async () => {
        const got = await feeds.read(stream, from + out.length, limit);
        return got.length > 0 && got;
      });
      out.push(...next);
    }
    return out;
  }

  it('gives the events from a position as they are appended, and tells who has news', async () => {
    const stream = 'tenant_feed_a';
    feeds = new StreamFeeds({ store });
    feeds.listen((s) => notified.push(s));
    await store.append(stream, [ev(1), ev(2), ev(3)], { expectedVersion: 0 });
    const first = await drain(stream, 2, 2);
    expect(first.map((e) => e.sequence)).toEqual([2, 3]);
    await store.append(stream, [ev(4), ev(5)], { expectedVersion: 3 });
    expect((await drain(stream, 4, 2)).map((e) => e.data)).toEqual([{ i: 4 }, { i: 5 }]);
    expect(notified).toContain(stream);
    expect(feeds.openStreams()).toEqual([stream]);
    // A read from before what was dropped (a rebuild reset the checkpoint) starts the feed again.
    expect((await drain(stream, 1, 5)).map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
  });

  it('holds at most maxBuffered events, and delivers all of them in order as reads catch up', async () => {
    const stream = 'tenant_feed_b';
    feeds = new StreamFeeds({ store, maxBuffered: 4 });
    for (let i = 0; i < 30; i += 10) {
      await store.append(stream, Array.from({ length: 10 }, (_, k) => ev(i + k + 1)), { expectedVersion: i });
    }
    await until(async () => (await feeds.read(stream, 1, 1000)).length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await feeds.read(stream, 1, 1000)).length).toBe(4); // full: the subscription waits
    const all = await drain(stream, 1, 30, 3);
    expect(all.map((e) => e.sequence)).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
  });

  it('serves two readers of one process from one feed: the slower holds the buffer, a reader behind it reads the store', async () => {
    const stream = 'tenant_feed_c';
    const heard: string[] = [];
    feeds = new StreamFeeds({ store });
    const stop = feeds.listen((s) => heard.push(s));
    await store.append(stream, Array.from({ length: 10 }, (_, k) => ev(k + 1)), { expectedVersion: 0 });
    const seqs = (events: StoredEvent[]) => events.map((e) => e.sequence);
    await until(async () => (await feeds.read(stream, 1, 100, 'projector')).length === 10);
    // The reactors are at 4: the projector's read from 8 drops nothing the reactors still need.
    expect(seqs(await feeds.read(stream, 4, 100, 'reactors'))).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(seqs(await feeds.read(stream, 8, 100, 'projector'))).toEqual([8, 9, 10]);
    expect(seqs(await feeds.read(stream, 6, 2, 'reactors'))).toEqual([6, 7]);
    // Both moved past 5: a third reader from 2 is served by the store, and the feed stays as it is.
    expect(seqs(await feeds.read(stream, 2, 3, 'verifier'))).toEqual([2, 3, 4]);
    expect(seqs(await feeds.read(stream, 6, 100, 'reactors'))).toEqual([6, 7, 8, 9, 10]);
    // A reader that stopped no longer holds anything back; the other still gets every new event once.
    feeds.release('reactors');
    await store.append(stream, [ev(11)], { expectedVersion: 10 });
    expect(seqs(await until(async () => { const got = await feeds.read(stream, 11, 100, 'projector'); return got.length > 0 && got; }))).toEqual([11]);
    expect(feeds.openStreams()).toEqual([stream]);
    expect(heard).toContain(stream);
    stop();
  });
});
