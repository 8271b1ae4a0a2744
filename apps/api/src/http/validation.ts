import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiError } from './api-error';

interface FieldProblem {
  field: string;
  message: string;
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const err of errors) {
    const field = parent ? `${parent}.${err.property}` : err.property;
    if (err.constraints) {
      for (const [kind, message] of Object.entries(err.constraints)) {
        out.push({ field, message: kind === 'whitelistValidation' ? `${field} is not a known field` : message.replace(err.property, field) });
      }
    }
    if (err.children?.length) out.push(...flatten(err.children, field));
  }
  return out;
}

/** class-validator with unknown fields refused; the 400 names the first bad field and lists them all. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const problems = flatten(errors);
      const first = problems[0];
      return new ApiError(400, 'validation_error', first ? `Invalid request: ${first.message}.` : 'Invalid request payload.', problems);
    },
  });
}
