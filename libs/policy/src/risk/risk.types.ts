import type { ReceiptRisk } from '@oars/receipts';

/** What is scored: the action's resource (OARS v1 §2.2 looks at nothing else by default). */
export interface RiskResource {
  toolId: string;
  operation: string;
  target: string;
}

/** Optional request facts a tenant's risk config may weigh (data-type signals). */
export interface RiskContext {
  dataTypes?: readonly string[];
}

export interface OperationRiskWeight {
  weight: number;
  signal: string;
}

/** Adds `weight` when the lowercased target contains the lowercased `contains`. */
export interface TargetRiskWeight {
  contains: string;
  weight: number;
  signal: string;
}

/** Adds `weight` when `context.dataTypes` lists `dataType` (exact, case-sensitive). */
export interface DataTypeRiskWeight {
  dataType: string;
  weight: number;
  signal: string;
}

/**
 * A tenant's tuning of the risk score, layered on DEFAULT_RISK_CONFIG unless `inheritDefaults` is
 * false: an `operations` entry replaces the default weight of that operation or adds one; a
 * `targets` entry replaces the default with the same `contains` (case-insensitive) or is appended;
 * a `dataTypes` entry likewise by `dataType`. An operation matches exactly (case-sensitive) and
 * contributes at most one weight; every matching target and data-type entry contributes.
 * Weights are integers in -100..100; the total is clamped to 0..100.
 */
export interface RiskConfig {
  /** Starting score, integer 0..100 (default 20). */
  baseScore?: number;
  /** Default true. False: only this config's entries apply (baseScore still defaults to 20). */
  inheritDefaults?: boolean;
  operations?: Record<string, OperationRiskWeight>;
  targets?: TargetRiskWeight[];
  dataTypes?: DataTypeRiskWeight[];
}

/** `{score 0..100, tier, signals}`, exactly the receipt's `risk` field. */
export type RiskAssessment = ReceiptRisk;
