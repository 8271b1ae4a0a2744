import { errors } from '@nats-io/nats-core';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { ConcurrencyError, DependencyUnavailableError } from '../errors';

const TRANSPORT_ERRORS = [
  errors.TimeoutError,
  errors.RequestError,
  errors.ClosedConnectionError,
  errors.ConnectionError,
  errors.DrainingConnectionError,
  errors.NoRespondersError,
];

/** JetStream "wrong last msg ID" (the previous event of a pipelined append is not the head). */
const WRONG_LAST_MSG_ID = 10070;

/** True when `err` says the JetStream API answered "no such stream". */
export function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}

/**
 * True for "no responders" on a publish: nothing listens on the subject, i.e. no stream captures it
 * (the stream was deleted) or JetStream is not running.
 */
export function isNoStreamForSubject(err: unknown): boolean {
  return err instanceof Error && err.name === 'JetStreamNotEnabled';
}

/** The head JetStream reported in a 10071 "wrong last sequence: N" answer. */
function actualSequence(err: JetStreamApiError): number | undefined {
  const m = /wrong last sequence: (\d+)/.exec(err.message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Translates a NATS/JetStream failure at the adapter's edge: 10071 (wrong last sequence) and 10070
 * (wrong last msg id) become `ConcurrencyError`; connection, timeout and "JetStream not answering" failures become
 * `DependencyUnavailableError('nats')`; anything else passes through unchanged.
 */
export function translateNatsError(err: unknown, stream?: string, expectedVersion?: number): unknown {
  if (err instanceof ConcurrencyError || err instanceof DependencyUnavailableError) return err;
  if (err instanceof JetStreamApiError) {
    if (stream !== undefined && err.code === JetStreamApiCodes.StreamWrongLastSequence) {
      return new ConcurrencyError(stream, expectedVersion ?? -1, actualSequence(err));
    }
    if (stream !== undefined && err.code === WRONG_LAST_MSG_ID) return new ConcurrencyError(stream, expectedVersion ?? -1);
    return err;
  }
  if (isNoStreamForSubject(err) || TRANSPORT_ERRORS.some((type) => err instanceof type)) {
    return new DependencyUnavailableError('nats', err);
  }
  return err;
}
