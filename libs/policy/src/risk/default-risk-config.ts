import type { RiskTier } from '@oars/receipts';
import { deepFreeze } from '../deep-freeze';
import type { RiskConfig } from './risk.types';

const HIGH = { weight: 60, signal: 'high_risk_operation' } as const;
const MEDIUM = { weight: 25, signal: 'medium_risk_operation' } as const;

/**
 * The OARS v1 risk model (§2.2), exactly: start 20; a high-risk operation +60, else a medium one
 * +25 (`send_message` is not medium); a target containing "prod" +15 and "finance" +20
 * (case-insensitive). Deeply frozen: it is shared by every tenant.
 */
export const DEFAULT_RISK_CONFIG: Readonly<Required<RiskConfig>> = deepFreeze({
  baseScore: 20,
  inheritDefaults: true,
  operations: {
    delete: HIGH,
    drop_database: HIGH,
    export_all: HIGH,
    transfer_funds: HIGH,
    change_permissions: HIGH,
    rotate_keys: HIGH,
    update: MEDIUM,
    write: MEDIUM,
    create_ticket: MEDIUM,
    send_email: MEDIUM,
  },
  targets: [
    { contains: 'prod', weight: 15, signal: 'production_target' },
    { contains: 'finance', weight: 20, signal: 'financial_domain_target' },
  ],
  dataTypes: [],
});

export const RISK_TIERS: readonly RiskTier[] = Object.freeze(['low', 'medium', 'high', 'critical']);

/** §2.2 tiers: >=90 critical, >=70 high, >=40 medium, else low. */
export function riskTierOf(score: number): RiskTier {
  if (score >= 90) return 'critical';
  if (score >= 70) return 'high';
  if (score >= 40) return 'medium';
  return 'low';
}
