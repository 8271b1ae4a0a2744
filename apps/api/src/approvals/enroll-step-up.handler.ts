import { randomBytes } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { STEP_UP_ENROLLED, base32Encode, otpauthUri, stepUpSubjectOf } from '@oars/domain';
import { aggregateDraft, derivedId, handleCommand, randomId } from '@oars/ledger';
import { deriveKek, sealPrivateKey } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { RUNTIME } from '../runtime.token';
import { EnrollStepUp } from './approval.commands';

export interface StepUpEnrollmentAnswer {
  subject: string;
  enrollmentId: string;
  /** Base32 TOTP secret: shown once, never stored unsealed, never in a receipt. */
  secret: string;
  otpauthUri: string;
}

/**
 * Enrolls a TOTP factor (RFC 6238) for an approver: a fresh 160-bit secret sealed with AES-256-GCM
 * under the key-encryption key into the key vault (key id = enrollmentId), and a `stepup.enrolled`
 * receipt on the approver's step-up subject. A new enrollment replaces the previous one.
 */
@CommandHandler(EnrollStepUp)
export class EnrollStepUpHandler implements ICommandHandler<EnrollStepUp, StepUpEnrollmentAnswer> {
  private readonly kek: Buffer;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {
    this.kek = deriveKek(runtime.config.keyEncryptionSecret);
  }

  async execute(cmd: EnrollStepUp): Promise<StepUpEnrollmentAnswer> {
    const secret = base32Encode(randomBytes(20));
    const enrollmentId = randomId('stp');
    await this.runtime.vault.put(cmd.tenantId, enrollmentId, sealPrivateKey(secret, this.kek, enrollmentId));
    const subject = stepUpSubjectOf(cmd.subject);
    const enrolledAt = new Date().toISOString();
    // A new enrollment replaces whatever was enrolled before: nothing to load.
    await handleCommand(this.runtime, {
      tenantId: cmd.tenantId,
      subjects: [subject],
      load: async () => null,
      decide: () => [{ subject: cmd.subject, enrollmentId, enrolledAt, enrolledBy: cmd.caller.subject }],
      drafts: (events) => events.map((enrolled) => aggregateDraft(derivedId('rcpt', enrollmentId, STEP_UP_ENROLLED), STEP_UP_ENROLLED, subject, enrolled)),
      answer: () => undefined,
    });
    return { subject: cmd.subject, enrollmentId, secret, otpauthUri: otpauthUri('OARS', cmd.subject, secret) };
  }
}
