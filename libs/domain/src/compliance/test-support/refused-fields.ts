import { InvalidComplianceRequestError } from '../compliance.errors';

/** The fields a compliance refusal names, in order; fails the test when `run` is not refused that way. */
export function refusedFields(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidComplianceRequestError);
    return (err as InvalidComplianceRequestError).problems.map((p) => p.field);
  }
  throw new Error('not refused');
}
