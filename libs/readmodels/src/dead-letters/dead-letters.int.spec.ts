import type { SqlClient } from '@oars/db';
import { DependencyUnavailableError, type EventStore } from '@oars/eventstore';
import { type Receipt, nodeVerifierCrypto, verifyReceiptSignature } from '@oars/receipts';
import { createTestDatabase, TestDatabase, uniqueNamespace } from '@oars/testing';
import { readCheckpoint } from '../checkpoints/checkpoint.store';
import { listSecurityEvents } from '../ops/ops.queries';
import { Projector } from '../projector/projector';
import { getAction } from '../queries/action.queries';
import { getReceipt, listReceipts } from '../queries/receipt.queries';
import { rebuildProjections } from '../rebuild/rebuild-projections';
import { storableText } from '../storable-text';
import { dumpAllReadModels } from '@oars/testing';
import { ReceiptStreamBuilder, appendReceipts, givenActionLifecycle, givenKeyGenerated } from '@oars/testing';
import { signChain, testSigningKey } from '@oars/testing';
import { type TestStoreMode, openEventStoreOf } from '@oars/testing';
import { PROJECTOR_DEAD_LETTER_EVENT, listDeadLetters } from './dead-letters.store';

async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each<TestStoreMode>(['embedded', 'jetstream'])('read models in depth (%s)', (mode) => {
  let db: TestDatabase;
  let baseline: TestDatabase;
  let store: EventStore;
  let cleanup: () => Promise<void>;
  const running: Projector[] = [];
  const follow = mode === 'jetstream' ? 'subscribe' : 'read';

  function projector(options: Partial<ConstructorParameters<typeof Projector>[0]> = {}): Projector {
    const p = new Projector({ store, sql: db.sql, pollIntervalMs: 50, maxBackoffMs: 200, follow, ...options });
    running.push(p);
    return p;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    baseline = await createTestDatabase();
    ({ store, cleanup } = await openEventStoreOf(mode, db.sql));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await cleanup();
    await baseline.drop();
    await db.drop();
  });

  it('projects a signed receipt with NUL and lone surrogates: U+FFFD in text columns, the exact signed body, and the receipts after it', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('nul'));
    const key = testSigningKey();
    const evil = { agentId: 'agent\u0000evil', toolId: 'jira\u0000x', target: 'project:\ud800SEC', ruleIds: ['R\u0000evil', 'R-\udc00'] };
    const before = givenActionLifecycle(s, 'allow');
    const nul = givenActionLifecycle(s, 'allow', evil);
    const after = givenActionLifecycle(s, 'deny');
    const receipts = signChain([...before, ...nul, ...after], key);
    await appendReceipts(store, receipts);

    const p = projector();
    await p.start();
    expect(await p.waitForPosition(s.tenantId, receipts.length, 20_000)).toBe(true);
    const nulActionId = nul[0]!.actionId as string;
    const { rows } = await db.sql.query<{ actor_agent_id: string; tool_id: string }>(
      'SELECT actor_agent_id, tool_id FROM receipts WHERE tenant_id = $1 AND action_id = $2 ORDER BY sequence',
      [s.tenantId, nulActionId],
    );
    expect(rows).toEqual(nul.map(() => ({ actor_agent_id: 'agent\ufffdevil', tool_id: 'jira\ufffdx' })));
    const rules = await db.sql.query<{ policy_rule_ids: string[] }>(
      'SELECT DISTINCT policy_rule_ids FROM receipts WHERE tenant_id = $1 AND action_id = $2 AND cardinality(policy_rule_ids) > 0',
      [s.tenantId, nulActionId],
    );
    expect(rules.rows).toEqual([{ policy_rule_ids: ['R\ufffdevil', 'R-\ufffd'] }]);
    const page = await listReceipts(db.sql, { tenantId: s.tenantId, actorAgentId: storableText(evil.agentId) });
    expect(page.items.map((r) => r.receiptId)).toEqual(nul.map((r) => r.receiptId).reverse());

    // The body is the receipt as signed: it verifies as read back from the read model.
    const signedNul = receipts[before.length]!;
    const stored = (await getReceipt(db.sql, [s.tenantId], signedNul.receiptId)) as Receipt;
    expect(stored).toEqual(signedNul);
    expect(stored.actor?.agentId).toBe(evil.agentId);
    expect(verifyReceiptSignature(stored, key.publicKeyPem, nodeVerifierCrypto)).toMatchObject({ isSignatureValid: true, errors: [] });

    expect((await getAction(db.sql, [s.tenantId], nulActionId))?.action).toMatchObject({ state: 'executed', actor: { agentId: evil.agentId } });
    expect((await getAction(db.sql, [s.tenantId], after[0]!.actionId as string))?.action.state).toBe('denied');
    expect(await listDeadLetters(db.sql, { tenantIds: [s.tenantId] })).toEqual([]);
    await eventually(() => p.status().lagEvents === 0);
    expect(p.status()).toMatchObject({ state: 'OK', deadLetters: 0 });
  });

  it('parks what no projection can apply, with its reason, and goes on: WARN, the receipts after it land, a rebuild gives the same rows', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('bad'));
    const first = givenActionLifecycle(s, 'allow');
    // A payload that is no receipt at all, appended straight into the stream.
    const malformedAt = givenKeyGenerated(s);
    const malformed = { id: malformedAt.receiptId, type: 'action.requested', subject: 'action.act_malformed', data: { nonsense: true } };
    // A receipt the read model refuses (Postgres: invalid timestamp, SQLSTATE 22007).
    const refused = { ...givenKeyGenerated(s), timestamp: 'not-a-timestamp' };
    const last = givenActionLifecycle(s, 'approve_then_execute');
    await appendReceipts(store, first);
    await store.append(s.tenantId, [malformed], { expectedVersion: first.length });
    await appendReceipts(store, [refused, ...last]);
    const head = first.length + 2 + last.length;

    const p = projector({ batchSize: 4 });
    await p.start();
    expect(await p.waitForPosition(s.tenantId, head, 20_000)).toBe(true);
    expect(await readCheckpoint(db.sql, s.tenantId)).toBe(head);
    expect((await getAction(db.sql, [s.tenantId], last[0]!.actionId as string))?.action.state).toBe('executed');
    const { rows } = await db.sql.query<{ sequence: string }>('SELECT sequence FROM receipts WHERE tenant_id = $1 ORDER BY sequence', [s.tenantId]);
    expect(rows.map((r) => Number(r.sequence))).toEqual([1, 2, 3, 6, 7, 8, 9]);

    const parked = await listDeadLetters(db.sql, { tenantIds: [s.tenantId] });
    expect(parked).toEqual([
      expect.objectContaining({ sequence: 4, eventId: malformed.id, eventType: 'action.requested', status: 'parked', attempts: 3, reason: expect.stringContaining('is not a valid receipt: receiptId and type are required') }),
      expect.objectContaining({ sequence: 5, eventId: refused.receiptId, eventType: 'key.generated', status: 'parked', attempts: 3, reason: expect.stringMatching(/invalid input syntax for type timestamp.*\(SQLSTATE 22007\)/) }),
    ]);
    await eventually(() => p.status().deadLetters === 2 && p.status().problems.length === 0);
    expect(p.status().state).toBe('WARN');
    expect(p.status().message).toBe(`2 event(s) parked as dead letters, not in the read models (${s.tenantId}: 2); see oars projections dead-letters.`);
    const events = (await listSecurityEvents(db.sql, { tenantId: s.tenantId })).items.filter((e) => e.eventType === PROJECTOR_DEAD_LETTER_EVENT);
    expect(events.map((e) => [e.source, e.payload.sequence]).sort()).toEqual([['projector', 4], ['projector', 5]]);
    await p.stop();

    // A rebuild parks them again (no second security event) and reproduces every row.
    const live = await dumpAllReadModels(db.sql);
    const summary = await rebuildProjections(store, db.sql, { batchSize: 3 });
    expect(summary).toMatchObject({ parked: 2, resolved: 0 });
    expect(await dumpAllReadModels(db.sql)).toEqual(live);
    await rebuildProjections(store, baseline.sql);
    expect(await dumpAllReadModels(baseline.sql)).toEqual(live);
    expect((await listDeadLetters(db.sql, { tenantIds: [s.tenantId] })).map((d) => [d.sequence, d.status, d.attempts])).toEqual([[4, 'parked', 4], [5, 'parked', 4]]);
    expect((await listSecurityEvents(db.sql, { tenantId: s.tenantId })).items.filter((e) => e.eventType === PROJECTOR_DEAD_LETTER_EVENT)).toHaveLength(2);
  });

  it('never parks on a transient failure (the database unreachable): ERROR, retried until it works', async () => {
    const s = new ReceiptStreamBuilder(uniqueNamespace('down'));
    const receipts = givenActionLifecycle(s, 'allow');
    await appendReceipts(store, receipts);
    let down = true;
    const flaky: SqlClient = Object.assign(Object.create(db.sql) as SqlClient, {
      transaction: (fn: Parameters<SqlClient['transaction']>[0], options?: Parameters<SqlClient['transaction']>[1]) =>
        down ? Promise.reject(new DependencyUnavailableError('postgres', new Error('Connection terminated unexpectedly'))) : db.sql.transaction(fn, options),
    });
    const p = projector({ sql: flaky, maxBackoffMs: 20 });
    await p.start();
    await eventually(() => p.status().problems.some((x) => x.tenant === s.tenantId && x.attempts >= 6));
    expect(p.status().state).toBe('ERROR');
    expect(await listDeadLetters(db.sql, { tenantIds: [s.tenantId] })).toEqual([]);
    down = false;
    expect(await p.waitForPosition(s.tenantId, receipts.length, 20_000)).toBe(true);
    expect(await listDeadLetters(db.sql, { tenantIds: [s.tenantId] })).toEqual([]);
  });
});
