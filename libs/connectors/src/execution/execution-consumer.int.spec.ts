import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpConnectorConfig } from '@oars/config';
import { defaultMigrationsDir, migrate } from '@oars/db';
import { EmbeddedEventStore } from '@oars/eventstore';
import { SqlKeyVault, TenantChainWriter } from '@oars/ledger';
import { loadReactorCheckpoints } from '@oars/reactors';
import { deriveKek } from '@oars/receipts';
import { type TestDatabase, createTestDatabase } from '@oars/testing';
import { saveConnectorRequest } from './connector-requests.store';
import { EXECUTIONS_REACTOR, ExecutionConsumer } from './execution-consumer';

describe('ExecutionConsumer upgraded from its own follower (real Postgres)', () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    // A deployment from before the reactors: migrated up to 0009, with the consumer's old checkpoint.
    db = await createTestDatabase({ migrate: false });
    dir = mkdtempSync(join(tmpdir(), 'oars-mig-'));
    for (const file of readdirSync(defaultMigrationsDir()).filter((f) => /^\d{4}_/.test(f) && f < '0010')) copyFileSync(join(defaultMigrationsDir(), file), join(dir, file));
    await migrate(db.sql, dir);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('keeps its checkpoint through migration 0010 and goes on from it, not from the start', async () => {
    await db.sql.query("INSERT INTO projection_checkpoints (projection, stream, position) VALUES ('executions', 'tenant_up', 5), ('decisions', 'tenant_up', 9)");
    await migrate(db.sql, defaultMigrationsDir());
    expect(await loadReactorCheckpoints(db.sql, EXECUTIONS_REACTOR)).toEqual(new Map([['tenant_up', 5]]));

    // Two HTTP actions that ended (denied), at 3 (handled before the upgrade) and at 6, whose inputs are
    // still stored: the consumer forgets the input of an ended action when it reaches its receipt.
    const store = new EmbeddedEventStore(db.sql);
    const denied = (actionId: string) => ({ type: 'action.denied', subject: `action.${actionId}`, data: { actionId, type: 'action.denied', resource: { toolId: 'crm', operation: 'create', target: 'x' }, data: {} } });
    const events = Array.from({ length: 7 }, (_, i) => ({ id: `evt_up_${i}`, type: 'note.added', subject: `note.n${i}`, data: { i, type: 'note.added', actionId: null, resource: null } as Record<string, unknown> }));
    events[2] = { id: 'evt_up_old', ...denied('act_old') };
    events[5] = { id: 'evt_up_new', ...denied('act_new') };
    await store.append('tenant_up', events, { expectedVersion: 0 });
    for (const actionId of ['act_old', 'act_new']) await saveConnectorRequest(db.sql, { tenantId: 'tenant_up', actionId, inputHash: 'h' }, 'crm', { n: 1 });
    const writer = new TenantChainWriter({ store, vault: new SqlKeyVault(db.sql), kek: deriveKek('execution-upgrade-test'), region: 'test' });
    const crm = { toolId: 'crm', url: 'http://127.0.0.1:9/none', timeoutMs: 1000, allowPrivateNetwork: true } as unknown as HttpConnectorConfig;
    const consumer = new ExecutionConsumer({ store, sql: db.sql, writer, connectors: [crm], pollIntervalMs: 50 });
    await consumer.start();
    try {
      const deadline = Date.now() + 15_000;
      while ((await loadReactorCheckpoints(db.sql, EXECUTIONS_REACTOR)).get('tenant_up') !== 7 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(await loadReactorCheckpoints(db.sql, EXECUTIONS_REACTOR)).toEqual(new Map([['tenant_up', 7]]));
      expect(consumer.status()).toMatchObject({ state: 'OK', pending: 0 });
      const { rows } = await db.sql.query<{ action_id: string }>('SELECT action_id FROM connector_requests ORDER BY action_id');
      expect(rows.map((r) => r.action_id)).toEqual(['act_old']); // 3 was not handled again; 6 was
    } finally {
      await consumer.stop();
      await store.close();
    }
  });
});
