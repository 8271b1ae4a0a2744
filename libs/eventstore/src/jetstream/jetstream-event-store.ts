import type { NatsConnection, Subscription as NatsSubscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { DeliverPolicy, JetStreamClient, JetStreamManager, jetstreamManager, StoredMsg, JsMsg } from '@nats-io/jetstream';
import { AppendOptions, AppendResult, EventStore, EventToAppend, ReadOptions, StoredEvent, StreamHead, Subscription } from '../event-store.port';
import { DependencyUnavailableError, StreamConfigMismatchError } from '../errors';
import { assertEvents, assertExpectedVersion, assertStreamId, assertSubject, readRange } from '../contract/event-validation';
import { appendHeaders, decodeEvent } from './jetstream-codec';
import { isNoStreamForSubject, isStreamNotFound, translateNatsError } from './jetstream-errors';
import { desiredStreamConfig, JetStreamNaming, streamConfigDifferences } from './jetstream-stream-config';
import { JetStreamSubscription } from './jetstream-subscription';

export interface JetStreamEventStoreOptions {
  /** NATS server URL(s); required unless `connection` is given. */
  servers?: string | string[];
  /** A connection to share; the store does not close it. It SHOULD reconnect forever. */
  connection?: NatsConnection;
  /** This process's region, e.g. `eu1`: streams `<PREFIX>_EU1_<tenant>`, subjects `<prefix>.eu1.>`. */
  region: string;
  /** Stream name prefix, default `OARS`. */
  streamPrefix?: string;
  /** Subject prefix, default `oars`. */
  subjectPrefix?: string;
  /** Replicas of a newly created stream, default 1. */
  replicas?: number;
  /** Timeout of one JetStream request (publish ack or API call), default 2000 ms. */
  requestTimeoutMs?: number;
}

/** Reads of at most this many events use pipelined message gets; larger ones an ordered consumer. */
const SMALL_READ = 16;
const FETCH_BATCH = 500;
const PING_TIMEOUT_MS = 1_000;

/**
 * The EventStore port on NATS JetStream: one stream per tenant and region whose sequence is the
 * tenant's chain order. Appends carry `Nats-Expected-Last-Sequence` (the writer's head, + 1 per
 * pipelined event) and `Nats-Msg-Id` (the event id, deduplicated for 10 minutes). A retry of a
 * failed append MUST reuse the original `expectedVersion`: events already stored come back as
 * duplicates at their original sequences and the rest lands right after them.
 */
export class JetStreamEventStore implements EventStore {
  private readonly known = new Map<string, Promise<void>>();
  private readonly hintListeners = new Set<(stream: string) => void>();
  private readonly subscriptions = new Set<JetStreamSubscription>();
  private hintSubscription?: NatsSubscription;
  private disconnected = false;
  private readonly js: JetStreamClient;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly naming: JetStreamNaming,
    private readonly replicas: number,
    private readonly timeoutMs: number,
    private readonly ownsConnection: boolean,
  ) {
    this.js = jsm.jetstream();
    void this.watchStatus();
  }

  /** The NATS connection this store uses (shared with e.g. the key-value key vault). */
  get connection(): NatsConnection {
    return this.nc;
  }

  /** Connects (reconnecting forever) and checks that JetStream answers. */
  static async connect(options: JetStreamEventStoreOptions): Promise<JetStreamEventStore> {
    const naming = new JetStreamNaming(options.streamPrefix ?? 'OARS', options.subjectPrefix ?? 'oars', options.region);
    const timeout = options.requestTimeoutMs ?? 2_000;
    const nc: NatsConnection = options.connection ?? (await JetStreamEventStore.dial(options.servers));
    try {
      const jsm = await jetstreamManager(nc, { timeout });
      return new JetStreamEventStore(nc, jsm, naming, options.replicas ?? 1, timeout, !options.connection);
    } catch (err) {
      if (!options.connection) await nc.close().catch(() => undefined);
      throw translateNatsError(err);
    }
  }

  private static async dial(servers: string | string[] | undefined): Promise<NatsConnection> {
    if (!servers) throw new RangeError('JetStreamEventStore needs `servers` or `connection`');
    try {
      return await connect({ servers, name: 'oars-eventstore', maxReconnectAttempts: -1, reconnectTimeWait: 500, pingInterval: 5_000 });
    } catch (err) {
      throw new DependencyUnavailableError('nats', err);
    }
  }

  async append(stream: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    assertStreamId(stream);
    assertEvents(events);
    const expected = options.expectedVersion;
    assertExpectedVersion(expected);
    if (this.nc.isClosed() || this.disconnected) throw new DependencyUnavailableError('nats', new Error('not connected to NATS'));
    try {
      await this.ensureStream(stream);
      try {
        return await this.publish(stream, events, expected);
      } catch (err) {
        if (!isNoStreamForSubject(err)) throw err;
        this.known.delete(stream); // deleted behind our back: verify or re-create, then retry once
        await this.ensureStream(stream);
        return await this.publish(stream, events, expected);
      }
    } catch (err) {
      throw translateNatsError(err, stream, expected);
    }
  }

  async read(stream: string, options?: ReadOptions): Promise<StoredEvent[]> {
    assertStreamId(stream);
    const { from, limit } = readRange(options);
    return this.guard(async () => {
      const last = await this.lastSequence(stream);
      const end = Math.min(last, from + limit - 1);
      if (end < from) return [];
      if (end - from < SMALL_READ) return this.getRange(stream, from, end);
      return this.fetchRange(stream, from, end - from + 1);
    });
  }

  async head(stream: string): Promise<StreamHead> {
    assertStreamId(stream);
    return this.guard(async () => {
      const sequence = await this.lastSequence(stream);
      return { sequence, last: sequence === 0 ? null : await this.get(stream, sequence) };
    });
  }

  async lastBySubject(stream: string, subject: string): Promise<StoredEvent | null> {
    assertStreamId(stream);
    assertSubject(subject);
    return this.getMessage(stream, { last_by_subj: this.naming.tenantSubjectPrefix(stream) + subject });
  }

  async get(stream: string, sequence: number): Promise<StoredEvent | null> {
    assertStreamId(stream);
    if (!Number.isSafeInteger(sequence) || sequence < 1) return null;
    return this.getMessage(stream, { seq: sequence });
  }

  async listStreams(): Promise<Array<{ stream: string; lastSequence: number }>> {
    return this.guard(async () => {
      const out: Array<{ stream: string; lastSequence: number }> = [];
      for await (const info of this.jsm.streams.list(this.naming.regionSubjects)) {
        const tenant = this.naming.tenantOfStream(info.config.name);
        if (tenant) out.push({ stream: tenant, lastSequence: info.state.last_seq });
      }
      return out.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    });
  }

  async subscribe(stream: string, from: number, handler: (event: StoredEvent) => Promise<void>): Promise<Subscription> {
    assertStreamId(stream);
    const decode = (msg: JsMsg): StoredEvent => this.decode(stream, msg);
    const sub = new JetStreamSubscription({ js: this.js, streamName: this.naming.streamName(stream), decode }, from, handler);
    this.subscriptions.add(sub);
    return {
      close: async () => {
        this.subscriptions.delete(sub);
        await sub.close();
      },
    };
  }

  /** One core NATS subscription on `<prefix>.<region>.>` for all listeners; a message only hints. */
  onAppendHint(listener: (stream: string) => void): () => void {
    this.hintListeners.add(listener);
    if (!this.hintSubscription && !this.nc.isClosed()) {
      this.hintSubscription = this.nc.subscribe(this.naming.regionSubjects, {
        callback: (err, msg) => {
          const tenant = err ? null : this.naming.tenantOfSubject(msg.subject);
          if (!tenant) return;
          for (const l of this.hintListeners) {
            try {
              l(tenant);
            } catch {
              // a hint listener's failure is its own business
            }
          }
        },
      });
    }
    return () => {
      this.hintListeners.delete(listener);
      if (this.hintListeners.size === 0 && this.hintSubscription) {
        this.hintSubscription.unsubscribe();
        this.hintSubscription = undefined;
      }
    };
  }

  async ping(): Promise<boolean> {
    if (this.nc.isClosed() || this.disconnected) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timeout')), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.nc.flush(), timeout]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    this.hintSubscription?.unsubscribe();
    this.hintSubscription = undefined;
    this.hintListeners.clear();
    if (this.ownsConnection && !this.nc.isClosed()) await this.nc.close();
  }

  /** Publishes every event before awaiting any ack (pipelined), then reads the acks in order. */
  private async publish(stream: string, events: readonly EventToAppend[], expected: number): Promise<AppendResult> {
    const prefix = this.naming.tenantSubjectPrefix(stream);
    const settled = await Promise.allSettled(
      events.map((e, i) =>
        this.js.publish(prefix + e.subject, JSON.stringify(e.data), { headers: appendHeaders(e, expected + i), timeout: this.timeoutMs }),
      ),
    );
    if (settled.every((r) => r.status === 'rejected' && isNoStreamForSubject(r.reason))) {
      throw (settled[0] as PromiseRejectedResult).reason;
    }
    const duplicates: boolean[] = [];
    const sequences: number[] = [];
    settled.forEach((r, i) => {
      if (r.status === 'rejected') throw translateNatsError(r.reason, stream, expected + i);
      duplicates.push(r.value.duplicate);
      sequences.push(r.value.seq);
    });
    return { firstSequence: sequences[0], lastSequence: sequences[sequences.length - 1], duplicates };
  }

  /** Creates the tenant's stream on first use, or checks an existing one; cached per process. */
  private ensureStream(tenant: string): Promise<void> {
    let ready = this.known.get(tenant);
    if (!ready) {
      ready = this.createOrVerify(tenant);
      this.known.set(tenant, ready);
      const settled = ready;
      settled.catch(() => {
        if (this.known.get(tenant) === settled) this.known.delete(tenant);
      });
    }
    return ready;
  }

  private async createOrVerify(tenant: string): Promise<void> {
    const desired = desiredStreamConfig(this.naming, tenant, this.replicas);
    let info;
    try {
      info = await this.jsm.streams.info(desired.name);
    } catch (err) {
      if (!isStreamNotFound(err)) throw err;
      try {
        await this.jsm.streams.add(desired);
        return;
      } catch (addErr) {
        // created concurrently (10058: name in use with another config): check what is there
        info = await this.jsm.streams.info(desired.name).catch(() => Promise.reject(addErr));
      }
    }
    const differences = streamConfigDifferences(desired, info.config);
    if (differences.length > 0) throw new StreamConfigMismatchError(desired.name, differences);
  }

  private async lastSequence(stream: string): Promise<number> {
    try {
      return (await this.jsm.streams.info(this.naming.streamName(stream))).state.last_seq;
    } catch (err) {
      if (isStreamNotFound(err)) return 0;
      throw err;
    }
  }

  private async getMessage(stream: string, query: { seq: number } | { last_by_subj: string }): Promise<StoredEvent | null> {
    return this.guard(async () => {
      try {
        const msg = await this.jsm.streams.getMessage(this.naming.streamName(stream), query);
        return msg ? this.decode(stream, msg) : null;
      } catch (err) {
        if (isStreamNotFound(err)) return null;
        throw err;
      }
    });
  }

  private async getRange(stream: string, from: number, end: number): Promise<StoredEvent[]> {
    const name = this.naming.streamName(stream);
    const gets: Array<Promise<StoredMsg | null>> = [];
    for (let seq = from; seq <= end; seq++) gets.push(this.jsm.streams.getMessage(name, { seq }));
    const msgs = await Promise.all(gets);
    return msgs.filter((m): m is StoredMsg => m !== null).map((m) => this.decode(stream, m));
  }

  /** Reads `count` events from `from` with an ordered consumer, fetched in batches, then deletes it. */
  private async fetchRange(stream: string, from: number, count: number): Promise<StoredEvent[]> {
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

  private decode(stream: string, msg: StoredMsg | JsMsg): StoredEvent {
    return decodeEvent(stream, this.naming.tenantSubjectPrefix(stream).length, msg);
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw translateNatsError(err);
    }
  }

  /** Tracks connection state so appends fail fast while NATS is known to be down. */
  private async watchStatus(): Promise<void> {
    try {
      for await (const s of this.nc.status()) {
        if (s.type === 'disconnect') this.disconnected = true;
        else if (s.type === 'reconnect') this.disconnected = false;
        else if (s.type === 'close') return;
      }
    } catch {
      // the status stream ends with the connection
    }
  }
}
