import { isNonEmptyString, isPlainObject, unknownKeyProblems, type PolicyValidationProblem } from '../validation-problem';

const CONFIG_KEYS = new Set(['baseScore', 'inheritDefaults', 'operations', 'targets', 'dataTypes']);
const OPERATION_KEYS = new Set(['weight', 'signal']);
const TARGET_KEYS = new Set(['contains', 'weight', 'signal']);
const DATA_TYPE_KEYS = new Set(['dataType', 'weight', 'signal']);

/** Problems in a submitted RiskConfig (unknown fields, non-integer or out-of-range weights, empty names). */
export function validateRiskConfig(config: unknown, path = 'riskConfig'): PolicyValidationProblem[] {
  if (!isPlainObject(config)) return [{ field: path, message: 'must be an object' }];
  const problems = unknownKeyProblems(config, CONFIG_KEYS, path);
  if (config.baseScore !== undefined && !isIntegerIn(config.baseScore, 0, 100)) {
    problems.push({ field: `${path}.baseScore`, message: 'must be an integer from 0 to 100' });
  }
  if (config.inheritDefaults !== undefined && typeof config.inheritDefaults !== 'boolean') {
    problems.push({ field: `${path}.inheritDefaults`, message: 'must be a boolean' });
  }
  if (config.operations !== undefined) {
    if (!isPlainObject(config.operations)) {
      problems.push({ field: `${path}.operations`, message: 'must be an object keyed by operation' });
    } else {
      for (const [operation, entry] of Object.entries(config.operations)) {
        const at = `${path}.operations.${operation}`;
        if (operation.length === 0) problems.push({ field: at, message: 'operation name must not be empty' });
        problems.push(...entryProblems(entry, OPERATION_KEYS, at, []));
      }
    }
  }
  problems.push(...listProblems(config.targets, TARGET_KEYS, `${path}.targets`, 'contains'));
  problems.push(...listProblems(config.dataTypes, DATA_TYPE_KEYS, `${path}.dataTypes`, 'dataType'));
  return problems;
}

function listProblems(list: unknown, keys: ReadonlySet<string>, path: string, nameKey: string): PolicyValidationProblem[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return [{ field: path, message: 'must be an array' }];
  return list.flatMap((entry, i) => entryProblems(entry, keys, `${path}[${i}]`, [nameKey]));
}

function entryProblems(entry: unknown, keys: ReadonlySet<string>, path: string, nameKeys: string[]): PolicyValidationProblem[] {
  if (!isPlainObject(entry)) return [{ field: path, message: 'must be an object' }];
  const problems = unknownKeyProblems(entry, keys, path);
  if (!isIntegerIn(entry.weight, -100, 100)) problems.push({ field: `${path}.weight`, message: 'must be an integer from -100 to 100' });
  for (const key of ['signal', ...nameKeys]) {
    if (!isNonEmptyString(entry[key])) problems.push({ field: `${path}.${key}`, message: 'must be a non-empty string' });
  }
  return problems;
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}
