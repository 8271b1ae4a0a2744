import { ALERT_RAISED, type ActionChainEvent, type ActionEvent, type AlertRecord, STEP_UP_USED, stepUpSubjectOf } from '@oars/domain';
import type { Receipt, ReceiptTelemetry } from '@oars/receipts';
import { type ReceiptDraft, aggregateDraft, derivedId, randomHex32 } from '../receipt-draft';

/**
 * The receipts an action command's events become, in order. Chain events continue the action's
 * chain (subject `action.<id>`) after `previous`, its latest stored receipt: the first links to it,
 * each later one to the draft before it (the writer chains those). A new action's receipts share
 * one new trace and span; a follow-up continues the action's trace with a new span per receipt.
 * Alerts and step-up uses are receipts of their own aggregates.
 */
export function actionReceiptDrafts(events: readonly ActionEvent[], previous: Receipt | null, requestId: string | null): ReceiptDraft[] {
  const submission = previous ? null : newTelemetry(requestId);
  let linked = false;
  return events.map((event) => {
    if (event.type === 'alert.raised') return alertReceiptDraft(event.data.alert, event.metadata.receiptId);
    if (event.type === 'stepup.used') return aggregateDraft(event.metadata.receiptId, STEP_UP_USED, stepUpSubjectOf(event.data.subject), { ...event.data });
    const telemetry = submission ?? { traceId: previous?.telemetry?.traceId ?? `trc_${randomHex32()}`, spanId: newSpanId(), requestId };
    const draft = chainDraft(event, telemetry, previous && !linked ? previous.integrity.receiptHash : undefined);
    linked = true;
    return draft;
  });
}

/** The `alert.raised` receipt of an alert (its own aggregate `alert.<id>`); the id derives from the alert unless given. */
export function alertReceiptDraft(alert: AlertRecord, receiptId = derivedId('rcpt', alert.id)): ReceiptDraft {
  return aggregateDraft(receiptId, ALERT_RAISED, `alert.${alert.id}`, { alert });
}

function chainDraft(event: ActionChainEvent, telemetry: ReceiptTelemetry, prevReceiptHash: string | undefined): ReceiptDraft {
  const { receiptId, actionId, actor, resource, policy, risk, inputHash } = event.metadata;
  return {
    receiptId,
    type: event.type,
    subject: `action.${actionId}`,
    actionId,
    actor,
    resource,
    policy,
    risk,
    inputHash,
    telemetry,
    data: event.data as unknown as Record<string, unknown>,
    ...(prevReceiptHash !== undefined ? { prevReceiptHash } : {}),
  };
}

const newSpanId = () => `spn_${randomHex32().slice(0, 16)}`;

/** Telemetry of a command's first receipt: a new trace and span for the request. */
export function newTelemetry(requestId: string | null): ReceiptTelemetry {
  return { traceId: `trc_${randomHex32()}`, spanId: newSpanId(), requestId };
}
