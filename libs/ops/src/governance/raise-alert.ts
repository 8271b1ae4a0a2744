import type { AlertCode, AlertRecord } from '@oars/domain';
import { type CommandDeps, alertReceiptDraft, handleCommand } from '@oars/ledger';
import { type Receipt, sha256Hex } from '@oars/receipts';

/**
 * The id of a governance alert: derived from the tenant (alert ids are unique across tenants), the
 * code and what makes this occurrence one (a finding, an approval stage, a time bucket), so every
 * instance and every repeat of a detection raises the same alert once.
 */
export function governanceAlertId(tenantId: string, code: AlertCode, ...parts: readonly string[]): string {
  return `alrt_${sha256Hex([tenantId, code, ...parts].join('\u0000')).slice(0, 24)}_${code.toLowerCase()}`;
}

/** RaiseAlert (pure): the alert, unless its aggregate already holds it (a repeat collapses). */
export function decideRaiseAlert(raised: Receipt | null, alert: AlertRecord): AlertRecord[] {
  return raised ? [] : [alert];
}

/**
 * Appends the `alert.raised` receipt of `alert` to its tenant's stream (`_platform` for the
 * platform's own alerts) through `handleCommand`, once: the receipt id derives from the alert id,
 * and an alert already raised decides nothing. Resolves the receipt appended, or null.
 */
export async function raiseAlert(deps: CommandDeps, alert: AlertRecord): Promise<Receipt | null> {
  const subject = `alert.${alert.id}`;
  const { value } = await handleCommand(deps, {
    tenantId: alert.tenantId,
    subjects: [subject],
    load: (read) => read(subject),
    decide: (raised) => decideRaiseAlert(raised, alert),
    drafts: (alerts) => alerts.map((a) => alertReceiptDraft(a)),
    answer: ({ receipts }) => receipts[0] ?? null,
  });
  return value;
}
