import { DeliverPolicy, JetStreamClient, JetStreamManager, JsMsg, StoredMsg } from '@nats-io/jetstream';
import { StoredEvent } from '../event-store.port';
import { DependencyUnavailableError } from '../errors';
import { decodeEvent } from './jetstream-codec';
import { isStreamNotFound } from './jetstream-errors';
import { JetStreamNaming } from './jetstream-stream-config';

/** Reads of at most this many events use pipelined message gets; larger ones an ordered consumer. */
const SMALL_READ = 16;
/** Messages per pull request (the result of the read holds them all anyway). */
const FETCH_BATCH = 1_000;

/** The read side of the JetStream adapter; an unknown stream reads as empty. Errors are untranslated. */
export class JetStreamReader {
  /** Streams whose info answered in this process: created, so a message get is safe. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly naming: JetStreamNaming,
  ) {}

  /** The stream's last sequence from stream info, 0 when it does not exist. */
  async lastSequence(stream: string): Promise<number> {
    return (await this.bounds(stream)).last;
  }

  /** The first and last sequence stored (both 0 for an empty or unknown stream; first > 1 once pruned). */
  async bounds(stream: string): Promise<{ first: number; last: number }> {
    try {
      const { state } = await this.jsm.streams.info(this.naming.streamName(stream));
      return state.messages === 0 ? { first: 0, last: state.last_seq } : { first: state.first_seq, last: state.last_seq };
    } catch (err) {
      if (isStreamNotFound(err)) return { first: 0, last: 0 };
      throw err;
    }
  }

  /**
   * One message by sequence or the last one of a full subject (served by the stream leader). The
   * first get of a stream in this process asks for its info first: nats-server 2.9 can crash on a
   * message get that races the stream's creation by another process (a nil dereference in
   * jsMsgGetRequest), and a stream that answers its info is fully created.
   */
  async message(stream: string, query: { seq: number } | { last_by_subj: string }): Promise<StoredEvent | null> {
    const name = this.naming.streamName(stream);
    if (!this.seen.has(name)) {
      if ((await this.bounds(stream)).last === 0) return null;
      this.seen.add(name);
    }
    try {
      const msg = await this.jsm.streams.getMessage(name, query);
      return msg ? this.decode(stream, msg) : null;
    } catch (err) {
      if (isStreamNotFound(err)) return null;
      throw err;
    }
  }

  /** At most `limit` events from `from` (or the first event still stored, when pruned) up to `to`, bounded by the stream's last sequence. */
  async range(stream: string, from: number, limit: number, to = Number.MAX_SAFE_INTEGER): Promise<StoredEvent[]> {
    const bounds = await this.bounds(stream);
    // A pruned prefix reads as absent: the range starts at the first event still stored.
    const start = Math.max(from, bounds.first);
    const end = Math.min(bounds.last, to, start + limit - 1);
    if (end < start) return [];
    from = start;
    return end - from < SMALL_READ ? this.getEach(stream, from, end) : this.fetchOrdered(stream, from, end - from + 1);
  }

  decode(stream: string, msg: StoredMsg | JsMsg): StoredEvent {
    return decodeEvent(stream, this.naming.tenantSubjectPrefix(stream).length, msg);
  }

  private async getEach(stream: string, from: number, end: number): Promise<StoredEvent[]> {
    const name = this.naming.streamName(stream);
    const gets: Array<Promise<StoredMsg | null>> = [];
    for (let seq = from; seq <= end; seq++) gets.push(this.jsm.streams.getMessage(name, { seq }));
    const msgs = await Promise.all(gets);
    return msgs.filter((m): m is StoredMsg => m !== null).map((m) => this.decode(stream, m));
  }

  /** Reads `count` events from `from` with an ordered consumer, fetched in batches, then deletes it. */
  private async fetchOrdered(stream: string, from: number, count: number): Promise<StoredEvent[]> {
    const consumer = await this.js.consumers.get(this.naming.streamName(stream), {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
      inactive_threshold: 30_000,
    });
    const out: StoredEvent[] = [];
    try {
      while (out.length < count) {
        const batch = await consumer.fetch({ max_messages: Math.min(count - out.length, FETCH_BATCH), expires: 5_000 });
        const before = out.length;
        for await (const msg of batch) out.push(this.decode(stream, msg));
        if (out.length === before) throw new DependencyUnavailableError('nats', new Error(`read of ${stream} from ${from} stalled`));
      }
      return out;
    } finally {
      void consumer.delete().catch(() => undefined);
    }
  }
}
