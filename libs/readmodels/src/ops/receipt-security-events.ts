import { createHash } from 'node:crypto';
import type { Receipt } from '@oars/receipts';
import type { SecurityEventRecord } from './ops.types';

/** Receipt types that are security events as they are (payload: the facts named here, never secrets). */
const PASS_THROUGH: Record<string, (r: Receipt) => Record<string, unknown>> = {
  'policy.created': policyFacts,
  'policy.published': policyFacts,
  'policy.rolled_back': policyFacts,
  'key.generated': keyFacts,
  'key.rotated': keyFacts,
  'approval.decided': approvalFacts,
  'approval.escalated': approvalFacts,
  'approval.expired': approvalFacts,
  'approval.workflow_configured': workflowFacts,
  'stepup.enrolled': (r) => ({ actor: str(r.data.actor) ?? str(r.data.approverId) }),
  'stepup.used': (r) => ({ actionId: r.actionId, actor: str(r.data.actor) ?? str(r.data.approverId) }),
  'integrity.violation_detected': (r) => ({ violationSequence: r.data.sequence ?? null, kind: r.data.kind ?? null, detail: r.data.detail ?? null }),
};

/** Event type names as OARS v1 used them where it had one. */
const RENAMED: Record<string, string> = { 'key.generated': 'keys.generated', 'key.rotated': 'keys.rotated' };

/** The security event a receipt is by its type alone (policy, key, approval, step-up, integrity), or null. */
export function securityEventOfReceipt(r: Receipt): SecurityEventRecord | null {
  const facts = PASS_THROUGH[r.type];
  if (!facts) return null;
  return receiptEvent(r, RENAMED[r.type] ?? r.type, facts(r));
}

/** A receipt-sourced event: id derived from the receipt and the event type, payload names the receipt. */
export function receiptEvent(r: Receipt, eventType: string, facts: Record<string, unknown>): SecurityEventRecord {
  const id = `evt_${createHash('sha256').update(`${r.receiptId}\u0000${eventType}`).digest('hex').slice(0, 32)}`;
  return { id, tenantId: r.tenantId, source: 'receipt', eventType, occurredAt: r.timestamp, payload: { receiptId: r.receiptId, sequence: r.sequence, ...facts } };
}

function policyFacts(r: Receipt): Record<string, unknown> {
  const policy = record(r.data.policy);
  return { policyId: str(policy?.id), version: str(policy?.version), actor: str(r.data.actor), previousPublishedPolicyId: str(r.data.previousPublishedPolicyId) };
}

function keyFacts(r: Receipt): Record<string, unknown> {
  return { newKeyId: str(r.data.newKeyId), previousKeyId: str(r.data.previousKeyId) };
}

function approvalFacts(r: Receipt): Record<string, unknown> {
  const approval = record(r.data.approval);
  const decisions = Array.isArray(approval?.decisions) ? (approval!.decisions as unknown[]) : [];
  const last = record(decisions[decisions.length - 1]);
  return {
    actionId: r.actionId,
    approvalId: str(approval?.id),
    status: str(approval?.status),
    lastDecision: last ? { decision: str(last.decision), approverId: str(last.approverId), stageId: str(last.stageId) } : null,
  };
}

function workflowFacts(r: Receipt): Record<string, unknown> {
  const workflow = record(r.data.workflow);
  return { workflowId: str(workflow?.id), stageCount: Array.isArray(workflow?.stages) ? (workflow!.stages as unknown[]).length : null, actor: str(r.data.actor) ?? str(workflow?.createdBy) };
}

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
