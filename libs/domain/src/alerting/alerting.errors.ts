/** A bad field of an alerting request, named as the API shows it (`channels[1]`). */
export interface AlertingProblem {
  field: string;
  message: string;
}

/** A routing rule with bad fields; `problems` names every one. */
export class InvalidAlertRoutingError extends Error {
  readonly code = 'validation_error';
  constructor(readonly problems: AlertingProblem[]) {
    super(`Invalid request: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}.`);
    this.name = 'InvalidAlertRoutingError';
  }
}

/** No such delivery in the tenant (other tenants' deliveries are reported the same way). */
export class AlertDeliveryNotFoundError extends Error {
  readonly code = 'alert_delivery_not_found';
  constructor(readonly deliveryId: string) {
    super('Alert delivery not found.');
    this.name = 'AlertDeliveryNotFoundError';
  }
}

/** Replay of a delivery that is delivered or still pending: only failed and dead ones are replayed. */
export class AlertDeliveryNotReplayableError extends Error {
  readonly code = 'alert_delivery_not_replayable';
  constructor(readonly deliveryId: string, readonly status: string) {
    super(`Alert delivery ${deliveryId} is ${status}: only failed or dead deliveries can be replayed.`);
    this.name = 'AlertDeliveryNotReplayableError';
  }
}
