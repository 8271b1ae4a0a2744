export * from './approvals.projection';
export * from './approval.queries';
export * from './approval-due.signal';
export * from './aggregate-lock';
export * from './approval-chain-draft';
export * from './approval-timer.commands';
export * from './approval-timer.service';
