import { COMPLIANCE_FRAMEWORKS } from './frameworks';

/** A bad field of a compliance request, named as the API shows it (`receiptFilters.toolIds[1]`). */
export interface ComplianceProblem {
  field: string;
  message: string;
}

/** A framework outside the catalogues (`eu_ai_act`, `iso_42001`, `soc2`); `problems` names the field. */
export class UnknownFrameworkError extends Error {
  readonly code = 'unknown_framework';
  readonly problems: ComplianceProblem[];
  constructor(field = 'framework') {
    const message = `must be one of ${COMPLIANCE_FRAMEWORKS.join(', ')}`;
    super(`Invalid request: ${field} ${message}.`);
    this.name = 'UnknownFrameworkError';
    this.problems = [{ field, message }];
  }
}

/** A control mapping or coverage request with bad fields; `problems` names every one. */
export class InvalidComplianceRequestError extends Error {
  readonly code = 'validation_error';
  constructor(readonly problems: ComplianceProblem[]) {
    super(`Invalid request: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`);
    this.name = 'InvalidComplianceRequestError';
  }
}

/** No shipped control and no tenant mapping for (framework, controlId) in the tenant. */
export class ControlMappingNotFoundError extends Error {
  readonly code = 'control_mapping_not_found';
  constructor(readonly framework: string, readonly controlId: string) {
    super('Control mapping not found.');
    this.name = 'ControlMappingNotFoundError';
  }
}
