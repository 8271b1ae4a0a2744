import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@oars/eventstore';
import { SqlKeyVault, TenantChainWriter, aggregateDraft } from '@oars/ledger';
import { type Receipt, deriveKek } from '@oars/receipts';
import { type TestDatabase, type TestStoreMode, createTestDatabase, openEventStoreOf, uniqueNamespace } from '@oars/testing';
import type { CliIo } from '../cli-io';
import { makeReplayCommand } from './replay.command';
import { verifyCommand } from './verify.command';

function capture(): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l) };
}

describe.each<TestStoreMode>(['embedded', 'jetstream'])('oars replay (%s event store)', (mode) => {
  let db: TestDatabase;
  let store: EventStore;
  let closeStore: () => Promise<void>;
  let dir: string;
  let closed = 0;
  const tenant = uniqueNamespace('rp');
  /** Advances 100 ms per call: a run of 12 events takes 1.2 s and shows its progress. */
  let clock = 0;
  const command = (progressIntervalMs?: number) =>
    makeReplayCommand(async () => ({ store, close: async () => void closed++ }), { progressIntervalMs, now: () => (clock += 100) });

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ store, cleanup: closeStore } = await openEventStoreOf(mode, db.sql));
    const writer = new TenantChainWriter({ store, vault: new SqlKeyVault(db.sql), kek: deriveKek('replay-cli-test-secret'), region: 'test' });
    for (let i = 0; i < 11; i++) {
      await writer.write(tenant, () => ({ drafts: [aggregateDraft(`rcpt_rp${mode}${i}`, 'note.added', `note.n${i}`, { i })], finish: () => null }));
    }
    dir = mkdtempSync(join(tmpdir(), 'oars-replay-'));
  });
  afterAll(async () => {
    await closeStore();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the verified stream as NDJSON with progress and a summary on stderr, exit 0', async () => {
    const io = capture();
    expect(await command(250)(['--tenant', tenant, '--verify'], io)).toBe(0);
    const lines = io.outLines.map((l) => JSON.parse(l));
    expect(lines.slice(0, -1).map((l) => [l.sequence, l.verification.ok])).toEqual(Array.from({ length: 12 }, (_, i) => [i + 1, true]));
    expect(lines[lines.length - 1].summary).toMatchObject({ tenantId: tenant, fromSequence: 1, toSequence: 12, events: 12, ok: true, trust: 'stream' });
    const progress = io.errLines.slice(0, -1);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toMatch(new RegExp(`^replay ${tenant} \\[#{24}\\] 12/12 events \\(100%\\), \\d+ events/s$`));
    expect(progress[0]).toMatch(/\[#*\.+\] \d+\/12 events \(\d+%\)/);
    expect(io.errLines[io.errLines.length - 1]).toMatch(new RegExp(`^Replayed 12 event\\(s\\), sequences 1 to 12, of ${tenant} in [\\d.]+ s \\(\\d+ events/s\\): every link and signature verifies\\. Keys were trusted only as the stream introduced them\\.$`));
    expect(closed).toBe(1);
  });

  it('writes a sub-range to --out, and oars verify reads the replay file as receipts', async () => {
    const part = join(dir, `${mode}-part.ndjson`);
    const io = capture();
    expect(await command()(['--tenant', tenant, '--from', '4', '--to', '6', '--out', part], io)).toBe(0);
    expect(io.outLines).toEqual([]);
    const lines = readFileSync(part, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.sequence ?? 'summary')).toEqual([4, 5, 6, 'summary']);
    expect(lines[3].summary).toMatchObject({ events: 3, ok: true, trust: 'keyring' });
    expect(io.errLines).toEqual([expect.stringMatching(/^Replayed 3 event\(s\), sequences 4 to 6, .*current key ring/)]);

    const whole = join(dir, `${mode}-whole.ndjson`);
    expect(await command()(['--tenant', tenant, '--out', whole], capture())).toBe(0);
    const verified = capture();
    expect(await verifyCommand([whole, '--trust-embedded-keys', '--expect-first-sequence', '1', '--json'], verified)).toBe(0);
    expect(JSON.parse(verified.outLines.join('\n'))).toMatchObject({ checked: 12, isValid: true, verificationErrors: [] });

    const cut = join(dir, `${mode}-cut.ndjson`);
    writeFileSync(cut, `${readFileSync(whole, 'utf8').split('\n').slice(0, 5).join('\n')}\n{"error":{"code":"replay_failed","message":"The event store failed."}}\n`);
    const failed = capture();
    expect(await verifyCommand([cut, '--trust-embedded-keys', '--json'], failed)).toBe(1);
    expect(JSON.parse(failed.outLines.join('\n')).verificationErrors).toEqual(['Line 6: the replay ended in an error: {"code":"replay_failed","message":"The event store failed."}']);
  });

  it('exits 1 and names the sequence of a receipt forged behind the writer', async () => {
    const { sequence, last } = await store.head(tenant);
    const model = last!.data as unknown as Receipt;
    const forged = { ...model, receiptId: `rcpt_${'e'.repeat(32)}`, sequence: sequence + 1, data: { i: 99 }, integrity: { ...model.integrity, prevEventHash: '0'.repeat(64) } };
    await store.append(tenant, [{ id: forged.receiptId, type: forged.type, subject: 'note.forged', data: forged as unknown as Record<string, unknown> }], { expectedVersion: sequence });
    const io = capture();
    expect(await command()(['--tenant', tenant, '--from', String(sequence)], io)).toBe(1);
    const summary = JSON.parse(io.outLines[io.outLines.length - 1]!).summary;
    expect(summary).toMatchObject({ ok: false, brokenLinks: [{ sequence: sequence + 1 }], badSignatures: [{ sequence: sequence + 1 }] });
    expect(io.errLines[0]).toContain(`2 finding(s): broken links at ${sequence + 1}; bad signatures at ${sequence + 1}.`);
  });

  it('refuses bad arguments with exit 2 naming the option, and an unknown stream with exit 1', async () => {
    const cases: Array<[string[], string]> = [
      [[], 'missing --tenant <id>.'],
      [['--tenant', 'a b'], '--tenant must match [A-Za-z0-9_-]{1,64}.'],
      [['--tenant', tenant, '--from', 'abc'], '--from must be a positive integer.'],
      [['--tenant', tenant, '--from', '9', '--to', '3'], '--from must not be greater than --to.'],
      [['--tenant', tenant, '--from', '1', '--since', '2026-01-01T00:00:00Z'], '--since cannot be combined with --from or --to: give a range of sequences or of times.'],
      [['--tenant', tenant, '--until', 'tomorrow'], '--until must be an ISO-8601 time such as 2026-01-31T12:00:00Z.'],
      [['--tenant', tenant, '--bogus'], "Unknown option '--bogus'"],
    ];
    for (const [argv, message] of cases) {
      const io = capture();
      expect({ argv, code: await command()(argv, io) }).toEqual({ argv, code: 2 });
      expect(io.errLines[0]).toContain(`oars replay: ${message}`);
    }
    const io = capture();
    expect(await command()(['--tenant', 'tenant_never_written'], io)).toBe(1);
    expect(io.errLines).toEqual(['oars replay: tenant_never_written has no events in this event store.']);
  });
});
