import type { SqlClient } from '@oars/db';
import {
  type ComplianceCommand,
  type ControlMappingContent,
  ControlMappingNotFoundError,
  type EvidenceSelector,
  UnknownFrameworkError,
  decideCompliance,
  decideApproval,
  initialControlMappingState,
  openApproval,
  reasonHashOf,
} from '@oars/domain';
import type { EventStore } from '@oars/eventstore';
import type { Receipt } from '@oars/receipts';
import {
  ReceiptStreamBuilder,
  appendReceipts,
  createPgliteDatabase,
  createTestDatabase,
  dumpAllReadModels,
  givenActionDecided,
  givenActionExecuted,
  givenActionLifecycle,
  givenActionRequested,
  givenKeyGenerated,
  openTestEventStore,
  uniqueNamespace,
} from '@oars/testing';
import { readCheckpoint } from '../checkpoints/checkpoint.store';
import { projectNextBatch } from '../projector/stream-batch';
import { listReceipts } from '../queries/receipt.queries';
import { applyReceipts } from '../read-models.projection';
import { rebuildProjections } from '../rebuild/rebuild-projections';
import { getControlMapping, listControlMappings } from './control-mapping.queries';
import { EVIDENCE_BUNDLE_GENERATED, type EvidenceNodeRow, foldEvidenceGraph } from './evidence-graph.fold';
import { countEvidence, evidenceGraphCounts, listEvidenceNodes } from './evidence-graph.queries';

/** A tenant's history as receipts: actions from the builders, approvals and mappings decided by the real domain. */
class EvidenceStory {
  readonly stream = new ReceiptStreamBuilder(uniqueNamespace('ten'));
  readonly all: Receipt[] = [];

  get tenantId(): string {
    return this.stream.tenantId;
  }

  add(...receipts: Receipt[]): Receipt[] {
    this.all.push(...receipts);
    return receipts;
  }

  /** An action the policy allowed by itself: action.approved without an approval. */
  autoAllowed(toolId = 'jira'): Receipt[] {
    const [requested, decided, executed] = givenActionLifecycle(this.stream, 'allow', { toolId });
    return this.add(requested!, { ...decided!, type: 'action.approved', data: { executedBy: 'oars' } }, executed!);
  }

  /** requested, approval_required, approval.decided by `approverId`, action.approved (with the approval), executed. */
  humanApproved(approverId: string, toolId = 'iam'): Receipt[] {
    const requested = givenActionRequested(this.stream, { toolId, operation: 'rotate_keys', userId: 'requester' });
    const decided = givenActionDecided(this.stream, requested, 'approve');
    const now = decided.timestamp;
    const workflow = { id: 'apr_wf_1', tenantId: this.tenantId, stages: [{ id: 's1', name: 'Primary', mode: 'serial' as const, requiredApprovals: 1, approverIds: [], slaSeconds: null, escalateTo: [] }], createdAt: now, updatedAt: now, createdBy: 'admin' };
    const opened = openApproval({ actionId: requested.actionId!, tenantId: this.tenantId, workflow, riskTier: 'high', requestedBy: 'requester', context: { requestedAt: now }, now, expirySeconds: null, plannedExecution: null });
    const required = { ...decided, data: { ...decided.data, approvalId: opened.id, approval: opened } };
    const result = decideApproval(opened, { approverId, decision: 'approve', reasonHash: reasonHashOf('fine'), stepUp: { code: null, totp: null, sharedCode: null } }, now);
    if (result.kind !== 'recorded') throw new Error('not recorded');
    const after = (r: Receipt, type: string, data: Record<string, unknown>) => this.stream.next({ ...r, receiptId: undefined, timestamp: undefined, integrity: undefined, type, data });
    const approvalDecided = after(required, 'approval.decided', { approvalId: opened.id, approverId, decision: 'approve', approval: result.approval });
    const approved = after(approvalDecided, 'action.approved', { executedBy: 'oars', approvalId: opened.id });
    return this.add(requested, required, approvalDecided, approved, givenActionExecuted(this.stream, approved));
  }

  denied(): Receipt[] {
    return this.add(...givenActionLifecycle(this.stream, 'deny', { operation: 'drop_database' }));
  }

  bundle(framework: string): Receipt[] {
    return this.add(this.stream.next({ type: EVIDENCE_BUNDLE_GENERATED, data: { bundleId: `evb_${framework}_${this.all.length}`, framework, bundleHash: 'b'.repeat(64), receiptCount: 3, scope: { dateFrom: null } } }));
  }

  mapping(content: Partial<ControlMappingContent>, now: string): Receipt[] {
    const command: ComplianceCommand = {
      type: 'UpsertControlMapping',
      data: { tenantId: this.tenantId, content: { framework: 'soc2', controlId: 'CC-X', controlDescription: 'Own', requiredNodeTypes: ['receipt'], ...content } },
      metadata: { now, actor: 'admin_user', mappingId: `ctl_${String(content.controlId ?? 'CC-X').replace(/\W/g, '')}` },
    };
    const [event] = decideCompliance(initialControlMappingState, command);
    return this.add(this.stream.next({ type: event!.type, data: event!.data as unknown as Record<string, unknown> }));
  }
}

const selector = (o: Partial<EvidenceSelector>): EvidenceSelector => ({ nodeType: 'receipt', receiptTypes: null, requires: null, framework: null, receiptFilters: null, ...o });
const HUMAN = selector({ nodeType: 'approval_decision' });

/** A fresh database of each engine, and how to drop it. */
const DATABASES = {
  postgres: async () => createTestDatabase().then((db) => ({ sql: db.sql, drop: () => db.drop() })),
  pglite: async () => createPgliteDatabase().then((sql) => ({ sql, drop: () => sql.close() })),
};

describe.each(['postgres', 'pglite'] as const)('evidence graph and control mappings on %s (given receipts, then rows)', (engine) => {
  let sql: SqlClient;
  let store: EventStore;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    ({ sql, drop: dropDatabase } = await DATABASES[engine]());
    store = await openTestEventStore(sql);
  });
  afterAll(() => store.close().then(() => dropDatabase()));

  /** Appends what the store does not hold yet of the story, then projects it in batches of `batch` receipts. */
  async function given(story: EvidenceStory, batch = 50): Promise<void> {
    const held = (await store.head(story.tenantId)).sequence;
    if (story.all.length > held) await appendReceipts(store, story.all.slice(held));
    const next = (position: number) => projectNextBatch(store, sql, story.tenantId, position, batch);
    for (let step = await next(await readCheckpoint(sql, story.tenantId)); step.kind !== 'caught_up'; step = await next(step.position));
  }
  const window = (story: EvidenceStory) => ({ from: story.all[0]!.timestamp, to: story.all[story.all.length - 1]!.timestamp });

  it.each([50, 1])('makes an approval_decision node for the human approval only, with its approver (batches of %i)', async (batch) => {
    const story = new EvidenceStory();
    story.add(givenKeyGenerated(story.stream));
    story.autoAllowed();
    const human = story.humanApproved('alice');
    story.denied();
    await given(story, batch);

    const { nodeCounts, edgeCount } = await evidenceGraphCounts(sql, story.tenantId);
    expect(nodeCounts).toEqual({ action: 3, receipt: story.all.length, policy_version: 1, actor: 4, approval_decision: 1, evidence_bundle: 0, control_mapping: 0 });
    expect(edgeCount).toBeGreaterThan(story.all.length);
    // Counting the implied edges from the receipt nodes gives exactly the edges of the graph.
    expect(edgeCount).toBe(foldEvidenceGraph(story.all, new Map()).edges.length);
    const { items } = await listEvidenceNodes(sql, { tenantId: story.tenantId, nodeType: 'approval_decision', page: 1, pageSize: 10 });
    expect(items).toEqual([{
      id: expect.stringMatching(/^evn_[0-9a-f]{32}$/), tenantId: story.tenantId, nodeType: 'approval_decision', refId: human[3]!.data.approvalId,
      payload: { approvalId: human[3]!.data.approvalId, actionId: human[0]!.actionId, approvedAt: human[3]!.timestamp, approverIds: ['alice'], receiptId: human[3]!.receiptId },
      createdAt: human[3]!.timestamp, updatedAt: human[3]!.timestamp,
    }]);
    const actors = await listEvidenceNodes(sql, { tenantId: story.tenantId, nodeType: 'actor', page: 1, pageSize: 10 });
    expect(actors.items.map((n) => n.refId).sort()).toEqual(['agent:agent_one', 'user:alice', 'user:requester', 'user:user_alice']);
    expect(await countEvidence(sql, story.tenantId, window(story), [HUMAN, selector({ receiptTypes: ['action.denied'] }), selector({ receiptTypes: ['key.generated', 'key.rotated'] })])).toEqual([1, 1, 1]);
  });

  it('counts only evidence inside the window, of the control filters and the framework asked for', async () => {
    const story = new EvidenceStory();
    const old = story.humanApproved('bob', 'jira');
    const recent = story.humanApproved('carol', 'iam');
    story.bundle('soc2');
    await given(story);
    const after = { from: recent[0]!.timestamp, to: story.all[story.all.length - 1]!.timestamp };

    expect(await countEvidence(sql, story.tenantId, window(story), [HUMAN])).toEqual([2]);
    expect(await countEvidence(sql, story.tenantId, after, [HUMAN])).toEqual([1]);
    expect(await countEvidence(sql, story.tenantId, { from: old[0]!.timestamp, to: old[4]!.timestamp }, [HUMAN, selector({ nodeType: 'evidence_bundle', framework: 'soc2' })])).toEqual([1, 0]);
    const filtered = [
      selector({ nodeType: 'approval_decision', receiptFilters: { toolIds: ['jira'] } }),
      selector({ nodeType: 'approval_decision', receiptFilters: { toolIds: ['jira'], operations: ['nope'] } }),
      selector({ requires: 'policy', receiptFilters: { policyRuleIds: ['R-APPROVE', 'other'] } }),
      selector({ nodeType: 'evidence_bundle', framework: 'soc2' }),
      selector({ nodeType: 'evidence_bundle', framework: 'eu_ai_act' }),
    ];
    expect(await countEvidence(sql, story.tenantId, window(story), filtered)).toEqual([1, 0, 8, 1, 0]);
    const bundles = await listEvidenceNodes(sql, { tenantId: story.tenantId, nodeType: 'evidence_bundle', page: 1, pageSize: 10 });
    expect(bundles.items[0]!.payload).toMatchObject({ framework: 'soc2', bundleHash: 'b'.repeat(64), receiptCount: 3 });
  });

  it('keeps the latest mapping per control, as a control_mapping node too; filters the receipts list by it', async () => {
    const story = new EvidenceStory();
    story.autoAllowed('jira');
    story.autoAllowed('iam');
    story.mapping({ controlId: 'CC-X', receiptFilters: { toolIds: ['jira'] } }, '2026-01-01T00:00:00.000Z');
    story.mapping({ controlId: 'CC-X', receiptFilters: { toolIds: ['iam'] }, controlDescription: 'Newer' }, '2026-01-02T00:00:00.000Z');
    story.mapping({ framework: 'eu_ai_act', controlId: 'ART-14', requiredNodeTypes: ['approval_decision'] }, '2026-01-02T00:00:00.000Z');
    await given(story);

    expect((await listControlMappings(sql, story.tenantId)).map((m) => [m.framework, m.controlId, m.controlDescription])).toEqual([['eu_ai_act', 'ART-14', 'Own'], ['soc2', 'CC-X', 'Newer']]);
    expect(await listControlMappings(sql, story.tenantId, 'eu_ai_act')).toHaveLength(1);
    expect(await getControlMapping(sql, 'other_tenant', 'soc2', 'CC-X')).toBeNull();
    expect((await evidenceGraphCounts(sql, story.tenantId)).nodeCounts.control_mapping).toBe(2);

    const byControl = await listReceipts(sql, { tenantId: story.tenantId, framework: 'soc2', controlId: 'CC-X', limit: 2 });
    expect(byControl.items.map((r) => r.resource?.toolId)).toEqual(['iam', 'iam']);
    const next = await listReceipts(sql, { tenantId: story.tenantId, framework: 'soc2', controlId: 'CC-X', limit: 2, cursor: byControl.nextCursor });
    expect(next.items.map((r) => r.resource?.toolId)).toEqual(['iam']);
    expect(next.nextCursor).toBeNull();
    expect((await listReceipts(sql, { tenantId: story.tenantId, framework: 'soc2', controlId: 'CC-X', type: 'action.requested' })).items).toHaveLength(1);
    // A shipped control the tenant did not map selects every receipt.
    expect((await listReceipts(sql, { tenantId: story.tenantId, framework: 'soc2', controlId: 'CC6.1' })).items).toHaveLength(story.all.length);
    await expect(listReceipts(sql, { tenantId: story.tenantId, framework: 'soc2', controlId: 'CC-NOPE' })).rejects.toBeInstanceOf(ControlMappingNotFoundError);
    await expect(listReceipts(sql, { tenantId: 'other_tenant', framework: 'soc2', controlId: 'CC-X' })).rejects.toBeInstanceOf(ControlMappingNotFoundError);
    await expect(listReceipts(sql, { tenantId: story.tenantId, framework: 'hipaa', controlId: 'CC-X' })).rejects.toBeInstanceOf(UnknownFrameworkError);
    await expect(listReceipts(sql, { tenantId: story.tenantId, controlId: 'CC-X' })).rejects.toMatchObject({ code: 'validation_error', problems: [{ field: 'framework' }] });
  });

  it('serves each receipt and action node from the receipts read model, as the fold makes it, in listings and coverage counts', async () => {
    const story = new EvidenceStory();
    story.autoAllowed('jira');
    const human = story.humanApproved('erin', 'iam');
    story.denied();
    await given(story, 4);

    const asListed = (n: EvidenceNodeRow) => ({ id: n.nodeId, tenantId: n.tenantId, nodeType: n.nodeType, refId: n.refId, payload: n.payload, createdAt: n.createdAt, updatedAt: n.updatedAt });
    const byRef = (nodes: { refId: string }[]) => [...nodes].sort((a, b) => a.refId.localeCompare(b.refId));
    const folded = foldEvidenceGraph(story.all, new Map()).nodes;
    const everything = await listEvidenceNodes(sql, { tenantId: story.tenantId, nodeType: null, page: 1, pageSize: 500 });
    for (const nodeType of ['receipt', 'action'] as const) {
      const listed = await listEvidenceNodes(sql, { tenantId: story.tenantId, nodeType, page: 1, pageSize: 100 });
      const expected = folded.filter((n) => n.nodeType === nodeType).map(asListed);
      expect(listed.total).toBe(expected.length);
      expect(byRef(listed.items)).toEqual(byRef(expected));
      expect(everything.items.filter((n) => n.nodeType === nodeType)).toEqual(listed.items);
    }
    expect(folded.filter((n) => n.nodeType === 'action')).toHaveLength(3);
    const { nodeCounts } = await evidenceGraphCounts(sql, story.tenantId);
    expect(everything.total).toBe(Object.values(nodeCounts).reduce((a, b) => a + b, 0));
    expect(everything.total).toBe(folded.length);

    const receiptsOf = (pick: (r: Receipt) => boolean) => story.all.filter(pick).length;
    expect(await countEvidence(sql, story.tenantId, window(story), [
      selector({ nodeType: 'receipt' }),
      selector({ nodeType: 'receipt', receiptTypes: ['action.executed'], receiptFilters: { toolIds: ['iam'] } }),
      selector({ nodeType: 'receipt', requires: 'policy' }),
      selector({ nodeType: 'receipt', framework: 'soc2' }),
      selector({ nodeType: 'action' }),
      // An action node has the facts of its latest receipt: executed for two, denied for one.
      selector({ nodeType: 'action', receiptTypes: ['action.executed'] }),
      selector({ nodeType: 'action', receiptFilters: { toolIds: ['iam'] }, requires: 'actor' }),
      HUMAN,
    ])).toEqual([story.all.length, 1, receiptsOf((r) => r.policy !== null), 0, 3, 2, 1, 1]);
    // An action happened when its first receipt did (the builder's receipts are a second apart): a
    // window from the human approval's second receipt on holds only the denied action.
    const later = { from: human[1]!.timestamp, to: story.all[story.all.length - 1]!.timestamp };
    expect(await countEvidence(sql, story.tenantId, later, [selector({ nodeType: 'action' })])).toEqual([1]);
  });

  it('pages nodes by updatedAt desc; re-applying receipts changes no row; a rebuild gives the same rows', async () => {
    const story = new EvidenceStory();
    story.autoAllowed();
    story.humanApproved('dave');
    story.bundle('eu_ai_act');
    story.mapping({ controlId: 'CC-Y' }, '2026-01-03T00:00:00.000Z');
    await given(story, 3);

    const all = await listEvidenceNodes(sql, { tenantId: story.tenantId, nodeType: null, page: 1, pageSize: 500 });
    const pages = [1, 2, 3].map((page) => listEvidenceNodes(sql, { tenantId: story.tenantId, nodeType: null, page, pageSize: Math.ceil(all.total / 3) }));
    expect((await Promise.all(pages)).flatMap((p) => p.items)).toEqual(all.items);
    expect(all.items.map((n) => n.updatedAt)).toEqual([...all.items.map((n) => n.updatedAt)].sort().reverse());

    const before = await dumpAllReadModels(sql);
    await sql.transaction((tx) => applyReceipts(tx, story.all));
    for (const r of [...story.all].reverse()) await sql.transaction((tx) => applyReceipts(tx, [r]));
    expect(await dumpAllReadModels(sql)).toEqual(before);
    await rebuildProjections(store, sql);
    expect(await dumpAllReadModels(sql)).toEqual(before);
  });
});
