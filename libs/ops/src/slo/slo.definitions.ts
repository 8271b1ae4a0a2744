/** The SLIs OARS measures (operations manual, "Production SLOs"). */
export type SliId = 'api_availability' | 'policy_decision_latency' | 'receipt_persistence' | 'evidence_export';

export interface SloDefinition {
  id: SliId;
  name: string;
  /** What counts as good and what counts at all. */
  description: string;
  /** Required share of good events over the period, e.g. 0.9995. */
  target: number;
  /** Said when the SLI has no data yet. */
  noDataNote: string;
}

/** Decisions slower than this are bad for the decision-latency SLI. */
export const DECISION_LATENCY_THRESHOLD_SECONDS = 0.15;

/** The budget period: a rolling 30 days ("monthly"). */
export const SLO_PERIOD_MS = 30 * 24 * 3600_000;

/** Burn-rate windows reported next to the budget. */
export const BURN_WINDOWS = { '1h': 3600_000, '6h': 6 * 3600_000, '3d': 3 * 24 * 3600_000 } as const;
export type BurnWindow = keyof typeof BURN_WINDOWS;

export const SLOS: readonly SloDefinition[] = [
  {
    id: 'api_availability',
    name: 'API availability 99.95% monthly',
    description: 'Share of API requests answered without a 5xx status. /health probes and /metrics scrapes are not counted.',
    target: 0.9995,
    noDataNote: 'No API request has been served in the period.',
  },
  {
    id: 'policy_decision_latency',
    name: 'Policy decision p95 < 150 ms',
    description:
      'Share of policy decisions recorded within 150 ms of the request being accepted (receipts durably appended). p95 < 150 ms holds exactly while at least 95% are this fast.',
    target: 0.95,
    noDataNote: 'No action has been decided in the period.',
  },
  {
    id: 'receipt_persistence',
    name: 'Receipt persistence success 99.999%',
    description: 'Share of receipts the chain writer tried to append that were durably stored. Losing a race to another instance is retried and not counted.',
    target: 0.99999,
    noDataNote: 'No receipt has been appended in the period.',
  },
  {
    id: 'evidence_export',
    name: 'Evidence export success 99.9%',
    description: 'Share of evidence exports that completed: inline exports answered with a bundle, and asynchronous jobs that ended with one (a job counts once, after its retries). Refused requests (bad input, too large for an inline answer) are not counted.',
    target: 0.999,
    noDataNote: 'No data: no evidence export has been requested in the period.',
  },
];
