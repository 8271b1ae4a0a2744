import type { StoredEvent } from '@oars/eventstore';
import {
  STREAM_FINDING_KINDS,
  STREAM_START,
  type StreamFinding,
  type StreamFindingKind,
  type StreamPosition,
  type VerifierCrypto,
  verifyStreamReceipts,
} from '@oars/receipts';

/**
 * The integrity verifier's names for the receipts lib's stream check, which the API's and the CLI's
 * chain verification share: one set of chain rules, whoever asks.
 */
export type IntegrityKind = StreamFindingKind;
export const INTEGRITY_KINDS: readonly IntegrityKind[] = STREAM_FINDING_KINDS;
export type IntegrityFinding = StreamFinding;
/** Where the verifier stands in one stream: everything up to `position` is checked. */
export type VerifierPosition = StreamPosition;
export const START_POSITION: VerifierPosition = STREAM_START;

/**
 * Checks stored events of `stream` after `from` (pure): gapless sequences, `prevEventHash` links,
 * receipt shape, signatures by keys the stream itself introduced, and key custody (see
 * `verifyStreamReceipts`). Never throws; returns the new position and the findings.
 */
export function checkStreamEvents(
  stream: string,
  from: VerifierPosition,
  events: readonly StoredEvent[],
  crypto: VerifierCrypto,
): { position: VerifierPosition; findings: IntegrityFinding[] } {
  return verifyStreamReceipts(stream, from, events, crypto);
}
