import { DEFAULT_INCIDENT_POLICY, type IncidentCommand, type IncidentEvent, type IncidentState, decideIncident, evolveIncident } from '@oars/domain';
import type { Receipt } from '@oars/receipts';
import { ReceiptStreamBuilder, type TestDatabase, createTestDatabase, uniqueNamespace } from '@oars/testing';
import { getIncident, listIncidents } from './incident.queries';
import { incidentsProjection } from './incidents.projection';

const T0 = '2026-05-01T10:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
const paging = { primary: 'ann', secondary: 'bob', channelIds: ['pagerduty'] };

/** One tenant's incidents, decided by the real decider and written as receipts in stream order. */
class IncidentStory {
  readonly stream = new ReceiptStreamBuilder(uniqueNamespace('ten'));
  readonly receipts: Receipt[] = [];
  private readonly states = new Map<string, IncidentState | null>();

  get tenantId(): string {
    return this.stream.tenantId;
  }

  run(incidentId: string, type: IncidentCommand['type'], data: unknown, now: string, actor = 'carol'): Receipt[] {
    const command = { type, data, metadata: { now, actor, incidentId, policy: DEFAULT_INCIDENT_POLICY } } as IncidentCommand;
    const events = decideIncident(this.states.get(incidentId) ?? null, command);
    this.states.set(incidentId, events.reduce<IncidentState | null>((s, e) => evolveIncident(s, e), this.states.get(incidentId) ?? null));
    const written = events.map((e: IncidentEvent) => this.stream.next({ type: e.type, data: e.data as unknown as Record<string, unknown> }));
    this.receipts.push(...written);
    return written;
  }

  declare(incidentId: string, now: string) {
    return this.run(incidentId, 'DeclareIncident', { tenantId: this.tenantId, severity: 'SEV2', commander: 'carol', summary: `Incident ${incidentId}`, fromAlert: null, paging }, now);
  }
}

describe('the incidents read model', () => {
  let db: TestDatabase;
  const apply = (receipts: Receipt[]) => db.sql.transaction((tx) => incidentsProjection.apply(tx, receipts));

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('keeps the latest snapshot and a timeline per incident, idempotently: an older batch replayed never rolls it back', async () => {
    const story = new IncidentStory();
    const opened = story.declare('inc_a', T0);
    const acked = story.run('inc_a', 'AcknowledgeIncident', {}, at(30));
    const update = story.run('inc_a', 'PostIncidentUpdate', { message: 'Investigating.', stage: 'investigating' }, at(60));
    await apply([...opened, ...acked, ...update]);
    await apply([...opened, ...acked]);
    const found = await getIncident(db.sql, [story.tenantId], 'inc_a');
    expect(found!.incident).toMatchObject({ incidentId: 'inc_a', status: 'acknowledged', updatesPosted: 1, timeToAcknowledgeSeconds: 30, acknowledgedWithinTarget: true });
    expect(found!.timeline.map((e) => [e.type, e.actor])).toEqual([
      ['incident.opened', 'carol'], ['incident.escalated', 'system'], ['incident.acknowledged', 'carol'], ['incident.update_posted', 'carol'],
    ]);
    expect(found!.timeline[3]!.details).toEqual({ update: { message: 'Investigating.', stage: 'investigating' } });
    expect(found!.timeline[1]!.details).toMatchObject({ notify: { level: 0, oncallUserIds: ['ann'] } });
  });

  it('lists newest first with a cursor, filters by status and severity, sums up acknowledgement, and hides other tenants', async () => {
    const story = new IncidentStory();
    for (let i = 0; i < 5; i++) story.declare(`inc_${i}`, at(i * 60));
    story.run('inc_1', 'AcknowledgeIncident', {}, at(60 + 900));
    story.run('inc_3', 'AcknowledgeIncident', {}, at(180 + 1200)); // past the SEV2 target of 15 min
    await apply(story.receipts);
    const first = await listIncidents(db.sql, { tenantIds: [story.tenantId], limit: 3 });
    expect(first.items.map((i) => i.incidentId)).toEqual(['inc_4', 'inc_3', 'inc_2']);
    const second = await listIncidents(db.sql, { tenantIds: [story.tenantId], limit: 3, cursor: first.nextCursor! });
    expect([second.items.map((i) => i.incidentId), second.nextCursor]).toEqual([['inc_1', 'inc_0'], null]);
    expect(first.acknowledgement).toEqual({ acknowledged: 2, withinTarget: 1, meanSecondsToAcknowledge: 1050 });
    expect((await listIncidents(db.sql, { tenantIds: [story.tenantId], status: 'acknowledged', limit: 10 })).items.map((i) => i.incidentId)).toEqual(['inc_3', 'inc_1']);
    expect((await listIncidents(db.sql, { tenantIds: [story.tenantId], severity: 'SEV1', limit: 10 })).items).toEqual([]);
    expect(await getIncident(db.sql, ['tenant_other'], 'inc_1')).toBeNull();
    expect((await listIncidents(db.sql, { tenantIds: ['tenant_other'], limit: 10 })).items).toEqual([]);
    await expect(listIncidents(db.sql, { tenantIds: [story.tenantId], limit: 3, cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'invalid_cursor' });
  });
});
