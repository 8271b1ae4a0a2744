export * from './alert-deliveries.projection';
export * from './alert-delivery.queries';
