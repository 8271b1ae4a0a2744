export * from './incidents.projection';
export * from './incident.queries';
