import type { AlertDeliveryConfig } from '@oars/config';
import type { CommandDeps } from '@oars/ledger';
import { AlertDeliveryCommands } from './alert-delivery.commands';
import { AlertDeliveryMetrics } from './alert-delivery.metrics';
import { AlertRoutingRules } from './alert-routing-rules';
import { DeliveryRouter } from './delivery-router';
import { DeliveryWorker, type DeliveryWorkerDeps } from './delivery-worker';

export interface AlertDeliveryDeps extends CommandDeps, Pick<DeliveryWorkerDeps, 'logger' | 'now' | 'random' | 'send'> {
  config: AlertDeliveryConfig;
}

/**
 * Alert routing and delivery of one process (docs/alerting.md): the routing rules, the delivery
 * commands, the router and the worker the delivery reactor runs, and their metrics. The API uses the
 * rules and replays wherever it runs; the reactor runs where the projector runs.
 */
export class AlertDelivery {
  readonly config: AlertDeliveryConfig;
  readonly rules: AlertRoutingRules;
  readonly deliveries: AlertDeliveryCommands;
  readonly router: DeliveryRouter;
  readonly worker: DeliveryWorker;
  readonly metrics: AlertDeliveryMetrics;

  constructor(deps: AlertDeliveryDeps) {
    this.config = deps.config;
    this.rules = new AlertRoutingRules(deps);
    this.deliveries = new AlertDeliveryCommands(deps);
    this.router = new DeliveryRouter(this.deliveries, this.rules, deps.config.channels, deps.now);
    this.metrics = new AlertDeliveryMetrics(() => this.worker.gateSamples());
    this.worker = new DeliveryWorker({ ...deps, deliveries: this.deliveries, metrics: this.metrics });
  }
}
