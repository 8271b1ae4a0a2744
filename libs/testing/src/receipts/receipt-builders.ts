import { createHash, randomBytes } from 'node:crypto';
import { decisionToState } from '@oars/domain';
import type { AppendResult, EventStore, EventToAppend } from '@oars/eventstore';
import { RECEIPT_VERSION, type PolicyDecision, type Receipt, type ReceiptPolicy } from '@oars/receipts';

/**
 * Event builders for tests of code that reads receipts (projections, queries). They produce
 * structurally valid receipts in stream order with placeholder signatures: nothing here signs.
 */
export class ReceiptStreamBuilder {
  private sequence: number;
  private lastHash: string | null = null;
  private readonly startMs: number;
  readonly region: string;

  constructor(readonly tenantId: string, options: { region?: string; startAt?: string; after?: number } = {}) {
    this.region = options.region ?? 'local';
    this.startMs = Date.parse(options.startAt ?? '2026-01-01T00:00:00.000Z');
    this.sequence = options.after ?? 0;
  }

  /** The next receipt of the stream: sequence, timestamp, ids and integrity filled in. */
  next(fields: Partial<Omit<Receipt, 'sequence' | 'tenantId'>> & { type: string }): Receipt {
    this.sequence++;
    const receiptId = fields.receiptId ?? `rcpt_${randomBytes(16).toString('hex')}`;
    const receiptHash = sha256(`${this.tenantId}:${this.sequence}:${receiptId}`);
    const receipt: Receipt = {
      receiptId,
      version: RECEIPT_VERSION,
      tenantId: this.tenantId,
      region: this.region,
      sequence: this.sequence,
      type: fields.type,
      timestamp: fields.timestamp ?? new Date(this.startMs + this.sequence * 1000).toISOString(),
      actionId: fields.actionId ?? null,
      actor: fields.actor ?? null,
      resource: fields.resource ?? null,
      policy: fields.policy ?? null,
      risk: fields.risk ?? null,
      inputHash: fields.inputHash ?? null,
      telemetry: fields.telemetry ?? null,
      data: fields.data ?? {},
      integrity: fields.integrity ?? {
        prevEventHash: this.lastHash,
        prevReceiptHash: null,
        receiptHash,
        signature: 'placeholder-signature',
        signingKeyId: 'key_test',
        signatureAlg: 'Ed25519',
      },
    };
    this.lastHash = receipt.integrity.receiptHash;
    return receipt;
  }
}

export interface ActionRequestOptions {
  actionId?: string;
  toolId?: string;
  operation?: string;
  target?: string;
  userId?: string | null;
  agentId?: string;
  environment?: string;
}

export function givenActionRequested(stream: ReceiptStreamBuilder, o: ActionRequestOptions = {}): Receipt {
  const userId = o.userId === undefined ? 'user_alice' : o.userId;
  const agentId = o.agentId ?? 'agent_one';
  const receipt = stream.next({
    type: 'action.requested',
    actionId: o.actionId ?? `act_${randomBytes(16).toString('hex')}`,
    actor: { userId, agentId, serviceId: 'oars-gateway', delegationChain: [userId ?? 'system', agentId, 'oars-gateway'] },
    resource: { toolId: o.toolId ?? 'jira', operation: o.operation ?? 'create_ticket', target: o.target ?? 'project:SEC' },
    risk: { score: 45, tier: 'medium', signals: ['medium_risk_operation'] },
    inputHash: sha256(`input:${o.actionId ?? ''}:${randomBytes(4).toString('hex')}`),
    telemetry: { traceId: `trc_${randomBytes(16).toString('hex')}`, spanId: `spn_${randomBytes(16).toString('hex')}`, requestId: null },
  });
  // The server stamps requestedAt with its own time: the receipt's timestamp.
  receipt.data = { context: { environment: o.environment ?? 'prod', requestedAt: receipt.timestamp }, idempotencyRequestHash: null };
  return receipt;
}

export interface DecisionOptions {
  policyVersion?: string;
  ruleIds?: string[];
  approvalId?: string;
}

/** The decision receipt after `requested`: approved, denied, approval_required or quarantined. */
export function givenActionDecided(stream: ReceiptStreamBuilder, requested: Receipt, decision: PolicyDecision, o: DecisionOptions = {}): Receipt {
  const policy: ReceiptPolicy = {
    policySetId: `policy_${requested.tenantId}`,
    policyVersion: o.policyVersion ?? 'v1',
    policyHash: sha256(`policy:${o.policyVersion ?? 'v1'}`),
    decision,
    ruleIds: o.ruleIds ?? [`R-${decision.toUpperCase()}`],
    rationale: `Decided ${decision}.`,
  };
  const state = decisionToState(decision);
  const data: Record<string, unknown> =
    state === 'approval_required'
      ? { approvalId: o.approvalId ?? `apr_${randomBytes(16).toString('hex')}`, stepUpRequired: false, approvalProgress: { currentStageIndex: 0, totalStages: 1, currentStageName: 'Primary Approval' } }
      : state === 'denied'
        ? { error: 'Action denied by policy.' }
        : state === 'quarantined'
          ? { error: 'Action quarantined by policy.' }
          : {};
  return follow(stream, requested, `action.${state}`, data, policy);
}

/** `action.approved` after an approval (carries the original policy evaluation). */
export function givenActionApproved(stream: ReceiptStreamBuilder, previous: Receipt): Receipt {
  return follow(stream, previous, 'action.approved', {});
}

export function givenActionExecuted(stream: ReceiptStreamBuilder, previous: Receipt): Receipt {
  return follow(stream, previous, 'action.executed', { referenceId: `exec_${previous.actionId}`, outputHash: sha256(`out:${previous.actionId}`) });
}

export function givenActionFailed(stream: ReceiptStreamBuilder, previous: Receipt, error = 'Connector failed.'): Receipt {
  return follow(stream, previous, 'action.failed', { error });
}

/** A non-action receipt (actionId null), as the key lifecycle writes. */
export function givenKeyGenerated(stream: ReceiptStreamBuilder): Receipt {
  return stream.next({ type: 'key.generated', data: { keyId: `key_${randomBytes(16).toString('hex')}`, publicKeyPem: 'placeholder' } });
}

export type ActionPath = 'allow' | 'allow_fail' | 'deny' | 'quarantine' | 'approve_pending' | 'approve_then_execute';

/** A whole action lifecycle (OARS v1 §2.1) in stream order. */
export function givenActionLifecycle(stream: ReceiptStreamBuilder, path: ActionPath, o: ActionRequestOptions & DecisionOptions = {}): Receipt[] {
  const requested = givenActionRequested(stream, o);
  const decision: PolicyDecision = path === 'deny' ? 'deny' : path === 'quarantine' ? 'quarantine' : path.startsWith('approve') ? 'approve' : 'allow';
  const decided = givenActionDecided(stream, requested, decision, o);
  if (path === 'allow') return [requested, decided, givenActionExecuted(stream, decided)];
  if (path === 'allow_fail') return [requested, decided, givenActionFailed(stream, decided)];
  if (path === 'approve_then_execute') {
    const approved = givenActionApproved(stream, decided);
    return [requested, decided, approved, givenActionExecuted(stream, approved)];
  }
  return [requested, decided];
}

/** The events that carry `receipts` (id = receiptId, subject = the aggregate). */
export function toEvents(receipts: readonly Receipt[]): EventToAppend[] {
  return receipts.map((r) => ({
    id: r.receiptId,
    type: r.type,
    subject: r.actionId ? `action.${r.actionId}` : `${r.type.split('.')[0]}.${r.receiptId}`,
    data: r as unknown as Record<string, unknown>,
  }));
}

/** Appends receipts of one tenant at their own sequences (expectedVersion = first sequence - 1). */
export async function appendReceipts(store: EventStore, receipts: readonly Receipt[]): Promise<AppendResult> {
  return store.append(receipts[0].tenantId, toEvents(receipts), { expectedVersion: receipts[0].sequence - 1 });
}

function follow(stream: ReceiptStreamBuilder, previous: Receipt, type: string, data: Record<string, unknown>, policy = previous.policy): Receipt {
  const receipt = stream.next({
    type,
    actionId: previous.actionId,
    actor: previous.actor,
    resource: previous.resource,
    policy,
    risk: previous.risk,
    inputHash: previous.inputHash,
    telemetry: previous.telemetry,
    data,
  });
  receipt.integrity = { ...receipt.integrity, prevReceiptHash: previous.integrity.receiptHash };
  return receipt;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
