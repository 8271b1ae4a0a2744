import { ALERT_RAISED, type ActionTransition, type AlertRecord, alertForOutcome } from '@oars/domain';
import { type ReceiptDraft, aggregateDraft, derivedId, randomHex32 } from '@oars/ledger';
import type { Receipt, ReceiptTelemetry } from '@oars/receipts';

/**
 * The next receipt of an action's chain after `latest` (the action's latest receipt): the same
 * actor, resource, original policy evaluation, risk and input hash, chained to `latest`. Its id
 * derives from the action and the type, so a retried or raced command collapses into one receipt.
 */
export function nextActionDraft(latest: Receipt, transition: ActionTransition, telemetry: ReceiptTelemetry | null): ReceiptDraft {
  const actionId = latest.actionId!;
  return {
    receiptId: derivedId('rcpt', actionId, transition.type),
    type: transition.type,
    subject: `action.${actionId}`,
    actionId,
    actor: latest.actor,
    resource: latest.resource,
    policy: latest.policy,
    risk: latest.risk,
    inputHash: latest.inputHash,
    telemetry,
    data: transition.data,
    prevReceiptHash: latest.integrity.receiptHash,
  };
}

/**
 * The receipts of one transition after `latest`, plus the `alert.raised` receipt OARS v1 §2.7
 * raises for the state it enters (failed; executed at high or critical risk), in one write.
 */
export function transitionDrafts(latest: Receipt, transition: ActionTransition, telemetry: ReceiptTelemetry | null, now: string): ReceiptDraft[] {
  const drafts = [nextActionDraft(latest, transition, telemetry)];
  if (!latest.resource || !latest.risk) return drafts;
  const alert = alertForOutcome({
    tenantId: latest.tenantId,
    actionId: latest.actionId!,
    state: transition.type.slice('action.'.length),
    resource: latest.resource,
    risk: latest.risk,
    error: typeof transition.data.error === 'string' ? transition.data.error : null,
    now,
  });
  if (alert) drafts.push(alertReceiptDraft(alert));
  return drafts;
}

/** The `alert.raised` receipt of an alert (its own aggregate `alert.<id>`; same shape as the API's). */
export function alertReceiptDraft(alert: AlertRecord): ReceiptDraft {
  return aggregateDraft(derivedId('rcpt', alert.id), ALERT_RAISED, `alert.${alert.id}`, { alert });
}

/** Telemetry of a follow-up receipt: a new span in the action's trace. */
export function followUpTelemetry(latest: Receipt, requestId: string | null): ReceiptTelemetry {
  return { traceId: latest.telemetry?.traceId ?? `trc_${randomHex32()}`, spanId: `spn_${randomHex32().slice(0, 16)}`, requestId };
}
