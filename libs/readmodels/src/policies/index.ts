export * from './policies.projection';
