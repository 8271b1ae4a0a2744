import { ALERT_ROUTING_CONFIGURED, type AlertRoutingEvent } from './alert-routing.events';
import type { AlertRoutingRuleRecord } from './alert-routing.rules';

/** A tenant's rule for one severity as it stands (the latest receipt of its subject carries it whole). */
export interface AlertRoutingState {
  readonly rule: AlertRoutingRuleRecord | null;
}

export const initialAlertRoutingState: AlertRoutingState = Object.freeze({ rule: null });

export function evolveAlertRoutingState(_state: AlertRoutingState, event: AlertRoutingEvent): AlertRoutingState {
  switch (event.type) {
    case ALERT_ROUTING_CONFIGURED:
      return { rule: event.data.rule };
    default: {
      const never: never = event.type;
      throw new Error(`unknown alert routing event ${JSON.stringify(never)}`);
    }
  }
}

/** The state after `events`, in order (nulls, receipts of other types, are skipped). */
export function alertRoutingStateOf(events: readonly (AlertRoutingEvent | null)[]): AlertRoutingState {
  return events.reduce<AlertRoutingState>((state, e) => (e ? evolveAlertRoutingState(state, e) : state), initialAlertRoutingState);
}
