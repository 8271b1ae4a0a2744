import { createHash } from 'node:crypto';
import { type ApprovalState, type EvidenceNodeType, approvalOf, complianceEventOf, isHumanApprovalReceipt } from '@oars/domain';
import type { Receipt } from '@oars/receipts';

/** The receipt type another context appends when it exports an evidence bundle (`data: {bundleId, framework, bundleHash, receiptCount, scope}`). */
export const EVIDENCE_BUNDLE_GENERATED = 'evidence.bundle.generated';

/** What a coverage scan selects on: the action facts of the receipt behind a node (null for the tenant's own evidence). */
export interface NodeFacts {
  actionId: string | null;
  toolId: string | null;
  operation: string | null;
  actorUserId: string | null;
  actorAgentId: string | null;
  policyDecision: string | null;
  policyVersion: string | null;
  policyRuleIds: string[];
}

export interface EvidenceNodeRow extends NodeFacts {
  nodeId: string;
  tenantId: string;
  nodeType: EvidenceNodeType;
  refId: string;
  payload: Record<string, unknown>;
  /** The type of the (latest) receipt that recorded the node. */
  receiptType: string;
  /** When the evidence happened: the timestamp of the first receipt that recorded the node. */
  occurredAt: string;
  framework: string | null;
  createdAt: string;
  updatedAt: string;
  sequence: number;
}

export interface EvidenceEdgeRow {
  edgeId: string;
  tenantId: string;
  fromNodeId: string;
  toNodeId: string;
  relation: string;
  createdAt: string;
}

const hashId = (prefix: string, ...parts: string[]) => `${prefix}_${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;

/** A node's id: stable per (tenant, type, ref), so every replay and rebuild gives the same graph. */
export const evidenceNodeId = (tenantId: string, nodeType: EvidenceNodeType, refId: string) => hashId('evn', tenantId, nodeType, refId);

const NO_FACTS: NodeFacts = { actionId: null, toolId: null, operation: null, actorUserId: null, actorAgentId: null, policyDecision: null, policyVersion: null, policyRuleIds: [] };

function factsOf(r: Receipt): NodeFacts {
  return {
    actionId: r.actionId,
    toolId: r.resource?.toolId ?? null,
    operation: r.resource?.operation ?? null,
    actorUserId: r.actor?.userId ?? null,
    actorAgentId: r.actor?.agentId ?? null,
    policyDecision: r.policy?.decision ?? null,
    policyVersion: r.policy?.policyVersion ?? null,
    policyRuleIds: r.policy?.ruleIds ?? [],
  };
}

/** The rows of one fold, merged per node and per edge. */
class GraphRows {
  readonly nodes = new Map<string, EvidenceNodeRow>();
  readonly edges = new Map<string, EvidenceEdgeRow>();
  /** Node ids of this fold by tenant, type and ref: a batch names the same few nodes again and again. */
  private readonly ids = new Map<string, string>();

  /** `skip`: relations not wanted as rows (implied by the nodes' own columns); `virtual`: node types not wanted as rows. */
  constructor(
    private readonly skip: ReadonlySet<string> = new Set(),
    private readonly virtual: ReadonlySet<EvidenceNodeType> = new Set(),
  ) {}

  private idOf(tenantId: string, nodeType: EvidenceNodeType, refId: string): string {
    const key = `${tenantId}\u0000${nodeType}\u0000${refId}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = evidenceNodeId(tenantId, nodeType, refId);
      this.ids.set(key, id);
    }
    return id;
  }

  /** Records node (nodeType, refId) as `r` shows it; the first receipt keeps `createdAt` and `occurredAt`. */
  node(r: Receipt, nodeType: EvidenceNodeType, refId: string, payload: Record<string, unknown>, facts: NodeFacts = NO_FACTS, framework: string | null = null): string {
    const nodeId = this.idOf(r.tenantId, nodeType, refId);
    if (this.virtual.has(nodeType)) return nodeId;
    const first = this.nodes.get(nodeId);
    this.nodes.set(nodeId, {
      nodeId, tenantId: r.tenantId, nodeType, refId, payload, receiptType: r.type, framework, ...facts,
      occurredAt: first?.occurredAt ?? r.timestamp, createdAt: first?.createdAt ?? r.timestamp, updatedAt: r.timestamp, sequence: r.sequence,
    });
    return nodeId;
  }

  edge(r: Receipt, fromNodeId: string, toNodeId: string, relation: string): void {
    if (this.skip.has(relation)) return;
    const edgeId = hashId('eve', r.tenantId, fromNodeId, toNodeId, relation);
    if (!this.edges.has(edgeId)) this.edges.set(edgeId, { edgeId, tenantId: r.tenantId, fromNodeId, toNodeId, relation, createdAt: r.timestamp });
  }
}

/**
 * The nodes and edges receipts add to the evidence graph (OARS v1 §2.11), in one pass and merged
 * per node: the first receipt of a node gives its `createdAt` and `occurredAt`, the last its
 * payload, `updatedAt` and sequence. Unlike v1, an `approval_decision` node is only made for a
 * human approval (`isHumanApprovalReceipt`), with the approvers its approval records
 * (`approvals`: snapshots by approval id, for approvals concluded by receipts of earlier batches).
 */
export function foldEvidenceGraph(
  receipts: readonly Receipt[],
  approvals: ReadonlyMap<string, ApprovalState>,
  /**
   * What to leave out (the projection stores neither): `relations` among the edges (the ones a
   * receipt node implies), `nodeTypes` among the nodes (`receipt`: the `receipts` read model's rows).
   */
  leaveOut: { relations?: ReadonlySet<string>; nodeTypes?: ReadonlySet<EvidenceNodeType> } = {},
): { nodes: EvidenceNodeRow[]; edges: EvidenceEdgeRow[] } {
  const rows = new GraphRows(leaveOut.relations, leaveOut.nodeTypes);
  const snapshots = new Map(approvals);
  for (const r of receipts) {
    const snapshot = approvalOf(r);
    if (snapshot) snapshots.set(snapshot.id, snapshot);
    const receiptNode = addActionNodes(rows, r);
    if (isHumanApprovalReceipt(r) && r.actionId) addHumanApproval(rows, r, receiptNode, snapshots.get(r.data.approvalId as string));
    if (r.type === EVIDENCE_BUNDLE_GENERATED && typeof r.data.bundleId === 'string' && r.data.bundleId !== '') {
      const { bundleId, framework, bundleHash, receiptCount, scope } = r.data;
      const fw = typeof framework === 'string' ? framework : null;
      const payload = { bundleId, framework: fw, generatedAt: r.timestamp, bundleHash: bundleHash ?? null, receiptCount: receiptCount ?? null, scope: scope ?? null };
      rows.edge(r, receiptNode, rows.node(r, 'evidence_bundle', bundleId, payload, NO_FACTS, fw), 'RECORDED_BUNDLE');
    }
    const mapping = complianceEventOf(r)?.data.mapping;
    if (mapping && mapping.tenantId === r.tenantId) {
      const { id, framework, controlId, controlDescription, requiredNodeTypes, receiptFilters } = mapping;
      const payload = { mappingId: id, framework, controlId, controlDescription, requiredNodeTypes, ...(receiptFilters ? { receiptFilters } : {}) };
      rows.edge(r, receiptNode, rows.node(r, 'control_mapping', `${framework}:${controlId}`, payload, NO_FACTS, framework), 'RECORDED_MAPPING');
    }
  }
  return { nodes: [...rows.nodes.values()], edges: [...rows.edges.values()] };
}

/** A receipt node's payload, the same from a receipt and from its `receipts` row (evidence-graph.queries). */
export function receiptNodePayload(receiptId: string, actionId: string | null, type: string, decision: string | null, timestamp: string, sequence: number): Record<string, unknown> {
  return { receiptId, actionId, type, decision, timestamp, sequence };
}

/** An action node's payload: its latest receipt's type and time (the same from `receipts` rows). */
export function actionNodePayload(actionId: string, lastReceiptType: string, lastReceiptAt: string): Record<string, unknown> {
  return { actionId, lastReceiptType, lastReceiptAt };
}

/** The receipt's own node and, for an action receipt, its action, policy version and actors; returns the receipt's node id. */
function addActionNodes(rows: GraphRows, r: Receipt): string {
  const facts = factsOf(r);
  const receiptNode = rows.node(r, 'receipt', r.receiptId, receiptNodePayload(r.receiptId, r.actionId, r.type, r.policy?.decision ?? null, r.timestamp, r.sequence), facts);
  if (r.actionId) rows.edge(r, rows.node(r, 'action', r.actionId, actionNodePayload(r.actionId, r.type, r.timestamp), facts), receiptNode, 'HAS_RECEIPT');
  if (r.policy) {
    const { policySetId, policyVersion, policyHash, decision } = r.policy;
    rows.edge(r, receiptNode, rows.node(r, 'policy_version', `${policySetId}:${policyVersion}`, { policySetId, policyVersion, policyHash, decision }), 'EVALUATED_BY_POLICY');
  }
  if (r.actor) {
    const { agentId, userId, serviceId, delegationChain } = r.actor;
    rows.edge(r, receiptNode, rows.node(r, 'actor', `agent:${agentId}`, { agentId, serviceId, delegationChain }), 'ACTED_BY');
    if (userId) rows.edge(r, receiptNode, rows.node(r, 'actor', `user:${userId}`, { userId }), 'ACTED_BY');
  }
  return receiptNode;
}

/** The approval_decision node of a human approval, linked to its receipt and to each approver who approved. */
function addHumanApproval(rows: GraphRows, r: Receipt, receiptNode: string, found: ApprovalState | undefined): void {
  const approvalId = r.data.approvalId as string;
  const approval = found?.tenantId === r.tenantId ? found : undefined;
  const approverIds = [...new Set((approval?.decisions ?? []).filter((d) => d.decision === 'approve').map((d) => d.approverId))].sort();
  const payload = { approvalId, actionId: r.actionId, approvedAt: r.timestamp, approverIds, receiptId: r.receiptId };
  const decisionNode = rows.node(r, 'approval_decision', approvalId, payload, factsOf(r));
  rows.edge(r, receiptNode, decisionNode, 'RECORDED_APPROVAL');
  for (const approverId of approverIds) rows.edge(r, decisionNode, rows.node(r, 'actor', `user:${approverId}`, { userId: approverId }), 'APPROVED_BY');
}

/** The approval ids of human approvals in `receipts` whose snapshot is not among them (decided in an earlier batch). */
export function approvalsToLoad(receipts: readonly Receipt[]): string[] {
  const here = new Set(receipts.map((r) => approvalOf(r)?.id).filter((id): id is string => id !== undefined));
  return [...new Set(receipts.filter(isHumanApprovalReceipt).map((r) => r.data.approvalId as string))].filter((id) => !here.has(id));
}
