export * from './policies.projection';
export * from './policy.queries';
