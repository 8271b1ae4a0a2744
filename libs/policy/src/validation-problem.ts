/** One problem found in submitted policy content; `field` is a path such as `rules[2].match.toolIds`. */
export interface PolicyValidationProblem {
  field: string;
  message: string;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reports every key of `value` that is not in `allowed`. */
export function unknownKeyProblems(value: Record<string, unknown>, allowed: ReadonlySet<string>, path: string): PolicyValidationProblem[] {
  return Object.keys(value)
    .filter((key) => !allowed.has(key))
    .map((key) => ({ field: `${path}.${key}`, message: 'unknown field' }));
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
