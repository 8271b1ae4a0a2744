import { type Receipt, sha256Hex } from '@oars/receipts';

/** A step-up factor was enrolled for an approver (data: {@link StepUpEnrollment} without the secret). */
export const STEP_UP_ENROLLED = 'stepup.enrolled';
/** A TOTP step-up succeeded; `lastTimeStep` refuses every code of that step or earlier afterwards. */
export const STEP_UP_USED = 'stepup.used';

/**
 * The step-up aggregate of one approver: subject `stepup.<first 32 hex of SHA-256(subject)>` (the
 * approver's subject may hold characters a stream subject cannot). Its latest receipt carries the
 * whole state; the TOTP secret itself is sealed in the key vault under `enrollmentId`, never in a receipt.
 */
export function stepUpSubjectOf(approverSubject: string): string {
  return `stepup.${sha256Hex(approverSubject).slice(0, 32)}`;
}

export interface StepUpEnrollment {
  subject: string;
  enrollmentId: string;
  enrolledAt: string;
  /** The TOTP time step of the last successful use, or null when never used. */
  lastTimeStep: number | null;
}

/** The enrollment as of the aggregate's latest receipt, or null when none was enrolled. */
export function stepUpEnrollmentOf(receipt: Receipt | null): StepUpEnrollment | null {
  if (!receipt || (receipt.type !== STEP_UP_ENROLLED && receipt.type !== STEP_UP_USED)) return null;
  const d = receipt.data as Partial<StepUpEnrollment>;
  if (typeof d.subject !== 'string' || typeof d.enrollmentId !== 'string' || typeof d.enrolledAt !== 'string') return null;
  return {
    subject: d.subject,
    enrollmentId: d.enrollmentId,
    enrolledAt: d.enrolledAt,
    lastTimeStep: receipt.type === STEP_UP_USED && typeof d.lastTimeStep === 'number' ? d.lastTimeStep : null,
  };
}
