export * from './alerts.projection';
export * from './alert.queries';
