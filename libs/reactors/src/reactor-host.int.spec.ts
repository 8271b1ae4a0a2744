import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { SqlClient } from '@oars/db';
import { EmbeddedEventStore, type EventStore, JetStreamEventStore, type StoredEvent } from '@oars/eventstore';
import { TEST_NATS_URL, createPgliteDatabase, createTestDatabase, uniqueNamespace, until } from '@oars/testing';
import type { FiredTimer, Reactor, ReactorContext } from './reactor';
import { listReactorDeadLetters } from './reactor-dead-letters.store';
import { ReactorHost, type ReactorHostOptions } from './reactor-host';
import { acquireLease, leaseHolder } from './reactor-lease.store';

interface Backend {
  store: EventStore;
  sql: SqlClient;
  follow: 'read' | 'subscribe';
  cleanup(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  ['embedded on PGlite', async () => {
    const sql = await createPgliteDatabase();
    const store = new EmbeddedEventStore(sql);
    return { store, sql, follow: 'read', cleanup: async () => { await store.close(); await sql.close(); } };
  }],
  ['JetStream with Postgres', async () => {
    const db = await createTestDatabase();
    const ns = uniqueNamespace('rx');
    const store = await JetStreamEventStore.connect({ servers: TEST_NATS_URL, region: 'test', streamPrefix: ns.toUpperCase(), subjectPrefix: ns });
    return {
      store, sql: db.sql, follow: 'subscribe',
      cleanup: async () => {
        const jsm = await jetstreamManager(store.connection);
        for await (const name of jsm.streams.names()) if (name.startsWith(`${ns.toUpperCase()}_`)) await jsm.streams.delete(name);
        await store.close();
        await db.drop();
      },
    };
  }],
];

/** Polls `check` until it returns a value (no fixed sleeps). */
/**
 * A reactor that records what it handled; `fail(event, attempt)` may throw to simulate failures of
 * the events of `only` (every reactor follows every stream of the store, those of other tests too).
 */
function recorder(name: string, fail: (event: StoredEvent, attempt: number) => boolean = () => false, extra: Partial<Reactor> = {}, only?: string) {
  const handled: Array<{ stream: string; sequence: number }> = [];
  const tries = new Map<string, number>();
  const reactor: Reactor = {
    name,
    firstBackoffMs: 20,
    maxBackoffMs: 100,
    async handle(event: StoredEvent, ctx: ReactorContext) {
      const id = `${ctx.stream}:${event.sequence}`;
      const attempt = (tries.get(id) ?? 0) + 1;
      tries.set(id, attempt);
      if ((only === undefined || ctx.stream === only) && fail(event, attempt)) throw new Error(`refused ${id} (try ${attempt})`);
      handled.push({ stream: ctx.stream, sequence: event.sequence });
    },
    ...extra,
  };
  return { reactor, handled, tries };
}

describe.each(backends)('ReactorHost on %s', (_label, open) => {
  let b: Backend;
  const hosts: ReactorHost[] = [];

  beforeAll(async () => {
    b = await open();
  });
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop()));
  });
  afterAll(async () => {
    await b.cleanup();
  });

  const host = (overrides: Partial<ReactorHostOptions> = {}) => {
    const h = new ReactorHost({ store: b.store, sql: b.sql, follow: b.follow, pollIntervalMs: 100, leaseMs: 1500, ...overrides });
    hosts.push(h);
    return h;
  };
  const stream = () => `t_${randomBytes(4).toString('hex')}`;
  const append = async (tenant: string, n: number, type = 'test.happened') => {
    const head = (await b.store.head(tenant)).sequence;
    const events = Array.from({ length: n }, (_, i) => ({ id: `evt_${randomBytes(6).toString('hex')}`, type, subject: `thing.t${head + i + 1}`, data: { n: head + i + 1 } }));
    await b.store.append(tenant, events, { expectedVersion: head });
  };
  const sequencesOf = (handled: Array<{ stream: string; sequence: number }>, tenant: string) => handled.filter((h) => h.stream === tenant).map((h) => h.sequence);

  it('is NOT_READY before it starts, then follows every stream and resumes from its checkpoint after a restart', async () => {
    const tenant = stream();
    const name = `resume_${tenant}`;
    await append(tenant, 3);
    const first = recorder(name);
    const h1 = host();
    h1.register(first.reactor);
    expect(h1.status(name)!.state).toBe('NOT_READY');
    await h1.start();
    await until('the first three events', () => sequencesOf(first.handled, tenant).length === 3);
    await until('the checkpoint', () => h1.status(name)!.lagEvents === 0);
    expect(h1.status(name)).toMatchObject({ state: 'OK', leased: true, lagEvents: 0, deadLetters: 0 });
    await h1.stop();
    expect(h1.status(name)!.state).toBe('NOT_READY');

    await append(tenant, 2);
    const second = recorder(name);
    const h2 = host();
    h2.register(second.reactor);
    await h2.start();
    await until('the two new events', () => sequencesOf(second.handled, tenant).length === 2);
    await append(tenant, 1); // live, through the hint or the feed
    await until('the live event', () => sequencesOf(second.handled, tenant).length === 3);
    expect(sequencesOf(first.handled, tenant)).toEqual([1, 2, 3]);
    expect(sequencesOf(second.handled, tenant)).toEqual([4, 5, 6]);
  });

  it('gives each reactor its own checkpoint, served from one host', async () => {
    const tenant = stream();
    await append(tenant, 4);
    const a = recorder(`a_${tenant}`);
    const h = host();
    h.register(a.reactor);
    await h.start();
    await until('reactor a', () => sequencesOf(a.handled, tenant).length === 4);
    const late = recorder(`late_${tenant}`);
    h.register(late.reactor); // registered later: starts from the beginning, a is not repeated
    await append(tenant, 1);
    await until('both reactors', () => sequencesOf(late.handled, tenant).length === 5 && sequencesOf(a.handled, tenant).length === 5);
    expect(sequencesOf(a.handled, tenant)).toEqual([1, 2, 3, 4, 5]);
    expect(sequencesOf(late.handled, tenant)).toEqual([1, 2, 3, 4, 5]);
  });

  it('runs a reactor on one host only; the other takes over when the first stops', async () => {
    const tenant = stream();
    const name = `race_${tenant}`;
    const one = recorder(name);
    const two = recorder(name);
    const h1 = host();
    const h2 = host();
    h1.register(one.reactor);
    h2.register(two.reactor);
    await Promise.all([h1.start(), h2.start()]);
    await append(tenant, 5);
    const all = () => [...sequencesOf(one.handled, tenant), ...sequencesOf(two.handled, tenant)];
    await until('the five events', () => all().length === 5);
    const [holder, standby, holderLog, standbyLog] = h1.holds(name) ? [h1, h2, one, two] : [h2, h1, two, one];
    expect(holder.holds(name) && !standby.holds(name)).toBe(true);
    expect(sequencesOf(standbyLog.handled, tenant)).toEqual([]);
    expect(standby.status(name)).toMatchObject({ state: 'OK', leased: false });
    expect(await leaseHolder(b.sql, name)).toBe(holder.owner);

    await holder.stop();
    await append(tenant, 2);
    await until('the standby to take over', () => sequencesOf(standbyLog.handled, tenant).length === 2);
    expect(sequencesOf(holderLog.handled, tenant)).toEqual([1, 2, 3, 4, 5]);
    expect(sequencesOf(standbyLog.handled, tenant)).toEqual([6, 7]);
  });

  it('waits for a dead instance\'s lease to expire, then takes over; a host that lost its lease stops', async () => {
    const tenant = stream();
    const name = `expiry_${tenant}`;
    expect(await acquireLease(b.sql, name, 'crashed_instance', 800)).toBe(true); // it died holding the lease
    await append(tenant, 2);
    const r = recorder(name);
    const h = host();
    h.register(r.reactor);
    await h.start();
    expect(h.holds(name)).toBe(false);
    await until('the takeover after expiry', () => sequencesOf(r.handled, tenant).length === 2);
    expect(await leaseHolder(b.sql, name)).toBe(h.owner);

    // Another instance takes the lease (e.g. this one was paused past its expiry): this one stops.
    await b.sql.query("UPDATE reactor_leases SET owner = 'usurper', expires_at = now() + interval '1 hour' WHERE reactor = $1", [name]);
    await append(tenant, 1);
    await until('the host to notice', () => !h.holds(name));
    // An absence cannot be waited for: give the host a few loop rounds to do what it must not.
    await new Promise((r) => setTimeout(r, 300));
    expect(sequencesOf(r.handled, tenant).filter((s) => s > 2).length).toBeLessThanOrEqual(1);
    const { rows } = await b.sql.query<{ position: string }>('SELECT position FROM reactor_checkpoints WHERE reactor = $1 AND stream = $2', [name, tenant]);
    expect(Number(rows[0]!.position)).toBe(2); // it could not move the usurper's checkpoint
    expect(h.status(name)).toMatchObject({ leased: false });
  });

  it('retries a failing event with backoff until it succeeds, in order', async () => {
    const tenant = stream();
    const name = `retry_${tenant}`;
    const r = recorder(name, (e, attempt) => e.sequence === 2 && attempt < 3, {}, tenant);
    const h = host();
    h.register(r.reactor);
    await h.start();
    await append(tenant, 3);
    await until('all three', () => sequencesOf(r.handled, tenant).length === 3);
    expect(sequencesOf(r.handled, tenant)).toEqual([1, 2, 3]);
    expect(r.tries.get(`${tenant}:2`)).toBe(3);
    expect(h.status(name)).toMatchObject({ state: 'OK', retries: 2, deadLetters: 0 });
  });

  it('parks a poison event after its tries and handles the rest; status says so', async () => {
    const tenant = stream();
    const name = `poison_${tenant}`;
    const r = recorder(name, (e) => e.sequence === 2, { maxAttempts: 3 }, tenant);
    const h = host();
    h.register(r.reactor);
    await h.start();
    await append(tenant, 4);
    await until('the rest', () => sequencesOf(r.handled, tenant).length === 3);
    expect(sequencesOf(r.handled, tenant)).toEqual([1, 3, 4]);
    expect(r.tries.get(`${tenant}:2`)).toBe(3);
    const parked = await listReactorDeadLetters(b.sql, name);
    expect(parked).toEqual([expect.objectContaining({ stream: tenant, item: 'event:2', eventType: 'test.happened', attempts: 3, reason: `refused ${tenant}:2 (try 3)` })]);
    expect(h.status(name)).toMatchObject({ state: 'WARN', deadLetters: 1, retries: 3 });
    expect(h.status(name)!.message).toContain('parked as dead letters');
  });

  it('keeps retrying (ERROR, never parks) a reactor that must not skip events', async () => {
    const tenant = stream();
    const name = `strict_${tenant}`;
    let broken = true;
    const r = recorder(name, () => broken, { maxAttempts: Infinity }, tenant);
    const h = host();
    h.register(r.reactor);
    await h.start();
    await append(tenant, 1);
    await until('ERROR', () => h.status(name)!.state === 'ERROR' && (r.tries.get(`${tenant}:1`) ?? 0) >= 4);
    broken = false;
    await until('the event', () => sequencesOf(r.handled, tenant).length === 1);
    expect(await listReactorDeadLetters(b.sql, name)).toEqual([]);
    expect(h.status(name)!.state).toBe('OK');
  });

  it('fires durable timers once, after a restart too; cancel and replace work', async () => {
    const tenant = stream();
    const name = `timers_${tenant}`;
    const fired: FiredTimer[] = [];
    const timers = (): Reactor => ({
      name,
      async handle(event, ctx) {
        if (ctx.stream !== tenant) return;
        const n = (event.data as { n: number }).n;
        if (n === 1) await ctx.setTimer('soon', Date.now() + 1200, { n });
        if (n === 2) await ctx.setTimer('canceled', Date.now() + 500);
        if (n === 3) await ctx.cancelTimer('canceled');
        if (n === 4) await ctx.setTimer('replaced', Date.now() + 60_000);
        if (n === 5) await ctx.setTimer('replaced', Date.now() + 300, { replaced: true });
      },
      async onTimer(timer) {
        fired.push(timer);
      },
    });
    const h1 = host();
    h1.register(timers());
    await h1.start();
    await append(tenant, 5);
    await until('the replaced timer', () => fired.some((t) => t.key === 'replaced'));
    expect(h1.status(name)!.timersPending).toBeGreaterThanOrEqual(1);
    await h1.stop(); // before 'soon' is due

    const h2 = host();
    h2.register(timers());
    await h2.start();
    await until('the timer set before the restart', () => fired.some((t) => t.key === 'soon'));
    await until('no timer left', async () => (await b.sql.query('SELECT 1 FROM reactor_timers WHERE reactor = $1', [name])).rowCount === 0);
    // An absence cannot be waited for: give the host a few loop rounds to do what it must not.
    await new Promise((r) => setTimeout(r, 300));
    expect(fired.map((t) => [t.key, t.payload])).toEqual([['replaced', { replaced: true }], ['soon', { n: 1 }]]);
    expect(fired.every((t) => t.stream === tenant && t.attempts === 0)).toBe(true);
    expect(h2.status(name)).toMatchObject({ state: 'OK', timersPending: 0 });
  });

  it('retries a failing timer with backoff, then parks it after its tries', async () => {
    const tenant = stream();
    const name = `bad_timer_${tenant}`;
    const attempts: Record<string, number[]> = { flaky: [], poison: [] };
    const h = host();
    h.register({
      name,
      maxAttempts: 3,
      firstBackoffMs: 20,
      async handle(event, ctx) {
        if (ctx.stream === tenant && (event.data as { n: number }).n === 1) {
          await ctx.setTimer('flaky', Date.now());
          await ctx.setTimer('poison', Date.now());
        }
      },
      async onTimer(timer) {
        attempts[timer.key]!.push(timer.attempts);
        if (timer.key === 'poison' || timer.attempts < 1) throw new Error(`${timer.key} failed`);
      },
    });
    await h.start();
    await append(tenant, 1);
    await until('the poison timer parked', async () => (await listReactorDeadLetters(b.sql, name)).length === 1);
    await until('the flaky timer done', () => attempts.flaky!.length === 2);
    expect(attempts).toEqual({ flaky: [0, 1], poison: [0, 1, 2] });
    expect(await listReactorDeadLetters(b.sql, name)).toEqual([expect.objectContaining({ stream: tenant, item: 'timer:poison', reason: 'poison failed', attempts: 3 })]);
    expect(h.status(name)).toMatchObject({ deadLetters: 1, timersPending: 0, retries: 4 });
  });

  it('hands a reactor only the event types it names, moves its checkpoint past the others, and retries the failing one', async () => {
    const tenant = stream();
    const name = `typed_${tenant}`;
    await append(tenant, 2);
    await append(tenant, 1, 'test.wanted');
    await append(tenant, 2);
    const r = recorder(name, (e, attempt) => e.type === 'test.wanted' && e.sequence === 7 && attempt === 1, { eventTypes: ['test.wanted'] }, tenant);
    const h = host();
    h.register(r.reactor);
    await h.start();
    await until('the wanted event', () => sequencesOf(r.handled, tenant).length === 1);
    const checkpoint = async () => Number((await b.sql.query<{ position: string }>('SELECT position FROM reactor_checkpoints WHERE reactor = $1 AND stream = $2', [name, tenant])).rows[0]?.position);
    await until('the checkpoint past the events after it', async () => (await checkpoint()) === 5);
    await append(tenant, 1, 'test.wanted');
    await append(tenant, 1, 'test.wanted');
    await append(tenant, 3);
    await until('the next wanted events, the failing one retried', () => sequencesOf(r.handled, tenant).length === 3);
    expect(sequencesOf(r.handled, tenant)).toEqual([3, 6, 7]);
    expect(r.tries.get(`${tenant}:7`)).toBe(2);
    await until('the checkpoint at the head', async () => (await checkpoint()) === 10);
  });

  it('stores a position that only other reactors\' events moved a moment later, not after every batch', async () => {
    const tenant = stream();
    const name = `sparse_${tenant}`;
    await append(tenant, 1, 'test.wanted');
    const r = recorder(name, () => false, { eventTypes: ['test.wanted'] }, tenant);
    const h = host();
    h.register(r.reactor);
    await h.start();
    const checkpoint = async () => Number((await b.sql.query<{ position: string }>('SELECT position FROM reactor_checkpoints WHERE reactor = $1 AND stream = $2', [name, tenant])).rows[0]?.position ?? 0);
    await until('the wanted event stored', async () => (await checkpoint()) === 1);
    await append(tenant, 4);
    // Followed at once (no lag) ...
    await until('followed to the head', () => h.status(name)!.lagEvents === 0 && h.status(name)!.streams > 0);
    // ... and stored within the delay, although no event of its types came after.
    await until('the skipped events stored', async () => (await checkpoint()) === 5, 10_000);
    expect(sequencesOf(r.handled, tenant)).toEqual([1]);
    await h.stop();
  });

  it('hands batches to a batch reactor, which says how far it got', async () => {
    const tenant = stream();
    const name = `batch_${tenant}`;
    const batches: number[][] = [];
    const answers: number[] = [];
    const h = host({ batchSize: 4 });
    h.register({
      name,
      async handleBatch(events, ctx) {
        if (ctx.stream !== tenant) return events[events.length - 1]!.sequence;
        batches.push(events.map((e) => e.sequence));
        const upTo = Math.min(events[events.length - 1]!.sequence, events[0]!.sequence + 1); // at most two per call
        answers.push(upTo);
        return upTo;
      },
    });
    await append(tenant, 5);
    await h.start();
    await until('the end of the stream', () => answers.includes(5));
    // Consecutive events, at most batchSize, each batch right after what the previous one answered.
    batches.forEach((batch, i) => {
      expect(batch).toEqual(Array.from({ length: batch.length }, (_, k) => (i === 0 ? 1 : answers[i - 1]! + 1) + k));
      expect(batch.length).toBeLessThanOrEqual(4);
    });
    await until('every stream of the store handled', () => h.status(name)!.lagEvents === 0);
  });

  it('starts a reactor that keeps its own positions from them, saves no checkpoint for it, and holds it to its readyAt', async () => {
    const tenant = stream();
    const name = `own_${tenant}`;
    await append(tenant, 6);
    const batches: number[][] = [];
    let heldUntil = Date.now() + 400;
    const h = host();
    h.register({
      name,
      loadPositions: async () => new Map([[tenant, 3]]),
      readyAt: (s) => (s === tenant ? heldUntil : 0),
      async handleBatch(events, ctx) {
        if (ctx.stream === tenant) {
          batches.push(events.map((e) => e.sequence));
          heldUntil = Date.now() + 400; // one batch per 400 ms on this stream
        }
        return events[events.length - 1]!.sequence;
      },
    });
    const started = Date.now();
    await h.start();
    await until('the first batch', () => batches.length >= 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(batches[0]![0]).toBe(4); // from its own position, not from 0
    await append(tenant, 1);
    await until('the new event', () => batches.flat().includes(7));
    expect(batches.flat()).toEqual([4, 5, 6, 7]);
    expect((await b.sql.query('SELECT 1 FROM reactor_checkpoints WHERE reactor = $1', [name])).rowCount).toBe(0);
  });
});
