export * from './aggregate-lock';
export * from './stored-receipt';
export * from './handle-command';
export * from './action-receipt.drafts';
export * from './action-command';
export * from './approval-timers';
export * from './append-checkpoint';
