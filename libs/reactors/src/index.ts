export * from './reactor';
export * from './reactor-status';
export * from './reactor-host';
export * from './reactor-lease.store';
export * from './reactor-checkpoints.store';
export * from './reactor-dead-letters.store';
export { cancelTimer, setTimer, timerSummary } from './reactor-timers.store';
