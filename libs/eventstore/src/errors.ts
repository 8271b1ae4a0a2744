/** The stream head was not what the writer expected: another writer appended first. */
export class ConcurrencyError extends Error {
  readonly code = 'concurrency_conflict';
  constructor(
    readonly stream: string,
    readonly expectedVersion: number,
    readonly actualVersion?: number,
  ) {
    super(`Stream ${stream}: expected head ${expectedVersion}, found ${actualVersion ?? 'another'}.`);
    this.name = 'ConcurrencyError';
  }
}

/** The backend (NATS or Postgres) cannot be reached or answered with a transient failure. */
export class DependencyUnavailableError extends Error {
  readonly code = 'dependency_unavailable';
  constructor(readonly dependency: string, cause?: unknown) {
    super(`${dependency} is unavailable.`, { cause });
    this.name = 'DependencyUnavailableError';
  }
}

/** The stream exists with settings other than the ones OARS requires; OARS never changes them silently. */
export class StreamConfigMismatchError extends Error {
  readonly code = 'stream_config_mismatch';
  constructor(readonly streamName: string, readonly differences: string[]) {
    super(`Stream ${streamName} has unexpected settings: ${differences.join('; ')}`);
    this.name = 'StreamConfigMismatchError';
  }
}

/** The stream's store forbids removing events (a JetStream stream created with `deny_purge`), or the range is not removable. */
export class PruneNotPermittedError extends Error {
  readonly code = 'prune_not_permitted';
  constructor(readonly stream: string, reason: string) {
    super(`Stream ${stream} cannot be pruned: ${reason}`);
    this.name = 'PruneNotPermittedError';
  }
}

/** Checks a prune request against the head: a positive sequence before the head. */
export function checkPruneRange(stream: string, throughSequence: number, head: number): void {
  if (!Number.isSafeInteger(throughSequence) || throughSequence < 1) throw new PruneNotPermittedError(stream, `throughSequence must be a positive integer, got ${throughSequence}.`);
  if (throughSequence >= head) throw new PruneNotPermittedError(stream, `the head (${head}) is never removed; prune through at most ${head - 1}.`);
}
