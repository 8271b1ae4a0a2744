export * from './approvals.projection';
