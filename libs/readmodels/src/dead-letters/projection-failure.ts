import { InvalidReceiptError } from '../errors';

/** Why a batch was not applied, and whether applying the same event again can ever succeed. */
export interface ProjectionFailure {
  /**
   * True when the event itself is the cause, so the same event fails the same way every time: the
   * projector may park it. False for everything else (connection loss, deadlock, lock timeout,
   * shutdown, a missing table, an unknown error): retried with backoff, never parked.
   */
  deterministic: boolean;
  /** The error as operators read it, with its SQLSTATE when there is one. */
  reason: string;
}

/**
 * SQLSTATE classes that come from the values written: 22 data exception (NUL bytes, a bad
 * timestamp, a number out of range), 23 integrity constraint violation, 54 program limit exceeded
 * (e.g. an index row too large for a huge value).
 */
const DATA_CLASSES: ReadonlySet<string> = new Set(['22', '23', '54']);

/** Errors a projection's own code throws on an event it does not expect (a bug, a malformed payload). */
const PROGRAMMING_ERRORS = [TypeError, RangeError, SyntaxError, ReferenceError];

/**
 * Classifies a failure to apply events. Deliberately narrow on the deterministic side: parking a
 * transient failure would leave an event out of the read models for no reason, while retrying a
 * deterministic one only delays the tenant until the bounded retries run out.
 */
export function classifyFailure(err: unknown): ProjectionFailure {
  const reason = reasonOf(err);
  if (err instanceof InvalidReceiptError) return { deterministic: true, reason };
  const code = sqlState(err);
  if (code !== null) return { deterministic: DATA_CLASSES.has(code.slice(0, 2)), reason };
  return { deterministic: PROGRAMMING_ERRORS.some((type) => err instanceof type), reason };
}

function sqlState(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

function reasonOf(err: unknown): string {
  const named = PROGRAMMING_ERRORS.some((type) => err instanceof type);
  const message = err instanceof Error ? (named ? `${err.name}: ${err.message}` : err.message) : String(err);
  const code = sqlState(err);
  return code ? `${message} (SQLSTATE ${code})` : message;
}
