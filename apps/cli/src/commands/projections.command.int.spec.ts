import type { EventStore } from '@oars/eventstore';
import { EmbeddedEventStore } from '@oars/eventstore';
import { ReceiptStreamBuilder, appendReceipts, givenActionLifecycle, givenKeyGenerated } from '@oars/readmodels';
import { createTestDatabase, TestDatabase, uniqueNamespace } from '@oars/testing';
import type { CliIo } from '../cli-io';
import { makeProjectionsCommand } from './projections.command';

describe('oars projections', () => {
  let db: TestDatabase;
  let store: EventStore;
  let closed = 0;
  const tenants = [new ReceiptStreamBuilder(uniqueNamespace('a')), new ReceiptStreamBuilder(uniqueNamespace('b'))];
  const command = () =>
    makeProjectionsCommand(async () => ({
      store,
      sql: db.sql,
      close: async () => {
        closed++;
      },
    }));

  function capture(): CliIo & { outLines: string[]; errLines: string[] } {
    const outLines: string[] = [];
    const errLines: string[] = [];
    return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l) };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EmbeddedEventStore(db.sql);
    for (const s of tenants) await appendReceipts(store, [...givenActionLifecycle(s, 'allow'), ...givenActionLifecycle(s, 'deny')]);
  });
  beforeEach(() => {
    closed = 0;
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('status shows every tenant behind before a rebuild', async () => {
    const io = capture();
    expect(await command()(['status'], io)).toBe(0);
    for (const s of tenants) expect(io.outLines).toContain(`${s.tenantId}\tposition 0\thead 5\tlag 5`);
    expect(io.outLines[io.outLines.length - 1]).toBe('2 tenant(s), total lag 10 event(s)');
    expect(closed).toBe(1);
  });

  it('rebuild replays every stream with progress on stderr and a summary on stdout', async () => {
    const io = capture();
    expect(await command()(['projections', 'rebuild'], io)).toBe(0);
    for (const s of tenants) expect(io.errLines).toContain(`${s.tenantId}: 5/5 events (done)`);
    expect(io.outLines).toEqual([expect.stringMatching(/^rebuilt read models: 2 tenant\(s\), 10 event\(s\) in \d+ ms$/)]);

    const after = capture();
    expect(await command()(['status'], after)).toBe(0);
    expect(after.outLines[after.outLines.length - 1]).toBe('2 tenant(s), total lag 0 event(s)');
    const { rows } = await db.sql.query<{ n: string }>('SELECT count(*) AS n FROM receipts');
    expect(Number(rows[0].n)).toBe(10);
    expect(closed).toBe(2);
  });

  it('prints usage for an unknown subcommand and reports a failure to open the backends', async () => {
    const io = capture();
    expect(await command()(['explode'], io)).toBe(2);
    expect(io.errLines[0]).toMatch(/^usage: oars projections/);

    const failing = makeProjectionsCommand(async () => {
      throw new Error('no database');
    });
    const io2 = capture();
    expect(await failing(['status'], io2)).toBe(1);
    expect(io2.errLines).toEqual(['projections status: cannot open the event store or database: no database']);
    expect(closed).toBe(0);
  });
});

describe('oars projections rebuild on a long stream', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EmbeddedEventStore(db.sql);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('reports progress every 10k events of a tenant', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('long'));
    const receipts = Array.from({ length: 10_002 }, () => givenKeyGenerated(s));
    for (let i = 0; i < receipts.length; i += 1000) await appendReceipts(store, receipts.slice(i, i + 1000));
    const errLines: string[] = [];
    const outLines: string[] = [];
    const command = makeProjectionsCommand(async () => ({ store, sql: db.sql, close: async () => undefined }));
    expect(await command(['rebuild'], { out: (l) => outLines.push(l), err: (l) => errLines.push(l) })).toBe(0);
    expect(errLines).toEqual([`${s.tenantId}: 10000/10002 events`, `${s.tenantId}: 10002/10002 events (done)`]);
    expect(outLines).toEqual([expect.stringMatching(/^rebuilt read models: 1 tenant\(s\), 10002 event\(s\) in \d+ ms$/)]);
  });
});
