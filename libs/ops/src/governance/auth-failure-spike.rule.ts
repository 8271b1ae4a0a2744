import type { AlertRecord } from '@oars/domain';
import { alertBucketOf } from './alert-buckets';
import { governanceAlertId } from './raise-alert';

/** Authentication and authorization failures of one tenant in the window, by code. */
export interface AuthFailureCount {
  tenantId: string;
  /** Every failure, including those the security-event recorder only counted (suppressed). */
  failures: number;
  byCode: Record<string, number>;
}

export interface AuthFailureSpikeOptions {
  /** More failures than this in one window is a spike. */
  threshold: number;
  windowMs: number;
}

/** A tenant raises at most one AUTH_FAILURE_SPIKE alert per hour however long the spike lasts (repeats group into its incident). */
export const AUTH_FAILURE_SPIKE_BUCKET_MS = 3600_000;

/**
 * AUTH_FAILURE_SPIKE (high): a tenant saw more than `threshold` failed requests (401/403 naming it,
 * from the `auth` security events) in the last window (pure).
 */
export function authFailureSpikeAlerts(counts: readonly AuthFailureCount[], options: AuthFailureSpikeOptions, now: Date): AlertRecord[] {
  const windowSeconds = Math.round(options.windowMs / 1000);
  return counts
    .filter((c) => c.failures > options.threshold)
    .map((c) => ({
      id: governanceAlertId(c.tenantId, 'AUTH_FAILURE_SPIKE', alertBucketOf(now, AUTH_FAILURE_SPIKE_BUCKET_MS)),
      tenantId: c.tenantId,
      actionId: null,
      severity: 'high',
      code: 'AUTH_FAILURE_SPIKE',
      message: `${c.failures} failed authentications or authorizations in the last ${windowSeconds} s (more than ${options.threshold}).`,
      createdAt: now.toISOString(),
      metadata: { target: 'authentication', failures: c.failures, byCode: c.byCode, threshold: options.threshold, windowSeconds, windowStartedAt: new Date(now.getTime() - options.windowMs).toISOString() },
    }));
}
