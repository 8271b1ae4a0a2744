import type { IntegrityFinding } from './integrity-check';
import type { IntegrityRecord } from './integrity-state.store';

export type IntegrityState = 'NOT_READY' | 'OK' | 'WARN' | 'ERROR';

export interface TenantIntegrityStatus {
  tenantId: string;
  /** Last sequence checked. */
  position: number;
  /** Stream head as last seen. */
  head: number;
  lagEvents: number;
  lastCheckedAt: string | null;
  /** `violations` once anything was found in this stream (it stays so: findings are permanent). */
  lastResult: 'ok' | 'violations' | null;
  findingsTotal: number;
  lastFinding: IntegrityFinding | null;
  /** Why the last step failed (it is retried), or null. */
  error: string | null;
}

export interface IntegrityVerifierStatus {
  state: IntegrityState;
  message: string;
  tenants: number;
  lagEvents: number;
  /** Receipts checked and findings made by this process since it started. */
  checkedReceipts: number;
  findings: number;
  lastRunAt: string | null;
  /** Receipts appended per second across the streams, measured between the last two polls. */
  appendsPerSecond: number;
  /** The verifier's rate limit now: the configured maximum, or the minimum while appends outpace it. */
  maxReceiptsPerSecond: number;
}

/** The verifier's view of one stream. */
export interface Progress {
  record: IntegrityRecord;
  head: number;
  error: string | null;
  retryAt: number;
  attempts: number;
}

/** Health of the verifier (STYLE.md §9): WARN once a violation is recorded or a stream cannot be checked. */
export function summariseIntegrity(input: {
  running: boolean;
  ready: boolean;
  pollError: string | null;
  tenants: ReadonlyMap<string, Progress>;
  checkedReceipts: number;
  findings: number;
  lastRunAt: string | null;
  appendsPerSecond: number;
  maxReceiptsPerSecond: number;
  /** True while the appends outpace the configured maximum and the verifier runs at its minimum. */
  yielding: boolean;
}): IntegrityVerifierStatus {
  let lag = 0;
  const violating: string[] = [];
  const failing: string[] = [];
  for (const [tenant, p] of input.tenants) {
    lag += Math.max(0, p.head - p.record.at.position);
    if (p.record.lastResult === 'violations') violating.push(tenant);
    if (p.error) failing.push(`${tenant}: ${p.error}`);
  }
  const base = {
    tenants: input.tenants.size, lagEvents: lag, checkedReceipts: input.checkedReceipts, findings: input.findings, lastRunAt: input.lastRunAt,
    appendsPerSecond: Math.round(input.appendsPerSecond), maxReceiptsPerSecond: input.maxReceiptsPerSecond,
  };
  if (!input.running) return { ...base, state: 'NOT_READY', message: 'Integrity verifier is not running.' };
  if (!input.ready) return { ...base, state: 'NOT_READY', message: `Listing streams${input.pollError ? `: ${input.pollError}` : '.'}` };
  if (failing.length > 0) return { ...base, state: 'WARN', message: `Cannot verify ${failing.length} stream(s); ${failing[0]}` };
  if (violating.length > 0) return { ...base, state: 'WARN', message: `Integrity violations recorded in ${violating.length} stream(s): ${violating.slice(0, 5).join(', ')}.` };
  if (input.pollError) return { ...base, state: 'WARN', message: `Cannot list streams: ${input.pollError}` };
  const pace = input.yielding ? ` Appends (${base.appendsPerSecond}/s) outpace the verifier: it checks ${input.maxReceiptsPerSecond}/s until they slow down.` : '';
  return { ...base, state: 'OK', message: `Verifying ${input.tenants.size} stream(s), ${lag} receipt(s) behind, no violations.${pace}` };
}
