import { receiptOf } from '@oars/ledger';
import type { Reactor } from '@oars/reactors';
import type { AlertDelivery } from './alert-delivery';
import { ROUTED_RECEIPT_TYPES } from './delivery-router';

/** The reactor's name: its checkpoints, lease, timers and dead letters. */
export const ALERT_DELIVERY_REACTOR = 'alert_delivery';

/**
 * Alert routing and delivery on the durable reactor host. Events (`alert.raised`, the incident
 * receipts delivery reacts to, `alert.delivery_replayed`) are routed in batches: one delivery
 * receipt per (notification, channel), appended concurrently (the writer group-commits them), then
 * one durable timer per delivery, due now. Each timer firing is one try (`DeliveryWorker`), up to
 * `concurrency` at a time, never in the path of the request that raised the alert. A crash between
 * the delivery receipts and their timers repeats the batch: the router finds the deliveries and
 * arms them again. It never parks an event or a timer: an error here is the store's, and retried.
 */
export function alertDeliveryReactor(delivery: AlertDelivery): Reactor {
  return {
    name: ALERT_DELIVERY_REACTOR,
    eventTypes: ROUTED_RECEIPT_TYPES,
    maxAttempts: Infinity,
    timerConcurrency: delivery.config.concurrency,
    firstBackoffMs: 500,
    maxBackoffMs: 30_000,
    async handleBatch(events, ctx) {
      const routed = await Promise.all(events.map((e) => delivery.router.route(ctx.stream, receiptOf(e))));
      await Promise.all(routed.flat().map((d) => ctx.setTimer(d.deliveryId, d.nextAttemptAt ? Date.parse(d.nextAttemptAt) : Date.now(), null)));
      return events[events.length - 1]!.sequence;
    },
    onTimer: (timer, ctx) => delivery.worker.attempt(timer, ctx),
  };
}
