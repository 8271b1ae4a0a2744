import type { NatsConnection } from '@nats-io/nats-core';
import { ALERT_RAISED, type AlertSeverity } from '@oars/domain';
import type { EventStore, StoredEvent, Subscription } from '@oars/eventstore';
import { receiptOf } from '@oars/ledger';
import { type AlertMessage, alertMessageOf, alertSubscriptionSubject } from './alert-message';

export interface AlertFeedFilter {
  tenantId?: string;
  severity?: AlertSeverity;
}

export interface AlertFeed {
  /** Where the alerts come from, for the user: the NATS subject, or the streams followed. */
  readonly source: string;
  close(): Promise<void>;
}

export type AlertListener = (message: AlertMessage) => void;

/** The alerts published on NATS from now on (deployments on JetStream, where the publisher reactor runs). */
export async function followPublishedAlerts(nats: NatsConnection, at: { subjectPrefix: string; region: string }, filter: AlertFeedFilter, onAlert: AlertListener): Promise<AlertFeed> {
  const subject = alertSubscriptionSubject(at.subjectPrefix, at.region, filter);
  const sub = nats.subscribe(subject, {
    callback: (err, msg) => {
      if (err) return;
      let message: AlertMessage;
      try {
        message = msg.json<AlertMessage>();
      } catch {
        return; // not an alert message: someone else's publication on the subject
      }
      onAlert(message);
    },
  });
  // The subscription is registered on the server once the flush returns: nothing published after it is missed.
  await nats.flush();
  return { source: subject, close: async () => sub.unsubscribe() };
}

/**
 * The alerts appended to the streams from now on, read from the event store itself (the embedded
 * store, which has no NATS): one subscription per stream, from its head; without a tenant, streams
 * created later are picked up from append hints and a listing every `discoverMs` (default 2 s).
 */
export async function followStreamAlerts(store: EventStore, region: string, filter: AlertFeedFilter, onAlert: AlertListener, options: { discoverMs?: number } = {}): Promise<AlertFeed> {
  const followed = new Map<string, Promise<Subscription | null>>();
  let closed = false;
  /** Once the first listing is done, a stream not followed yet is new: all of it is followed. */
  let listed = false;
  const deliver = async (event: StoredEvent) => {
    if (event.type !== ALERT_RAISED) return;
    const message = alertMessageOf(receiptOf(event), region);
    if (message && (!filter.severity || message.alert.severity === filter.severity)) onAlert(message);
  };
  const follow = (stream: string, from: number) => {
    if (closed || followed.has(stream)) return;
    followed.set(stream, store.subscribe(stream, from, deliver).catch(() => (followed.delete(stream), null)));
  };
  const discover = async () => {
    for (const { stream, lastSequence } of await store.listStreams().catch(() => [])) follow(stream, listed ? 1 : lastSequence + 1);
  };
  let stopHints = () => undefined as void;
  let timer: NodeJS.Timeout | null = null;
  if (filter.tenantId) {
    follow(filter.tenantId, (await store.head(filter.tenantId)).sequence + 1);
  } else {
    await discover();
    listed = true;
    stopHints = store.onAppendHint((stream) => follow(stream, 1));
    timer = setInterval(() => void discover(), options.discoverMs ?? 2_000);
  }
  await Promise.all(followed.values());
  return {
    source: filter.tenantId ? `the stream of ${filter.tenantId}` : 'every stream',
    async close() {
      closed = true;
      stopHints();
      if (timer) clearInterval(timer);
      await Promise.all([...followed.values()].map(async (s) => (await s)?.close()));
    },
  };
}
