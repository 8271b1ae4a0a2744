import { type StepUpEnrollment, base32Decode, stepUpEnrollmentOf, stepUpSubjectOf } from '@oars/domain';
import { latestReceipt } from '@oars/ledger';
import { openPrivateKey } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { ApiError } from '../http/api-error';

export interface StepUpFactor {
  enrollment: StepUpEnrollment;
  secret: Buffer;
}

/**
 * The approver's TOTP factor: the latest receipt of their step-up aggregate (enrollment and last
 * used step), and the secret opened from the key vault. Null when never enrolled. An enrollment
 * whose secret cannot be found fails closed (503) rather than falling back to the shared code.
 */
export async function loadStepUpFactor(runtime: Runtime, kek: Buffer, tenantId: string, approverId: string): Promise<StepUpFactor | null> {
  const enrollment = stepUpEnrollmentOf(await latestReceipt(runtime.store, tenantId, stepUpSubjectOf(approverId)));
  if (!enrollment || enrollment.subject !== approverId) return null;
  const sealed = await runtime.vault.get(tenantId, enrollment.enrollmentId);
  if (!sealed) throw new ApiError(503, 'dependency_unavailable', 'The approver’s step-up secret is not available; retry shortly.');
  return { enrollment, secret: base32Decode(openPrivateKey(sealed, kek, enrollment.enrollmentId)) };
}
