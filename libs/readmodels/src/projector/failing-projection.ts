/** Which projection threw each error, for the dead letter (the error itself stays as thrown). */
const failing = new WeakMap<object, string>();

/** Records that `projection` threw `err`; returns `err` to rethrow. */
export function noteFailingProjection(err: unknown, projection: string): unknown {
  if (typeof err === 'object' && err !== null && !failing.has(err)) failing.set(err, projection);
  return err;
}

/** The projection that threw `err`, or null (the event is no receipt, or the failure came from elsewhere). */
export function failingProjectionOf(err: unknown): string | null {
  return typeof err === 'object' && err !== null ? (failing.get(err) ?? null) : null;
}
