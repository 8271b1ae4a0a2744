import { ActionNotCancelableError, ApprovalRuleError, InvalidPolicyError, NotActionRequesterError, PolicyNotFoundError } from '@oars/domain';
import { domainErrorAnswer } from './domain-error-status';

describe('domainErrorAnswer (one table from domain error codes to HTTP answers)', () => {
  it('answers refusals with their own code and message', () => {
    expect(domainErrorAnswer(new ApprovalRuleError('separation_of_duties', 'The requester of an action cannot approve it.'))).toEqual({
      status: 403, code: 'separation_of_duties', message: 'The requester of an action cannot approve it.',
    });
    expect(domainErrorAnswer(new ApprovalRuleError('approval_not_pending', 'x'))?.status).toBe(409);
    expect(domainErrorAnswer(new NotActionRequesterError('cancel'))?.status).toBe(403);
    expect(domainErrorAnswer(new ActionNotCancelableError('executed'))).toMatchObject({ status: 409, code: 'action_not_cancelable' });
  });

  it('keeps the wire code where it differs from the domain’s, and names the first bad field with all of them as details', () => {
    expect(domainErrorAnswer(new PolicyNotFoundError('pol_1'))).toEqual({ status: 404, code: 'not_found', message: 'Policy not found.' });
    const problems = [{ field: 'rules', message: 'must not be empty' }, { field: 'version', message: 'must be a string' }];
    expect(domainErrorAnswer(new InvalidPolicyError(problems))).toEqual({ status: 400, code: 'validation_error', message: 'Invalid request: rules must not be empty.', details: problems });
  });

  it('never shows the message of an internal failure, and knows nothing of codes outside the table', () => {
    expect(domainErrorAnswer({ code: 'stream_config_mismatch', message: 'stream oars_t has subjects x' })).toEqual({ status: 500, code: 'stream_config_mismatch', message: 'Unexpected error.' });
    expect(domainErrorAnswer({ code: 'dependency_unavailable', message: 'nats is unavailable.' })).toMatchObject({ status: 503, message: 'nats is unavailable.' });
    expect(domainErrorAnswer({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' })).toBeNull();
  });
});
