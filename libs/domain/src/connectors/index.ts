export * from './connector.types';
export { executeSimulatedConnector, sanitizeOutput } from './execute-simulated-connector';
export { isBlockedSandboxTarget } from './sandbox-target';
export { isDestructiveSql } from './sql-guard';
export { SIMULATED_CONNECTOR_IDS, SIMULATED_CONNECTORS } from './simulated-connectors';
