export * from './incident.contract';
export * from './incident.state';
export * from './incident.events';
export * from './incident.commands';
export * from './incident.errors';
export * from './incident.decide';
export { LAST_ESCALATION_LEVEL, MAX_INCIDENT_ALERT_IDS, notifyOf } from './incident-open.decide';
export { MAX_CORRECTIVE_ACTIONS, MAX_PRESERVED_TENANTS } from './incident-close.decide';
export * from './incident.views';
