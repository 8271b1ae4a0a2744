export * from './dead-letters.store';
export { classifyFailure, type ProjectionFailure } from './projection-failure';
export { parkNextEvent, type ParkOutcome } from './park-event';
export * from './retry-dead-letters';
