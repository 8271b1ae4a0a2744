import { headers, type NatsConnection } from '@nats-io/nats-core';
import { ALERT_RAISED } from '@oars/domain';
import { receiptOf } from '@oars/ledger';
import type { Reactor } from '@oars/reactors';
import { ALERTS_TOKEN, alertMessageOf, alertSubject } from './alert-message';
import { isRecent } from './governance-alerts.reactor';

/** The reactor's name: its checkpoints and lease. */
export const ALERT_PUBLISHER_REACTOR = 'alert_publisher';

export interface AlertPublisherOptions {
  nats: NatsConnection;
  subjectPrefix: string;
  region: string;
}

/**
 * Publishes every alert (`alert.raised` of any stream) on core NATS, on
 * `<subjectPrefix>.alerts.<region>.<tenantId>.<severity>` (see `alertSubject`), for subscribers:
 * `oars alerts tail`, chat bridges, a JetStream stream of the operator's own. At least once: the
 * checkpoint moves after the server acknowledged the flush, so a crash publishes again (the
 * `Nats-Msg-Id` header, the receipt id, lets a subscriber or a stream drop the repeat). Core NATS
 * keeps nothing: a subscriber that is away misses what was published meanwhile (the alerts stay
 * in the streams and `/v1/alerts`). Alerts older than a day when reached (a first run over an old
 * deployment) are not published.
 */
export function alertPublisherReactor(options: AlertPublisherOptions, now: () => Date = () => new Date()): Reactor {
  if (options.region.toLowerCase() === ALERTS_TOKEN) throw new RangeError(`region "${options.region}" would put alert subjects inside its tenant streams' subjects`);
  return {
    name: ALERT_PUBLISHER_REACTOR,
    maxAttempts: Infinity,
    eventTypes: [ALERT_RAISED],
    async handle(event) {
      const receipt = receiptOf(event);
      const message = receipt.tenantId === event.stream && isRecent(receipt, now()) ? alertMessageOf(receipt, options.region) : null;
      if (!message) return;
      const h = headers();
      h.set('Nats-Msg-Id', message.receiptId);
      options.nats.publish(alertSubject(options.subjectPrefix, options.region, message.tenantId, message.alert.severity), JSON.stringify(message), { headers: h });
      await options.nats.flush();
    },
  };
}
