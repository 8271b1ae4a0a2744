import { APPROVAL_ESCALATED, APPROVAL_EXPIRED, type AlertRecord, POLICY_PUBLISHED, POLICY_ROLLED_BACK } from '@oars/domain';
import { type CommandDeps, receiptOf } from '@oars/ledger';
import type { Reactor } from '@oars/reactors';
import type { Receipt } from '@oars/receipts';
import { INTEGRITY_VIOLATION_DETECTED } from '../integrity/integrity-findings';
import { approvalTimerAlert } from './approval-timer.rule';
import { integrityViolationAlert } from './integrity-violation.rule';
import { PolicyHistory } from './policy-history';
import { policyDriftAlert } from './policy-drift.rule';
import { raiseAlert } from './raise-alert';

/** The reactor's name: its checkpoints, lease and dead letters. */
export const GOVERNANCE_ALERTS_REACTOR = 'governance_alerts';

/** The receipts that may raise a governance alert. */
export const GOVERNANCE_ALERT_SOURCES: readonly string[] = [INTEGRITY_VIOLATION_DETECTED, APPROVAL_ESCALATED, APPROVAL_EXPIRED, 'action.requested', POLICY_PUBLISHED, POLICY_ROLLED_BACK];

/**
 * Receipts older than this when the reactor reaches them raise nothing: a first run over the history
 * of a deployment (or a catch-up after a long outage) must not page for the distant past. The
 * receipts the alerts come from are appended when the fact is found, so a live one is always fresh.
 */
export const GOVERNANCE_ALERT_MAX_AGE_MS = 24 * 3600_000;

export function isRecent(receipt: Pick<Receipt, 'timestamp'>, now: Date, maxAgeMs = GOVERNANCE_ALERT_MAX_AGE_MS): boolean {
  return now.getTime() - Date.parse(receipt.timestamp) <= maxAgeMs;
}

/**
 * Governance alerts raised from receipts: INTEGRITY_VIOLATION from the verifier's findings,
 * APPROVAL_SLA_BREACHED and APPROVAL_EXPIRED from the approval timers' receipts, POLICY_DRIFT from
 * action requests decided under a policy other than the one in force. Each alert goes through
 * `raiseAlert` with an id derived from its source, so a repeated event raises nothing new. It never
 * parks: an alert skipped would be a page missed.
 */
export function governanceAlertsReactor(deps: CommandDeps, now: () => Date = () => new Date()): Reactor {
  const policies = new PolicyHistory(deps.store);
  const alertOf = async (receipt: Receipt): Promise<AlertRecord | null> => {
    if (receipt.type === POLICY_PUBLISHED || receipt.type === POLICY_ROLLED_BACK) {
      policies.observe(receipt);
      return null;
    }
    if (receipt.type !== 'action.requested') return integrityOrApprovalAlert(receipt);
    const inForce = receipt.policy ? await policies.inForceAtFront(receipt.tenantId, receipt.sequence) : null;
    return inForce ? policyDriftAlert(receipt, inForce) : null;
  };
  return {
    name: GOVERNANCE_ALERTS_REACTOR,
    maxAttempts: Infinity,
    eventTypes: GOVERNANCE_ALERT_SOURCES,
    async handle(event) {
      const receipt = receiptOf(event);
      // A receipt that is not its stream's own (a forgery the verifier reports) raises nothing itself.
      if (receipt?.tenantId !== event.stream || receipt.sequence !== event.sequence || !isRecent(receipt, now())) return;
      const alert = await alertOf(receipt);
      if (alert) await raiseAlert(deps, alert);
    },
  };
}

function integrityOrApprovalAlert(receipt: Receipt): AlertRecord | null {
  return receipt.type === INTEGRITY_VIOLATION_DETECTED ? integrityViolationAlert(receipt) : approvalTimerAlert(receipt);
}
