import { ALERT_RAISED, type ActionReceiptType, type ActionState, type AlertSeverity, POLICY_PUBLISHED, POLICY_ROLLED_BACK, type PolicyDecision, stateOfReceiptType } from '@oars/domain';
import { type PolicyDocument, builtInDefaultPolicy, policyHash } from '@oars/policy';
import type { Receipt } from '@oars/receipts';
import { isActionReceipt } from '../actions/action-record.evolve';
import { ALERT_SEVERITIES, DECISIONS, type SecurityEventRecord, type TenantCounters, zeroDecisions } from './ops.types';
import { receiptEvent, securityEventOfReceipt } from './receipt-security-events';

export interface OpsFoldInput {
  counters: TenantCounters;
  /** Receipts of `counters.tenantId` after `counters.lastSequence`, in stream order. */
  receipts: readonly Receipt[];
  /** The state of actions whose earlier receipts precede `receipts` (absent: unknown action). */
  priorStates: ReadonlyMap<string, ActionState>;
}

export interface OpsFoldOutput {
  counters: TenantCounters;
  securityEvents: SecurityEventRecord[];
  /** Decisions per minute (ISO start of the minute) added by these receipts. */
  decisionMinutes: Map<string, Record<PolicyDecision, number>>;
}

const DECISION_STATES: ReadonlySet<ActionState> = new Set(['approved', 'denied', 'approval_required', 'quarantined']);
const HIGH_TIERS: ReadonlySet<string> = new Set(['high', 'critical']);

/**
 * Folds receipts into a tenant's counters (pure). Actions follow the actions read model: a valid
 * `action.requested` creates one, every later action receipt moves it to the state its type names,
 * receipts of unknown actions are ignored. The policy decision is the receipt that leaves `requested`;
 * it is checked against the policy in force at that stream position (policy drift). A denial or
 * quarantine at tier high/critical is a denied high-risk action. Policy, key, approval, step-up and
 * integrity receipts become security events as they are.
 */
export function foldOpsReceipts(input: OpsFoldInput): OpsFoldOutput {
  const c = cloneCounters(input.counters);
  const states = new Map(input.priorStates);
  const securityEvents: SecurityEventRecord[] = [];
  const decisionMinutes = new Map<string, Record<PolicyDecision, number>>();
  for (const r of input.receipts) {
    if (r.sequence <= c.lastSequence || r.tenantId !== c.tenantId) continue;
    c.lastSequence = r.sequence;
    c.updatedAt = r.timestamp;
    if (isActionReceipt(r)) {
      foldAction(c, states, r, securityEvents, decisionMinutes);
      continue;
    }
    if (r.type === ALERT_RAISED) foldAlert(c, r);
    else if (r.type === POLICY_PUBLISHED || r.type === POLICY_ROLLED_BACK) foldPublished(c, r);
    else if (r.type === 'integrity.violation_detected') {
      c.integrityViolations++;
      c.lastIntegrityViolationAt = r.timestamp;
    }
    const event = securityEventOfReceipt(r);
    if (event) securityEvents.push(event);
  }
  return { counters: c, securityEvents, decisionMinutes };
}

function foldAction(
  c: TenantCounters,
  states: Map<string, ActionState>,
  r: Receipt,
  events: SecurityEventRecord[],
  minutes: Map<string, Record<PolicyDecision, number>>,
): void {
  const id = r.actionId as string;
  const prior = states.get(id);
  if (r.type === 'action.requested') {
    if (prior === undefined && r.actor && r.resource && r.inputHash !== null) {
      states.set(id, 'requested');
      c.actionsTotal++;
      c.byState.requested++;
    }
    return;
  }
  if (prior === undefined) return;
  const next = stateOfReceiptType(r.type as ActionReceiptType);
  c.byState[prior]--;
  c.byState[next]++;
  states.set(id, next);
  if (prior === 'requested' && DECISION_STATES.has(next) && r.policy && DECISIONS.includes(r.policy.decision)) {
    c.decisions[r.policy.decision]++;
    const minute = minuteOf(r.timestamp);
    const counts = minutes.get(minute) ?? zeroDecisions();
    counts[r.policy.decision]++;
    minutes.set(minute, counts);
    const inForce = c.publishedPolicy?.hash ?? defaultPolicyHash(c.tenantId);
    if (r.policy.policyHash !== inForce) {
      c.policyDriftDecisions++;
      c.lastPolicyDriftAt = r.timestamp;
      events.push(receiptEvent(r, 'policy.drift_detected', {
        actionId: id,
        decision: r.policy.decision,
        decisionPolicy: { policySetId: r.policy.policySetId, policyVersion: r.policy.policyVersion, policyHash: r.policy.policyHash },
        publishedPolicy: c.publishedPolicy
          ? { policySetId: c.publishedPolicy.id, policyVersion: c.publishedPolicy.version, policyHash: c.publishedPolicy.hash }
          : { policySetId: `default_${c.tenantId}`, policyVersion: 'default-1', policyHash: inForce },
      }));
    }
  }
  if ((next === 'denied' || next === 'quarantined') && r.risk && HIGH_TIERS.has(r.risk.tier)) {
    c.deniedHighRisk++;
    events.push(receiptEvent(r, 'action.denied_high_risk', {
      actionId: id,
      state: next,
      riskTier: r.risk.tier,
      riskScore: r.risk.score,
      toolId: r.resource?.toolId ?? null,
      operation: r.resource?.operation ?? null,
      target: r.resource?.target ?? null,
      policyRuleIds: r.policy?.ruleIds ?? [],
    }));
  }
}

function foldAlert(c: TenantCounters, r: Receipt): void {
  const severity = (r.data.alert as { severity?: unknown } | undefined)?.severity;
  if (typeof severity === 'string' && (ALERT_SEVERITIES as readonly string[]).includes(severity)) c.alerts[severity as AlertSeverity]++;
}

function foldPublished(c: TenantCounters, r: Receipt): void {
  const policy = r.data.policy as PolicyDocument | undefined;
  if (!policy || typeof policy.id !== 'string' || !Array.isArray(policy.rules)) return;
  c.publishedPolicy = { id: policy.id, version: String(policy.version), hash: policyHash(policy), sequence: r.sequence };
}

const defaultHashes = new Map<string, string>();

/** The hash of the built-in default policy of a tenant (in force until a policy is published). */
export function defaultPolicyHash(tenantId: string): string {
  let hash = defaultHashes.get(tenantId);
  if (!hash) {
    if (defaultHashes.size > 10_000) defaultHashes.clear();
    hash = policyHash(builtInDefaultPolicy(tenantId));
    defaultHashes.set(tenantId, hash);
  }
  return hash;
}

export function minuteOf(iso: string): string {
  const ms = Date.parse(iso);
  return new Date(ms - (ms % 60_000)).toISOString();
}

export function emptyCounters(tenantId: string): TenantCounters {
  return {
    tenantId,
    lastSequence: 0,
    actionsTotal: 0,
    byState: { requested: 0, denied: 0, approval_required: 0, approved: 0, executed: 0, failed: 0, quarantined: 0, canceled: 0 },
    decisions: zeroDecisions(),
    deniedHighRisk: 0,
    alerts: { low: 0, medium: 0, high: 0, critical: 0 },
    policyDriftDecisions: 0,
    lastPolicyDriftAt: null,
    integrityViolations: 0,
    lastIntegrityViolationAt: null,
    publishedPolicy: null,
    updatedAt: null,
  };
}

function cloneCounters(c: TenantCounters): TenantCounters {
  return { ...c, byState: { ...c.byState }, decisions: { ...c.decisions }, alerts: { ...c.alerts }, publishedPolicy: c.publishedPolicy ? { ...c.publishedPolicy } : null };
}
