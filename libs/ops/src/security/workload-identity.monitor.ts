/** OARS v1 §1.3 #37: `GET /v1/admin/security/mtls/status`. */
export interface MtlsStatus {
  enabled: boolean;
  enforceForRoles: string[];
  trustedIdentityCount: number;
  attestationRequired: boolean;
  maxClockSkewSeconds: number;
  verification: {
    successCount: number;
    failureCount: number;
    lastSuccessAt: string | null;
    lastFailureAt: string | null;
    lastFailureReason: string | null;
  };
}

export interface MtlsSettings {
  enabled: boolean;
  enforceForRoles: string[];
  trustedIdentityCount: number;
  attestationRequired: boolean;
  maxClockSkewSeconds: number;
}

export type MtlsListener = (result: 'success' | 'failure', reason: string | null) => void;

/**
 * Workload identity (mTLS) verification outcomes of this process. Enforcement is a later issue: until
 * it exists, nothing calls `recordFailure`/`recordSuccess`, the status says `enabled: false` and every
 * count is 0. The enforcing guard MUST call one of them per verification it makes.
 */
export class WorkloadIdentityMonitor {
  private settings: MtlsSettings = { enabled: false, enforceForRoles: ['service'], trustedIdentityCount: 0, attestationRequired: false, maxClockSkewSeconds: 300 };
  private readonly verification = { successCount: 0, failureCount: 0, lastSuccessAt: null as string | null, lastFailureAt: null as string | null, lastFailureReason: null as string | null };
  private readonly listeners = new Set<MtlsListener>();

  /** Set by the enforcement when it is configured. */
  configure(settings: Partial<MtlsSettings>): void {
    this.settings = { ...this.settings, ...settings };
  }

  recordSuccess(now = new Date()): void {
    this.verification.successCount++;
    this.verification.lastSuccessAt = now.toISOString();
    this.emit('success', null);
  }

  recordFailure(reason: string, now = new Date()): void {
    this.verification.failureCount++;
    this.verification.lastFailureAt = now.toISOString();
    this.verification.lastFailureReason = reason;
    this.emit('failure', reason);
  }

  onVerification(listener: MtlsListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  status(): MtlsStatus {
    return { ...this.settings, enforceForRoles: [...this.settings.enforceForRoles], verification: { ...this.verification } };
  }

  private emit(result: 'success' | 'failure', reason: string | null): void {
    for (const l of this.listeners) {
      try {
        l(result, reason);
      } catch {
        // a listener's failure is its own business
      }
    }
  }
}
