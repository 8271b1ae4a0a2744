import { type MsgHdrs, type NatsConnection, type Msg, type Subscription, createInbox, errors } from '@nats-io/nats-core';
import { JetStreamApiError } from '@nats-io/jetstream';

/** What JetStream acknowledges for a stored (or deduplicated) message. */
export interface PublishAck {
  stream: string;
  seq: number;
  duplicate: boolean;
}

interface Pending {
  subject: string;
  resolve(ack: PublishAck): void;
  reject(err: Error): void;
  deadline: number;
}

/** The error `isNoStreamForSubject` recognises: no stream captures the subject, or JetStream is off. */
export class JetStreamNotEnabled extends Error {
  constructor(subject: string) {
    super(`no responders: no stream captures '${subject}' (or JetStream is not enabled)`);
    this.name = 'JetStreamNotEnabled';
  }
}

const SWEEP_MS = 100;

/**
 * JetStream publishes with acks on one long-lived reply subscription (`<inbox>.<token>`), one
 * timer for every deadline, and no per-request objects beyond a map entry: what `js.publish` does
 * through a request per message, a timer per request and an Error built per request. Failures are
 * the client's own types, so `translateNatsError` reads them alike: `JetStreamApiError` for a
 * JetStream refusal, `TimeoutError` when no ack came in time, `JetStreamNotEnabled` for no
 * responders, `ClosedConnectionError` after `close()`.
 */
export class JetStreamAckPublisher {
  private readonly inbox: string;
  private readonly pending = new Map<string, Pending>();
  private readonly subscription: Subscription;
  private readonly sweeper: NodeJS.Timeout;
  private next = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.inbox = `${createInbox()}.`;
    this.subscription = nc.subscribe(`${this.inbox}*`, { callback: (err, msg) => (err ? undefined : this.onReply(msg)) });
    this.sweeper = setInterval(() => this.expire(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Publishes `payload` on `subject` and resolves with JetStream's ack. */
  publish(subject: string, payload: string, headers: MsgHdrs): Promise<PublishAck> {
    const token = (this.next++).toString(36);
    return new Promise<PublishAck>((resolve, reject) => {
      this.pending.set(token, { subject, resolve, reject, deadline: Date.now() + this.timeoutMs });
      try {
        this.nc.publish(subject, payload, { reply: this.inbox + token, headers });
      } catch (err) {
        this.pending.delete(token);
        reject(err as Error);
      }
    });
  }

  /** Fails every pending publish and stops listening. */
  close(): void {
    clearInterval(this.sweeper);
    this.subscription.unsubscribe();
    for (const [token, p] of this.pending) {
      this.pending.delete(token);
      p.reject(new errors.ClosedConnectionError());
    }
  }

  private onReply(msg: Msg): void {
    const token = msg.subject.slice(this.inbox.length);
    const p = this.pending.get(token);
    if (!p) return; // answered after its deadline
    this.pending.delete(token);
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      p.reject(new JetStreamNotEnabled(p.subject));
      return;
    }
    let body: { stream?: string; seq?: number; duplicate?: boolean; error?: { code: number; err_code: number; description: string } };
    try {
      body = msg.json();
    } catch (err) {
      p.reject(err as Error);
      return;
    }
    if (body.error) p.reject(new JetStreamApiError(body.error));
    else if (typeof body.stream !== 'string' || body.stream === '' || typeof body.seq !== 'number') p.reject(new Error('invalid JetStream publish ack'));
    else p.resolve({ stream: body.stream, seq: body.seq, duplicate: body.duplicate === true });
  }

  private expire(): void {
    const now = Date.now();
    for (const [token, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(token);
      p.reject(new errors.TimeoutError());
    }
  }
}
