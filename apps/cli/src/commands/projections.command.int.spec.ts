import type { EventStore } from '@oars/eventstore';
import { EmbeddedEventStore } from '@oars/eventstore';
import { Projector, READ_MODEL_NAMES, getAction, rebuildProjections } from '@oars/readmodels';
import { ReceiptStreamBuilder, appendReceipts, createTestDatabase, givenActionLifecycle, givenKeyGenerated, TestDatabase, uniqueNamespace } from '@oars/testing';
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
    const [a] = [...tenants.map((s) => s.tenantId)].sort();
    for (const name of READ_MODEL_NAMES) expect(io.outLines).toContain(`projection ${name}\tlag 10\t2 stream(s) behind\tworst ${a} position 0 head 5 lag 5`);
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
    expect(after.outLines).toContain('projection receipts\tlag 0\t0 stream(s) behind');
    const { rows } = await db.sql.query<{ n: string }>('SELECT count(*) AS n FROM receipts');
    expect(Number(rows[0].n)).toBe(10);
    expect(closed).toBe(2);
  });

  it('status names a read model that is behind the others on a stream (added later, catching up)', async () => {
    const t = tenants[1]!.tenantId;
    await db.sql.query("UPDATE projection_checkpoints SET position = 2 WHERE projection = 'alerts' AND stream = $1", [t]);
    try {
      const io = capture();
      expect(await command()(['status'], io)).toBe(0);
      expect(io.outLines).toContain(`${t}\tposition 5\thead 5\tlag 0\tcatching up alerts at 2`);
      expect(io.outLines).toContain(`projection alerts\tlag 3\t1 stream(s) behind\tworst ${t} position 2 head 5 lag 3`);
      expect(io.outLines).toContain('projection actions\tlag 0\t0 stream(s) behind');
      expect(io.outLines[io.outLines.length - 1]).toBe('2 tenant(s), total lag 0 event(s)');
    } finally {
      await db.sql.query("UPDATE projection_checkpoints SET position = 5 WHERE projection = 'alerts' AND stream = $1", [t]);
    }
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

describe('oars projections dead-letters and retry-dead-letters', () => {
  let db: TestDatabase;
  let baseline: TestDatabase;
  let store: EventStore;
  const s = new ReceiptStreamBuilder(uniqueNamespace('dl'));
  const other = new ReceiptStreamBuilder(uniqueNamespace('dlo'));
  const before = givenActionLifecycle(s, 'allow');
  const refused = givenActionLifecycle(s, 'allow');
  const after = givenActionLifecycle(s, 'deny');
  const refusedAt = before.length + 1;
  const run = (argv: string[]) => {
    const io = { outLines: [] as string[], errLines: [] as string[], out: (l: string) => io.outLines.push(l), err: (l: string) => io.errLines.push(l) };
    const command = makeProjectionsCommand(async () => ({ store, sql: db.sql, close: async () => undefined }));
    return command(argv, io).then((code) => ({ code, ...io }));
  };
  const tenantRows = async (sql: TestDatabase['sql'], tenant: string) => ({
    actions: (await sql.query('SELECT record FROM actions WHERE tenant_id = $1 ORDER BY action_id', [tenant])).rows,
    counters: (await sql.query('SELECT * FROM tenant_counters WHERE tenant_id = $1', [tenant])).rows,
    receipts: (await sql.query('SELECT sequence FROM receipts WHERE tenant_id = $1 ORDER BY sequence', [tenant])).rows.length,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    baseline = await createTestDatabase();
    store = new EmbeddedEventStore(db.sql);
    // A projection "bug": the actions read model refuses one action with a data error (SQLSTATE 22023).
    const refusedId = refused[0]!.actionId as string;
    await db.sql.query(`CREATE FUNCTION refuse_action() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action_id = '${refusedId}' THEN RAISE EXCEPTION 'refused by a projection bug' USING ERRCODE = '22023'; END IF; RETURN NEW; END $$`);
    await db.sql.query('CREATE TRIGGER refuse_action BEFORE INSERT OR UPDATE ON actions FOR EACH ROW EXECUTE FUNCTION refuse_action()');
    await appendReceipts(store, [...before, ...refused, ...after]);
    const malformedAt = givenKeyGenerated(other);
    await store.append(other.tenantId, [{ id: malformedAt.receiptId, type: 'key.generated', subject: 'key.k1', data: { nonsense: true } }], { expectedVersion: 0 });
    await appendReceipts(store, givenActionLifecycle(other, 'allow'));
    const projector = new Projector({ store, sql: db.sql, pollIntervalMs: 20, parkAfterAttempts: 2 });
    await projector.start();
    try {
      for (const t of [s.tenantId, other.tenantId]) expect(await projector.waitForPosition(t, (await store.head(t)).sequence, 20_000)).toBe(true);
    } finally {
      await projector.stop();
    }
  });
  afterAll(async () => {
    await store.close();
    await baseline.drop();
    await db.drop();
  });

  it('lists the parked events with their reasons, for every tenant or one', async () => {
    const all = await run(['projections', 'dead-letters']);
    expect(all.code).toBe(0);
    expect(all.outLines).toEqual([
      expect.stringMatching(new RegExp(`^${s.tenantId}#${refusedAt}\\tparked\\taction\\.requested\\t${refused[0]!.receiptId}\\tattempts 2\\tfirst \\S+\\tlast \\S+\\trefused by a projection bug \\(SQLSTATE 22023\\)$`)),
      expect.stringMatching(new RegExp(`^${other.tenantId}#1\\tparked\\tkey\\.generated\\t.*not a valid receipt: receiptId and type are required$`)),
      '2 dead letter(s) not resolved',
    ]);
    const one = await run(['dead-letters', '--tenant', other.tenantId]);
    expect(one.outLines).toHaveLength(2);
    expect(one.outLines[1]).toBe('1 dead letter(s) not resolved');
    expect((await run(['dead-letters', '--sequence', 'x'])).code).toBe(2);
    expect((await run(['retry-dead-letters', '--all'])).errLines[0]).toBe('projections retry-dead-letters: unknown option --all');
  });

  it('retry keeps a dead letter parked with its new error while it still fails, and resolves it once the cause is gone', async () => {
    const failing = await run(['retry-dead-letters', '--tenant', s.tenantId]);
    expect(failing.code).toBe(1);
    expect(failing.outLines).toEqual([
      expect.stringMatching(new RegExp(`^${s.tenantId}#${refusedAt}\\tstill parked\\tattempts 3\\trefused by a projection bug`)),
      `retried 1 tenant(s): 0 dead letter(s) resolved, 1 still parked`,
    ]);
    expect(failing.errLines).toEqual([`${s.tenantId}: replayed ${(await store.head(s.tenantId)).sequence - 1} event(s) (done)`]);

    await db.sql.query('DROP TRIGGER refuse_action ON actions');
    const fixed = await run(['retry-dead-letters', '--tenant', s.tenantId, '--sequence', String(refusedAt)]);
    expect(fixed.code).toBe(0);
    expect(fixed.outLines).toEqual([`${s.tenantId}#${refusedAt}\tresolved`, 'retried 1 tenant(s): 1 dead letter(s) resolved, 0 still parked']);
    const view = await getAction(db.sql, [s.tenantId], refused[0]!.actionId as string);
    expect(view?.action.state).toBe('executed');
    expect(view?.receipts.map((r) => r.receiptId)).toEqual(refused.map((r) => r.receiptId));

    // The tenant's rows are those of an uninterrupted projection; the other tenant's dead letter is untouched.
    await rebuildProjections(store, baseline.sql);
    expect(await tenantRows(db.sql, s.tenantId)).toEqual(await tenantRows(baseline.sql, s.tenantId));
    const open = await run(['dead-letters']);
    expect(open.outLines).toEqual([expect.stringMatching(new RegExp(`^${other.tenantId}#1\\tparked\\t`)), '1 dead letter(s) not resolved']);
    const every = await run(['dead-letters', '--all', '--tenant', s.tenantId]);
    expect(every.outLines).toEqual([expect.stringMatching(new RegExp(`^${s.tenantId}#${refusedAt}\\tresolved\\t.*\\tattempts 3\\t`)), '1 dead letter(s)']);
  });
});
