import { EmbeddedEventStore } from '@oars/eventstore';
import { SqlKeyVault, TenantChainWriter } from '@oars/ledger';
import { type Receipt, deriveKek } from '@oars/receipts';
import { type TestDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { INTEGRITY_VIOLATION_DETECTED, recordFindings } from './integrity-findings';
import { IntegrityCheckWorker } from './integrity-check-worker';
import { IntegrityVerifier } from './integrity-verifier';

describe('IntegrityVerifier on the embedded store (real Postgres, real writer)', () => {
  let db: TestDatabase;
  let store: EmbeddedEventStore;
  let writer: TenantChainWriter;
  const tenant = uniqueNamespace('iv');

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new EmbeddedEventStore(db.sql);
    writer = new TenantChainWriter({ store, vault: new SqlKeyVault(db.sql), kek: deriveKek('integrity-test-secret'), region: 'local' });
    for (let i = 0; i < 6; i++) {
      await writer.write(tenant, () => ({
        drafts: [{ receiptId: `rcpt_iv${i}`, type: 'note.added', subject: `note.n${i}`, actionId: null, actor: null, resource: null, policy: null, risk: null, inputHash: null, telemetry: null, data: { i } }],
        finish: () => null,
      }));
    }
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const verifier = () => new IntegrityVerifier({ store, sql: db.sql, record: (t, f) => recordFindings(writer, store, t, f), batchSize: 3 });
  const findingsIn = async () =>
    (await store.read(tenant, { limit: 1000 })).map((e) => e.data as unknown as Receipt).filter((r) => r.type === INTEGRITY_VIOLATION_DETECTED);

  it('checks a clean stream to its head without findings, and continues from its checkpoint after a restart', async () => {
    const first = verifier();
    await first.runOnce();
    expect(await first.tenantStatus(tenant)).toMatchObject({ position: 7, lastResult: 'ok', findingsTotal: 0, lagEvents: 0 });
    const { rows } = await db.sql.query<{ position: string }>("SELECT position FROM projection_checkpoints WHERE projection = 'integrity' AND stream = $1", [tenant]);
    expect(Number(rows[0]!.position)).toBe(7);
    const restarted = verifier();
    expect(await restarted.tenantStatus(tenant)).toMatchObject({ position: 7, lastResult: 'ok' });
  });

  it('finds a gap made behind the store, records it once as a receipt, and keeps verifying after it', async () => {
    await db.sql.query('DELETE FROM oars_events WHERE stream = $1 AND sequence = 4', [tenant]);
    await db.sql.query("DELETE FROM projection_checkpoints WHERE projection = 'integrity' AND stream = $1", [tenant]); // operator: verify again from the start
    const v = verifier();
    const seen: string[] = [];
    v.onFinding((_, findings) => seen.push(...findings.map((f) => `${f.sequence}:${f.kind}`)));
    await v.runOnce();
    expect(seen).toEqual(['4:sequence_gap']);
    const recorded = await findingsIn();
    expect(recorded.map((r) => r.data)).toEqual([{ sequence: 4, kind: 'sequence_gap', detail: 'The stream skips sequence 4.' }]);
    expect(await v.tenantStatus(tenant)).toMatchObject({ lastResult: 'violations', findingsTotal: 1, lastFinding: { sequence: 4, kind: 'sequence_gap' } });

    // Verified from the start again (e.g. a second instance): the finding is not recorded twice.
    await db.sql.query("DELETE FROM projection_checkpoints WHERE projection = 'integrity' AND stream = $1", [tenant]);
    await verifier().runOnce();
    expect(await findingsIn()).toHaveLength(1);
  });

  it('runs in the background, woken by append hints, checking in its low-priority worker thread', async () => {
    const worker = new IntegrityCheckWorker();
    const v = new IntegrityVerifier({
      store,
      sql: db.sql,
      record: (t, f) => recordFindings(writer, store, t, f),
      hintDelayMs: 10,
      checker: (stream, from, events) => worker.check(stream, from, events),
    });
    v.start();
    try {
      const head = await store.head(tenant);
      const last = head.last!.data as unknown as Receipt;
      const forged = { ...last, type: 'note.added', receiptId: 'rcpt_forged_bg', sequence: head.sequence + 1, data: { forged: true }, integrity: { ...last.integrity, prevEventHash: last.integrity.receiptHash } };
      await store.append(tenant, [{ id: forged.receiptId, type: forged.type, subject: 'note.forged', data: forged as unknown as Record<string, unknown> }], { expectedVersion: head.sequence });
      const deadline = Date.now() + 20_000;
      while (!(await findingsIn()).some((r) => r.data.kind === 'bad_signature') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect((await findingsIn()).map((r) => r.data.kind)).toEqual(['sequence_gap', 'bad_signature']);
      expect(v.status().state).toBe('WARN');
    } finally {
      await v.stop();
      await worker.close();
    }
  });

  it('stops at once while it paces itself to its rate limit', async () => {
    await db.sql.query("DELETE FROM projection_checkpoints WHERE projection = 'integrity' AND stream = $1", [tenant]);
    // 3 receipts at 0.01 per second: the pause after the first batch would last 300 s.
    const v = new IntegrityVerifier({ store, sql: db.sql, record: (t, f) => recordFindings(writer, store, t, f), batchSize: 3, maxReceiptsPerSecond: 0.01 });
    v.start();
    const deadline = Date.now() + 20_000;
    while ((await v.tenantStatus(tenant)).position < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await v.tenantStatus(tenant)).position).toBe(3);
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([v.stop().then(() => 'stopped'), new Promise((r) => (timer = setTimeout(() => r('still pacing'), 10_000)))]);
    clearTimeout(timer);
    expect(stopped).toBe('stopped');
    expect((await v.tenantStatus(tenant)).position).toBe(3);
  });

  it('yields to appends that outpace it (minimum rate), and returns to its maximum once they stop', async () => {
    const v = new IntegrityVerifier({
      store, sql: db.sql, record: (t, f) => recordFindings(writer, store, t, f),
      batchSize: 3, pollIntervalMs: 100, maxReceiptsPerSecond: 20, minReceiptsPerSecond: 1,
    });
    const until = async (what: string, ok: () => boolean) => {
      const deadline = Date.now() + 20_000;
      while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (!ok()) throw new Error(`timed out waiting until ${what}: ${JSON.stringify(v.status())}`);
    };
    v.start();
    try {
      await until('the first poll', () => v.status().state !== 'NOT_READY');
      expect(v.status()).toMatchObject({ maxReceiptsPerSecond: 20 });
      // 300 receipts in one append: far more than 20 per second between two polls.
      const busy = uniqueNamespace('iv_busy');
      await writer.write(busy, () => ({
        drafts: Array.from({ length: 300 }, (_, i) => ({ receiptId: `rcpt_busy${i}`, type: 'note.added', subject: `note.b${i}`, actionId: null, actor: null, resource: null, policy: null, risk: null, inputHash: null, telemetry: null, data: { i } })),
        finish: () => null,
      }));
      await until('it yields', () => v.status().maxReceiptsPerSecond === 1);
      expect(v.status().appendsPerSecond).toBeGreaterThanOrEqual(20);
      expect(v.status().lagEvents).toBeGreaterThan(0); // it does not race the writes to the head
      // No more appends: the next poll measures 0 per second and the full rate is back.
      await until('it is back at its maximum', () => v.status().maxReceiptsPerSecond === 20);
      expect(v.status().appendsPerSecond).toBe(0);
    } finally {
      await v.stop();
    }
  });
});
