/**
 * One check of every string a request carries (JSON body, query string, path parameters) before any
 * route sees it, so nothing a read model cannot store (Postgres text and jsonb refuse NUL and
 * ill-formed UTF-16) or an index cannot hold ever reaches a receipt:
 * - no NUL or other C0 control character (tab, line feed and carriage return are allowed in text);
 * - well-formed Unicode (no lone surrogate);
 * - identifiers (`id`, `*Id`, `*Ids[]`, and the resource and version fields) without any control
 *   character, not blank, at most `MAX_IDENTIFIER_LENGTH` characters;
 * - other strings at most `MAX_TEXT_LENGTH` characters, except under free-form `input`;
 * - JSON nested at most `MAX_DEPTH` levels (class-transformer recurses per level);
 * - no `__proto__`, `constructor` or `prototype` member.
 */
export const MAX_DEPTH = 64;
export const MAX_IDENTIFIER_LENGTH = 256;
export const MAX_TEXT_LENGTH = 16_384;

export interface InputProblem {
  field: string;
  message: string;
}

const FORBIDDEN_MEMBERS = new Set(['__proto__', 'constructor', 'prototype']);
const IDENTIFIER_KEYS = new Set(['id', 'toolId', 'operation', 'target', 'version', 'subject', 'environment', 'decision', 'status', 'framework', 'controlId']);
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isIdentifierKey(key: string): boolean {
  return IDENTIFIER_KEYS.has(key) || /Ids?$/.test(key);
}

function checkString(value: string, field: string, identifier: boolean, freeForm: boolean): InputProblem | null {
  if (LONE_SURROGATE.test(value)) return { field, message: `${field} is not well-formed Unicode (lone surrogate)` };
  if (identifier) {
    if (ANY_CONTROL.test(value)) return { field, message: `${field} must not contain control characters` };
    if (value.length > 0 && value.trim() === '') return { field, message: `${field} must not be blank` };
    if (value.length > MAX_IDENTIFIER_LENGTH) return { field, message: `${field} must be at most ${MAX_IDENTIFIER_LENGTH} characters` };
    return null;
  }
  if (TEXT_CONTROL.test(value)) return { field, message: `${field} must not contain NUL or other control characters` };
  if (!freeForm && value.length > MAX_TEXT_LENGTH) return { field, message: `${field} must be at most ${MAX_TEXT_LENGTH} characters` };
  return null;
}

/** The first problem of a parsed JSON value (or query/params object), or null when it is acceptable. */
export function findInputProblem(value: unknown, field = '', depth = 0, identifier = false, freeForm = false): InputProblem | null {
  if (typeof value === 'string') return checkString(value, field || 'value', identifier, freeForm);
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return { field: field || 'body', message: `${field || 'body'} is nested more than ${MAX_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findInputProblem(value[i], `${field}[${i}]`, depth + 1, identifier, freeForm);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const path = field ? `${field}.${key}` : key;
    if (FORBIDDEN_MEMBERS.has(key)) return { field: path, message: `${path} is not an allowed member name` };
    const keyProblem = checkString(key, path, false, true);
    if (keyProblem) return { field: path, message: `member name ${keyProblem.message}` };
    const childFreeForm = freeForm || (depth === 0 && (key === 'input' || key === 'output'));
    const problem = findInputProblem((value as Record<string, unknown>)[key], path, depth + 1, !childFreeForm && isIdentifierKey(key), childFreeForm);
    if (problem) return problem;
  }
  return null;
}
