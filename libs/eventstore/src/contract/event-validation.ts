import { EventToAppend, ReadOptions } from '../event-store.port';

/**
 * Input rules every adapter enforces the same way (a `RangeError` is a programming error of the
 * caller, never a backend failure). Ids and types travel in NATS headers, subjects in NATS subjects.
 */
const TENANT = /^[A-Za-z0-9_-]{1,64}$/;
const SUBJECT = /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,128}$/;
const HEADER_SAFE = /^[\x21-\x7e]{1,256}$/;

export function assertStreamId(stream: string): void {
  if (typeof stream !== 'string' || !TENANT.test(stream)) {
    throw new RangeError(`stream (tenant id) must match ${TENANT}, got "${String(stream)}"`);
  }
}

export function assertSubject(subject: string): void {
  if (typeof subject !== 'string' || !SUBJECT.test(subject)) {
    throw new RangeError(`subject must be "<aggregate>.<id>" of [A-Za-z0-9_-], got "${String(subject)}"`);
  }
}

export function assertExpectedVersion(expectedVersion: number): void {
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new RangeError(`expectedVersion must be an integer >= 0, got ${expectedVersion}`);
  }
}

/** At least one event; printable ids and types; valid subjects; object data; no id twice. */
export function assertEvents(events: readonly EventToAppend[]): void {
  if (!Array.isArray(events) || events.length === 0) throw new RangeError('append needs at least one event');
  const ids = new Set<string>();
  for (const e of events) {
    if (typeof e.id !== 'string' || !HEADER_SAFE.test(e.id)) throw new RangeError(`event id must be 1-256 printable ASCII characters, got "${String(e.id)}"`);
    if (typeof e.type !== 'string' || !HEADER_SAFE.test(e.type)) throw new RangeError(`event ${e.id}: type must be 1-256 printable ASCII characters`);
    assertSubject(e.subject);
    if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) throw new RangeError(`event ${e.id}: data must be a JSON object`);
    if (ids.has(e.id)) throw new RangeError(`event id ${e.id} appears twice in one append`);
    ids.add(e.id);
  }
}

/** `from` (>= 1, default 1), `limit` (>= 1, default 1000), `to` (default: no bound) and `types` (default: all) of a read. */
export function readRange(options: ReadOptions = {}): { from: number; limit: number; to: number; types: readonly string[] | null } {
  const from = Math.max(1, options.from ?? 1);
  const limit = options.limit ?? 1000;
  const to = options.to ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(limit) || limit < 1 || !Number.isSafeInteger(to)) {
    throw new RangeError(`read: from, limit and to must be positive integers, got ${options.from}, ${options.limit}, ${options.to}`);
  }
  if (options.types !== undefined && (!Array.isArray(options.types) || options.types.some((t) => typeof t !== 'string'))) {
    throw new TypeError('read: types must be an array of strings');
  }
  return { from, limit, to, types: options.types ?? null };
}
