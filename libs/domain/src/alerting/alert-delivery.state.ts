import type { AlertDeliveryEvent } from './alert-delivery.events';
import type { AlertDeliveryRecord } from './alert-delivery.types';

/** The deliveries a command decides on, by id (each from its latest receipt). */
export interface AlertDeliveriesState {
  readonly deliveries: ReadonlyMap<string, AlertDeliveryRecord>;
}

export const initialAlertDeliveriesState: AlertDeliveriesState = Object.freeze({ deliveries: new Map() });

export function evolveAlertDeliveries(state: AlertDeliveriesState, event: AlertDeliveryEvent): AlertDeliveriesState {
  switch (event.type) {
    case 'alert.delivery_requested':
    case 'alert.delivered':
    case 'alert.delivery_failed':
    case 'alert.delivery_replayed': {
      const deliveries = new Map(state.deliveries);
      deliveries.set(event.data.delivery.deliveryId, event.data.delivery);
      return { deliveries };
    }
    default: {
      const never: never = event;
      throw new Error(`unknown alert delivery event ${JSON.stringify(never)}`);
    }
  }
}

/** The state after `events`, in order (nulls, receipts of other types, are skipped). */
export function alertDeliveriesStateOf(events: readonly (AlertDeliveryEvent | null)[]): AlertDeliveriesState {
  return events.reduce<AlertDeliveriesState>((state, e) => (e ? evolveAlertDeliveries(state, e) : state), initialAlertDeliveriesState);
}
