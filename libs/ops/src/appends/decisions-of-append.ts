import type { PolicyDecision, Receipt, RiskTier } from '@oars/receipts';

/** A policy decision this process made and durably recorded. */
export interface DecisionObservation {
  tenantId: string;
  decision: PolicyDecision;
  riskTier: RiskTier | null;
  /** From the server time the request was accepted (`context.requestedAt`) to the append's ack. */
  seconds: number;
}

/** An action that entered `denied` or `quarantined` at risk tier high or critical. */
export interface DeniedHighRisk {
  tenantId: string;
  state: 'denied' | 'quarantined';
  riskTier: 'high' | 'critical';
}

/**
 * The decisions among freshly appended receipts: each `action.requested` together with the receipt
 * of the same action that follows it in the same append (the submit handler writes both in one
 * write). Later receipts of an action (approvals, execution) are not decisions.
 */
export function decisionsOfAppend(fresh: readonly Receipt[], ackedAtMs: number): DecisionObservation[] {
  const out: DecisionObservation[] = [];
  // The receipt after each action.requested of the same action (one pass, from the end).
  const nextOf = new Map<Receipt, Receipt>();
  const laterByAction = new Map<string, Receipt>();
  for (let i = fresh.length - 1; i >= 0; i--) {
    const r = fresh[i]!;
    if (!r.actionId) continue;
    const later = laterByAction.get(r.actionId);
    if (later && r.type === 'action.requested') nextOf.set(r, later);
    laterByAction.set(r.actionId, r);
  }
  fresh.forEach((r) => {
    if (r.type !== 'action.requested' || !r.actionId) return;
    const next = nextOf.get(r);
    const decision = next?.policy?.decision ?? r.policy?.decision;
    if (!decision) return;
    const requestedAt = Date.parse(String((r.data.context as { requestedAt?: unknown } | undefined)?.requestedAt ?? r.timestamp));
    const seconds = Number.isFinite(requestedAt) ? Math.max(0, ackedAtMs - requestedAt) / 1000 : 0;
    out.push({ tenantId: r.tenantId, decision, riskTier: r.risk?.tier ?? null, seconds });
  });
  return out;
}

export function deniedHighRiskOfAppend(fresh: readonly Receipt[]): DeniedHighRisk[] {
  const out: DeniedHighRisk[] = [];
  for (const r of fresh) {
    const state = r.type === 'action.denied' ? 'denied' : r.type === 'action.quarantined' ? 'quarantined' : null;
    const tier = r.risk?.tier;
    if (state && (tier === 'high' || tier === 'critical')) out.push({ tenantId: r.tenantId, state, riskTier: tier });
  }
  return out;
}
