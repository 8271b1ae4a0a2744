import type { NatsConnection, Status, Subscription as NatsSubscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { JetStreamClient, JetStreamManager, jetstreamManager, JsMsg } from '@nats-io/jetstream';
import { AppendOptions, AppendResult, EventStore, EventToAppend, ReadOptions, StoredEvent, StreamHead, Subscription } from '../event-store.port';
import { DependencyUnavailableError, PruneNotPermittedError, checkPruneRange } from '../errors';
import { assertEvents, assertExpectedVersion, assertStreamId, assertSubject, readRange } from '../contract/event-validation';
import { appendHeaders, dedupeId } from './jetstream-codec';
import { isNoStreamForSubject, translateNatsError } from './jetstream-errors';
import { JetStreamAckPublisher } from './jetstream-ack-publisher';
import { JetStreamReader } from './jetstream-reader';
import { JetStreamNaming } from './jetstream-stream-config';
import { JetStreamStreamRegistry } from './jetstream-stream-registry';
import { JetStreamSubscription } from './jetstream-subscription';
import { SubscriptionSet } from '../ordered-delivery';

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

const PING_TIMEOUT_MS = 1_000;

/**
 * The EventStore port on NATS JetStream: one stream per tenant and region whose sequence is the
 * tenant's chain order. Appends carry `Nats-Expected-Last-Sequence` (the writer's head, + 1 per
 * pipelined event) and `Nats-Msg-Id` (the event id plus a digest of its payload, deduplicated for 10
 * minutes). A retry of a failed append MUST reuse the original `expectedVersion` and events: events
 * already stored byte for byte come back as duplicates at their original sequences and the rest lands
 * right after them (after the window, the same retry fails with `ConcurrencyError` instead of writing
 * twice). Another writer's event under the same id is never a duplicate (see `dedupeId`). While
 * the connection is known to be down, appends fail at once with `DependencyUnavailableError`; the connection reconnects forever.
 */
export class JetStreamEventStore implements EventStore {
  private readonly hintListeners = new Set<(stream: string) => void>();
  private readonly subscriptions = new SubscriptionSet();
  private hintSubscription?: NatsSubscription;
  private disconnected = false;
  private statusEvents?: AsyncIterable<Status> & { stop?: () => void };
  private readonly js: JetStreamClient;
  private readonly streams: JetStreamStreamRegistry;
  private readonly reader: JetStreamReader;
  private readonly acks: JetStreamAckPublisher;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly naming: JetStreamNaming,
    replicas: number,
    ackTimeoutMs: number,
    private readonly ownsConnection: boolean,
  ) {
    this.js = jsm.jetstream();
    this.streams = new JetStreamStreamRegistry(jsm, naming, replicas);
    this.reader = new JetStreamReader(jsm, this.js, naming);
    this.acks = new JetStreamAckPublisher(nc, ackTimeoutMs);
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
      // noAsyncTraces: no Error (stack capture) is built per request on the append path; errors keep message and cause.
      return await connect({ servers, name: 'oars-eventstore', maxReconnectAttempts: -1, reconnectTimeWait: 500, pingInterval: 5_000, noAsyncTraces: true });
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
      await this.streams.ensure(stream);
      try {
        return await this.publish(stream, events, expected);
      } catch (err) {
        if (!isNoStreamForSubject(err)) throw err;
        this.streams.forget(stream); // deleted behind our back: verify or re-create, then retry once
        await this.streams.ensure(stream);
        return await this.publish(stream, events, expected);
      }
    } catch (err) {
      throw translateNatsError(err, stream, expected);
    }
  }

  async read(stream: string, options?: ReadOptions): Promise<StoredEvent[]> {
    assertStreamId(stream);
    const { from, limit, to, types } = readRange(options);
    if (!types) return this.guard(() => this.reader.range(stream, from, limit, to));
    // No server-side filter by type (it is a header): read on and keep the matching events.
    return this.guard(async () => {
      const out: StoredEvent[] = [];
      for (let next = from; next <= to && out.length < limit;) {
        const chunk = await this.reader.range(stream, next, 1000, to);
        if (chunk.length === 0) break;
        for (const event of chunk) if (types.includes(event.type) && out.length < limit) out.push(event);
        next = chunk[chunk.length - 1]!.sequence + 1;
      }
      return out;
    });
  }

  async head(stream: string): Promise<StreamHead> {
    assertStreamId(stream);
    return this.guard(async () => {
      const sequence = await this.reader.lastSequence(stream);
      return { sequence, last: sequence === 0 ? null : await this.reader.message(stream, { seq: sequence }) };
    });
  }

  async lastBySubject(stream: string, subject: string): Promise<StoredEvent | null> {
    assertStreamId(stream);
    assertSubject(subject);
    return this.guard(() => this.reader.message(stream, { last_by_subj: this.naming.tenantSubjectPrefix(stream) + subject }));
  }

  async get(stream: string, sequence: number): Promise<StoredEvent | null> {
    assertStreamId(stream);
    if (!Number.isSafeInteger(sequence) || sequence < 1) return null;
    return this.guard(() => this.reader.message(stream, { seq: sequence }));
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
    const decode = (msg: JsMsg): StoredEvent => this.reader.decode(stream, msg);
    const sub = new JetStreamSubscription({ js: this.js, streamName: this.naming.streamName(stream), decode }, from, handler);
    return this.subscriptions.track(sub);
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

  async prune(stream: string, throughSequence: number): Promise<{ firstSequence: number }> {
    assertStreamId(stream);
    const head = (await this.head(stream)).sequence;
    checkPruneRange(stream, throughSequence, head);
    const name = this.naming.streamName(stream);
    return this.guard(async () => {
      const info = await this.jsm.streams.info(name);
      if (info.config.deny_purge) throw new PruneNotPermittedError(stream, `JetStream stream ${name} was created with deny_purge (docs/retention.md: migrating a stream to retention).`);
      // Purge keeps `seq` and everything after it; the stream's sequences (the chain order) stay.
      if (info.state.first_seq <= throughSequence) await this.jsm.streams.purge(name, { seq: throughSequence + 1 });
      return { firstSequence: await this.firstSequence(stream) };
    });
  }

  async firstSequence(stream: string): Promise<number> {
    assertStreamId(stream);
    return this.guard(async () => (await this.reader.bounds(stream)).first);
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
    await this.subscriptions.closeAll();
    this.hintSubscription?.unsubscribe();
    this.hintSubscription = undefined;
    this.hintListeners.clear();
    this.statusEvents?.stop?.();
    this.acks.close();
    if (this.ownsConnection && !this.nc.isClosed()) await this.nc.close();
  }

  /**
   * Publishes every event before awaiting any ack (pipelined), then reads the acks in order. Event i
   * expects head `expected + i` and, for i > 0, that event i - 1 is the last message, so nothing
   * after a rejected event can be stored.
   */
  private async publish(stream: string, events: readonly EventToAppend[], expected: number): Promise<AppendResult> {
    const prefix = this.naming.tenantSubjectPrefix(stream);
    const payloads = events.map((e) => JSON.stringify(e.data));
    const msgIds = events.map((e, i) => dedupeId(e, payloads[i]!));
    const settled = await Promise.allSettled(
      events.map((e, i) => this.acks.publish(prefix + e.subject, payloads[i]!, appendHeaders(e, msgIds[i]!, expected + i, msgIds[i - 1]))),
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

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.nc.isClosed() || this.disconnected) throw new DependencyUnavailableError('nats', new Error('not connected to NATS'));
    try {
      return await fn();
    } catch (err) {
      throw translateNatsError(err);
    }
  }

  /** Tracks connection state so appends fail fast while NATS is known to be down. */
  private async watchStatus(): Promise<void> {
    this.statusEvents = this.nc.status();
    try {
      for await (const s of this.statusEvents) {
        if (s.type === 'disconnect') this.disconnected = true;
        else if (s.type === 'reconnect') this.disconnected = false;
        else if (s.type === 'close') return;
      }
    } catch {
      // the status stream ends with the connection
    }
  }
}
