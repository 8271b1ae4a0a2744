export * from './approvals.projection';
export * from './approval.queries';
