import type { ControlMappingRecord } from './control-mapping.types';
import { CONTROL_MAPPING_UPSERTED, type ComplianceEvent } from './compliance.events';

/** One tenant mapping as it stands: the latest receipt of its subject carries it whole. */
export interface ControlMappingState {
  readonly mapping: ControlMappingRecord | null;
}

export const initialControlMappingState: ControlMappingState = Object.freeze({ mapping: null });

export function evolveControlMappingState(state: ControlMappingState, event: ComplianceEvent): ControlMappingState {
  switch (event.type) {
    case CONTROL_MAPPING_UPSERTED:
      return { mapping: event.data.mapping };
    default: {
      const never: never = event.type;
      throw new Error(`unknown compliance event ${JSON.stringify(never)}`);
    }
  }
}

/** The state after `events`, in order (nulls, receipts of other types, are skipped). */
export function controlMappingStateOf(events: readonly (ComplianceEvent | null)[]): ControlMappingState {
  return events.reduce<ControlMappingState>((state, e) => (e ? evolveControlMappingState(state, e) : state), initialControlMappingState);
}
