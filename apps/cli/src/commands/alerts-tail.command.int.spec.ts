import type { AlertRecord, AlertSeverity } from '@oars/domain';
import { type EventStore, JetStreamEventStore } from '@oars/eventstore';
import { SqlKeyVault, TenantChainWriter } from '@oars/ledger';
import { alertPublisherReactor, governanceAlertId, raiseAlert } from '@oars/ops';
import { ReactorHost } from '@oars/reactors';
import { deriveKek } from '@oars/receipts';
import { type TestDatabase, type TestStoreMode, createTestDatabase, openEventStoreOf, uniqueNamespace, until } from '@oars/testing';
import type { CliIo } from '../cli-io';
import { makeAlertsCommand } from './alerts-tail.command';

const capture = () => {
  const io = { outLines: [] as string[], errLines: [] as string[], out: (l: string) => void io.outLines.push(l), err: (l: string) => void io.errLines.push(l) };
  return io satisfies CliIo;
};

describe.each<TestStoreMode>(['embedded', 'jetstream'])('oars alerts tail (%s event store)', (mode) => {
  let db: TestDatabase;
  let store: EventStore;
  let closeStore: () => Promise<void>;
  let writer: TenantChainWriter;
  let host: ReactorHost | null = null;
  const subjectPrefix = uniqueNamespace('cli').toLowerCase();
  const [first, later] = [uniqueNamespace('ta'), uniqueNamespace('tb')];
  let closed = 0;

  const command = (signal: AbortSignal, onReady: () => void) =>
    makeAlertsCommand(async () => ({
      store,
      nats: store instanceof JetStreamEventStore ? store.connection : null,
      region: 'test',
      subjectPrefix,
      close: async () => void closed++,
    }), { signal, onReady });
  /** Runs the tail in the background until `stop()`; resolves once it follows. */
  const startTail = async (argv: string[]) => {
    const io = capture();
    const stop = new AbortController();
    let ready!: () => void;
    const following = new Promise<void>((resolve) => (ready = resolve));
    const exit = command(stop.signal, ready)(['tail', ...argv], io);
    await following;
    return { io, exit, stop: () => stop.abort() };
  };
  const raise = (tenantId: string, severity: AlertSeverity, n: number) => {
    const alert: AlertRecord = {
      id: governanceAlertId(tenantId, 'AUTH_FAILURE_SPIKE', String(n)), tenantId, actionId: null, severity, code: 'AUTH_FAILURE_SPIKE',
      message: `spike ${n}`, createdAt: new Date().toISOString(), metadata: {},
    };
    return raiseAlert({ store, writer }, alert).then(() => alert);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, cleanup: closeStore } = await openEventStoreOf(mode, db.sql));
    writer = new TenantChainWriter({ store, vault: new SqlKeyVault(db.sql), kek: deriveKek('alerts-tail-test-secret'), region: 'test' });
    await raise(first, 'high', 0); // the first tenant's stream exists before the tail starts
    if (store instanceof JetStreamEventStore) {
      host = new ReactorHost({ store, sql: db.sql, pollIntervalMs: 100 });
      host.register(alertPublisherReactor({ nats: store.connection, subjectPrefix, region: 'test' }));
      await host.start();
    }
  });
  afterAll(async () => {
    await host?.stop();
    await closeStore();
    await db.drop();
  });

  it('prints the alerts of every tenant of one severity as they are raised, including a tenant that appears later', async () => {
    const tail = await startTail(['--severity', 'critical']);
    expect(tail.io.errLines).toEqual([expect.stringMatching(mode === 'jetstream' ? `^Following alerts on ${subjectPrefix}\\.alerts\\.test\\.\\*\\.critical;` : '^Following alerts on every stream;')]);
    const a = await raise(first, 'critical', 1);
    await raise(first, 'low', 2);
    const b = await raise(later, 'critical', 3);
    await until('both critical alerts', () => tail.io.outLines.length >= 2);
    tail.stop();
    expect(await tail.exit).toBe(0);
    expect(tail.io.outLines.map((l) => l.split('\t')).sort((x, y) => x[6]!.localeCompare(y[6]!))).toEqual(
      [a, b].sort((x, y) => x.id.localeCompare(y.id)).map((x) => [expect.stringMatching(/^\d{4}-\d\d-\d\dT/), 'SEV1', 'critical', x.tenantId, 'AUTH_FAILURE_SPIKE', x.message, x.id]),
    );
  });

  it('prints one tenant\'s alerts as JSON messages with --tenant --json', async () => {
    const tail = await startTail(['--tenant', first, '--json']);
    const a = await raise(later, 'medium', 4);
    const b = await raise(first, 'medium', 5);
    await until('the alert of the tenant', () => tail.io.outLines.length >= 1);
    tail.stop();
    expect(await tail.exit).toBe(0);
    expect(tail.io.outLines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ schema: 'oars.alert.v1', region: 'test', tenantId: first, incidentSeverity: 'SEV3', receiptId: expect.stringMatching(/^rcpt_/), alert: b }),
    ]);
    expect(JSON.stringify(tail.io.outLines)).not.toContain(a.id);
    expect(closed).toBe(2);
  });

  it('refuses bad options with the usage, exit 2', async () => {
    for (const argv of [['tail', '--severity', 'urgent'], ['tail', '--tenant', 'a b'], ['follow']]) {
      const io = capture();
      expect(await command(new AbortController().signal, () => undefined)(argv, io)).toBe(2);
      expect(io.errLines.join('\n')).toContain('Usage: oars alerts tail');
    }
  });
});
