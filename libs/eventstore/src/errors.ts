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
