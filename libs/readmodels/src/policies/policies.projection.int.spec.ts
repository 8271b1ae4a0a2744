import type { SqlClient } from '@oars/db';
import { type PolicyCommand, type PolicyEvent, decidePolicy, policyEventOf, policyStateOf } from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import { policyHash } from '@oars/policy';
import type { Receipt } from '@oars/receipts';
import { createPgliteDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { readCheckpoint } from '../checkpoints/checkpoint.store';
import { projectNextBatch } from '../projector/stream-batch';
import { applyReceipts } from '../read-models.projection';
import { rebuildProjections } from '../rebuild/rebuild-projections';
import { ReceiptStreamBuilder, appendReceipts } from '@oars/testing';
import { openTestEventStore } from '@oars/testing';
import { getPolicy, listPolicies } from './policy.queries';

const rules = [{ id: 'R1', description: 'allow all', priority: 1, match: {}, decision: 'allow' }];

/** A tenant's policy history written as receipts, the events decided by the real domain. */
class PolicyHistory {
  readonly stream: ReceiptStreamBuilder;
  private readonly events: PolicyEvent[] = [];
  private clock = Date.parse('2026-02-01T00:00:00.000Z');

  constructor() {
    this.stream = new ReceiptStreamBuilder(uniqueNamespace('ten'));
  }

  get tenantId(): string {
    return this.stream.tenantId;
  }

  /** Policy ids are globally unique (random or derived from the tenant), so each history has its own. */
  id(name: string): string {
    return `pol_${this.tenantId}_${name}`;
  }

  create(name: string, version = 'v1'): Receipt {
    return this.record({ type: 'CreatePolicy', data: { tenantId: this.tenantId, content: { version, rules } }, metadata: { policyId: this.id(name), ...this.meta() } });
  }

  publish(name: string): Receipt {
    return this.record({ type: 'PublishPolicy', data: { tenantId: this.tenantId, policyId: this.id(name) }, metadata: this.meta() });
  }

  rollback(name: string): Receipt {
    return this.record({ type: 'RollbackPolicy', data: { tenantId: this.tenantId, policyId: this.id(name) }, metadata: this.meta() });
  }

  private meta() {
    this.clock += 60_000;
    return { now: new Date(this.clock).toISOString(), actor: 'admin_user' };
  }

  private record(command: PolicyCommand): Receipt {
    const [event] = decidePolicy(policyStateOf(this.events), command);
    this.events.push(event!);
    return this.stream.next({ type: event!.type, data: event!.data as unknown as Record<string, unknown> });
  }
}

describe.each(['postgres', 'pglite'] as const)('policies read model on %s (given receipts, then rows)', (engine) => {
  let sql: SqlClient;
  let store: EventStore;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    if (engine === 'postgres') {
      const db = await createTestDatabase();
      sql = db.sql;
      drop = () => db.drop();
    } else {
      sql = await createPgliteDatabase();
      drop = () => sql.close();
    }
    store = await openTestEventStore(sql);
  });
  afterAll(async () => {
    await store.close();
    await drop();
  });

  async function given(receipts: Receipt[]): Promise<void> {
    await appendReceipts(store, receipts);
    const tenant = receipts[0]!.tenantId;
    let position = await readCheckpoint(sql, tenant);
    for (;;) {
      const outcome = await projectNextBatch(store, sql, tenant, position, 2);
      if (outcome.kind === 'caught_up') return;
      position = outcome.position;
    }
  }

  const statuses = async (h: PolicyHistory) => Object.fromEntries((await listPolicies(sql, h.tenantId)).map((p) => [p.id.slice(h.id('').length), p.status]));

  it('lists drafts in creation order with their document and hash', async () => {
    const h = new PolicyHistory();
    const a = h.create('a', 'v1');
    const b = h.create('b', 'v2');
    await given([a, b]);

    const items = await listPolicies(sql, h.tenantId);
    const documentA = policyEventOf(a)!.data.policy;
    expect(items.map((p) => p.id)).toEqual([h.id('a'), h.id('b')]);
    expect(items[0]).toEqual({ ...documentA, policyHash: policyHash(documentA) });
    expect(await getPolicy(sql, [h.tenantId], h.id('b'))).toMatchObject({ id: h.id('b'), version: 'v2', status: 'draft' });
  });

  it('keeps exactly one published policy per tenant through publish and rollback', async () => {
    const h = new PolicyHistory();
    await given([h.create('a'), h.create('b'), h.create('c')]);
    const pubA = h.publish('a');
    await given([pubA]);
    expect(await statuses(h)).toEqual({ a: 'published', b: 'draft', c: 'draft' });
    expect((await getPolicy(sql, [h.tenantId], h.id('a')))?.updatedAt).toBe(policyEventOf(pubA)!.data.policy.updatedAt);

    await given([h.publish('b')]);
    expect(await statuses(h)).toEqual({ a: 'draft', b: 'published', c: 'draft' });

    await given([h.rollback('a')]);
    expect(await statuses(h)).toEqual({ a: 'published', b: 'draft', c: 'draft' });
  });

  it('is idempotent: re-applying any receipt, in any order, changes no row', async () => {
    const h = new PolicyHistory();
    const receipts = [h.create('a'), h.create('b')];
    receipts.push(h.publish('a'), h.publish('b'), h.rollback('a'));
    await given(receipts);
    const before = await listPolicies(sql, h.tenantId);

    await sql.transaction((tx) => applyReceipts(tx, receipts));
    for (const r of [...receipts].reverse()) await sql.transaction((tx) => applyReceipts(tx, [r]));
    expect(await listPolicies(sql, h.tenantId)).toEqual(before);
    expect(await statuses(h)).toEqual({ a: 'published', b: 'draft' });
  });

  it('hides other tenants and rebuilds to the same rows', async () => {
    const h = new PolicyHistory();
    await given([h.create('x'), h.publish('x')]);
    expect(await getPolicy(sql, ['tenant_other'], h.id('x'))).toBeNull();
    expect(await getPolicy(sql, [], h.id('x'))).toBeNull();

    const live = await listPolicies(sql, h.tenantId);
    await rebuildProjections(store, sql);
    expect(await listPolicies(sql, h.tenantId)).toEqual(live);
  });
});
