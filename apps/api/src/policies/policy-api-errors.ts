import { InvalidPolicyError, PolicyAlreadyPublishedError, PolicyIdempotencyConflictError, PolicyNeverPublishedError, PolicyNotFoundError } from '@oars/domain';
import { ApiError, notFound } from '../http/api-error';

/** Domain refusals as API answers (specific codes; other errors pass through to the envelope filter). */
export function policyApiError(err: unknown): unknown {
  if (err instanceof InvalidPolicyError) {
    const first = err.problems[0];
    return new ApiError(400, 'validation_error', first ? `Invalid request: ${first.field} ${first.message}.` : 'Invalid policy.', err.problems);
  }
  if (err instanceof PolicyNotFoundError) return notFound('Policy');
  if (err instanceof PolicyAlreadyPublishedError || err instanceof PolicyNeverPublishedError) return new ApiError(409, err.code, err.message);
  if (err instanceof PolicyIdempotencyConflictError) return new ApiError(409, err.code, err.message);
  return err;
}
