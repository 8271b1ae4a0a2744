import { createHash } from 'node:crypto';
import { headers, type MsgHdrs } from '@nats-io/nats-core';
import { EventToAppend, StoredEvent } from '../event-store.port';

/** Header names of a stored event. The payload is exactly `JSON.stringify(event.data)`. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';
export const EXPECTED_LAST_SEQUENCE_HEADER = 'Nats-Expected-Last-Sequence';
export const EXPECTED_LAST_MSG_ID_HEADER = 'Nats-Expected-Last-Msg-Id';
export const EVENT_TYPE_HEADER = 'Oars-Event-Type';
export const EVENT_ID_HEADER = 'Oars-Event-Id';

/** A message as read back, from a direct/JSM get (`header`) or a consumer (`headers`). */
interface ReadMessage {
  subject: string;
  seq: number;
  data: Uint8Array;
  header?: MsgHdrs;
  headers?: MsgHdrs;
}

const decoder = new TextDecoder();

/**
 * The deduplication id of an event: its id and a digest of its exact payload. JetStream answers
 * "duplicate" only for a message id it has stored, so with the digest in it a duplicate answer means
 * this very event (same id, same bytes) is stored: a retry. Another writer's event under the same id
 * (a raced idempotent command) is not deduplicated; it meets the expected-head checks and is refused
 * there, and so is everything pipelined after it (the next event expects this message id as the last).
 */
export function dedupeId(event: EventToAppend, payload: string): string {
  return `${event.id}:${createHash('sha256').update(payload).digest('base64url').slice(0, 22)}`;
}

/**
 * Headers of one pipelined append: dedupe id, the event id, the expected stream head (always set,
 * also for 0), the type and, after the first event, the dedupe id of the previous event of the same
 * call. The last guard matters: when the first event is rejected because the head was N+1 instead of
 * N, the second event (expecting N+1) would otherwise land on top of another writer's event.
 */
export function appendHeaders(event: EventToAppend, msgId: string, expectedLastSequence: number, previousMsgId: string | undefined): MsgHdrs {
  const h = headers();
  h.set(MSG_ID_HEADER, msgId);
  h.set(EVENT_ID_HEADER, event.id);
  h.set(EXPECTED_LAST_SEQUENCE_HEADER, String(expectedLastSequence));
  if (previousMsgId !== undefined) h.set(EXPECTED_LAST_MSG_ID_HEADER, previousMsgId);
  h.set(EVENT_TYPE_HEADER, event.type);
  return h;
}

/** Decodes a stored message of `tenant`; `subjectPrefixLength` strips `<prefix>.<region>.<tenant>.`. */
export function decodeEvent(tenant: string, subjectPrefixLength: number, msg: ReadMessage): StoredEvent {
  const h = msg.header ?? msg.headers;
  return {
    stream: tenant,
    sequence: msg.seq,
    // Streams written before the digest-carrying message id hold the bare id in Nats-Msg-Id.
    id: h?.get(EVENT_ID_HEADER) || h?.get(MSG_ID_HEADER) || '',
    type: h?.get(EVENT_TYPE_HEADER) ?? '',
    subject: msg.subject.slice(subjectPrefixLength),
    data: JSON.parse(decoder.decode(msg.data)) as Record<string, unknown>,
  };
}
