/**
 * One check of every string a request carries (JSON body, query string, path parameters) before any
 * route validates or transforms it, so nothing a read model cannot store (Postgres text and jsonb
 * refuse NUL and ill-formed UTF-16) or a log, an index or a console would show misleadingly ever
 * reaches a receipt. Each string is judged by the member that holds it:
 * - identifiers (every member not listed below: ids, names, tool, operation, target, version,
 *   filters, cursors, enums, member names): no control character at all (Unicode Cc: C0, DEL, C1),
 *   not whitespace only, at most `MAX_IDENTIFIER_LENGTH` characters (`target` and `targetContains`:
 *   `MAX_TARGET_LENGTH`, the DTO's bound);
 * - prose (`TEXT_MEMBERS`: reason, description, error, ...): tab, line feed and carriage return
 *   allowed, no other control, at most `MAX_TEXT_LENGTH` characters (DTOs may bound it tighter);
 * - the client's free-form JSON (`FREE_FORM_MEMBERS` at the top: `input`, and the receipts given to
 *   verify): any string and any member name, of any length within the body limit, except NUL
 *   (jsonb cannot store it); other controls are data there (a shell command, a terminal capture).
 * Everywhere: well-formed Unicode (no lone surrogate, high or low), JSON nested at most `MAX_DEPTH`
 * levels (class-transformer recurses per level), no `__proto__`, `constructor` or `prototype` member,
 * and finite numbers (`1e400` parses to Infinity, which canonical JSON cannot hash).
 * A whitespace-only value is refused only when it is not empty: emptiness is each DTO's call.
 */
export const MAX_DEPTH = 64;
export const MAX_IDENTIFIER_LENGTH = 256;
export const MAX_TARGET_LENGTH = 1024;
export const MAX_TEXT_LENGTH = 16_384;

export interface InputProblem {
  field: string;
  message: string;
}

type Kind = 'identifier' | 'text' | 'free';

const FORBIDDEN_MEMBERS = new Set(['__proto__', 'constructor', 'prototype']);
const TEXT_MEMBERS = new Set(['reason', 'description', 'summary', 'error', 'message', 'publicKeyPem']);
const FREE_FORM_MEMBERS = new Set(['input', 'receipt', 'chain']);
const LONG_IDENTIFIERS: Record<string, number> = { target: MAX_TARGET_LENGTH, targetContains: MAX_TARGET_LENGTH };

const ANY_CONTROL = /\p{Cc}/u;
const TEXT_CONTROL = /(?![\t\n\r])\p{Cc}/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The problem of one string held by `member` (its key; for array entries, the array's key). */
function stringProblem(value: string, field: string, kind: Kind, member: string): InputProblem | null {
  const problem = (message: string) => ({ field, message: `${field} ${message}` });
  if (LONE_SURROGATE.test(value)) return problem('is not well-formed Unicode (lone surrogate)');
  if (value.includes('\u0000')) return problem('must not contain NUL (\\u0000)');
  if (kind === 'free') return null;
  if (kind === 'text') {
    if (TEXT_CONTROL.test(value)) return problem('must not contain control characters other than tab, line feed and carriage return');
    if (value.length > MAX_TEXT_LENGTH) return problem(`must be at most ${MAX_TEXT_LENGTH} characters`);
    return null;
  }
  if (ANY_CONTROL.test(value)) return problem('must not contain control characters');
  if (value.length > 0 && value.trim() === '') return problem('must not be blank');
  const max = LONG_IDENTIFIERS[member] ?? MAX_IDENTIFIER_LENGTH;
  if (value.length > max) return problem(`must be at most ${max} characters`);
  return null;
}

function kindOf(member: string, parent: Kind, depth: number): Kind {
  if (parent === 'free') return 'free';
  if (depth === 0 && FREE_FORM_MEMBERS.has(member)) return 'free';
  return TEXT_MEMBERS.has(member) ? 'text' : 'identifier';
}

function walk(value: unknown, field: string, depth: number, kind: Kind, member: string): InputProblem | null {
  if (typeof value === 'string') return stringProblem(value, field || 'body', kind, member);
  if (typeof value === 'number' && !Number.isFinite(value)) return { field: field || 'body', message: `${field || 'body'} is a number out of range (JSON cannot carry Infinity)` };
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return { field: field || 'body', message: `${field || 'body'} is nested more than ${MAX_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = walk(value[i], `${field || 'body'}[${i}]`, depth + 1, kind, member);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const path = field ? `${field}.${key}` : key;
    if (FORBIDDEN_MEMBERS.has(key)) return { field: path, message: `${path} is not an allowed member name` };
    const keyProblem = stringProblem(key, path, kind === 'free' ? 'free' : 'identifier', key);
    if (keyProblem) return { field: path, message: `member name ${keyProblem.message}` };
    const child = kindOf(key, kind, depth);
    const problem = walk((value as Record<string, unknown>)[key], path, depth + 1, child, key);
    if (problem) return problem;
  }
  return null;
}

/**
 * The first problem of a parsed request part (a JSON body, the query object, the path parameters),
 * naming its field (`resource.toolId`, `input.notes[2]`, `approverId`), or null when it is acceptable.
 */
export function findInputProblem(value: unknown): InputProblem | null {
  return walk(value, '', 0, 'identifier', '');
}
