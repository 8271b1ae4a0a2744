import type { ConnectorRequest, ConnectorResult, SimulatedConnector } from './connector.types';
import { isDestructiveSql } from './sql-guard';

const unsupported = (toolId: string, operation: string): ConnectorResult => ({ status: 'failed', error: `Unsupported ${toolId} operation: ${operation}` });
const executed = (output: Record<string, unknown>): ConnectorResult => ({ status: 'executed', output });
const last = (actionId: string, n: number) => actionId.slice(-n);

function jira({ actionId, resource }: ConnectorRequest): ConnectorResult {
  if (resource.operation !== 'create_ticket') return unsupported('jira', resource.operation);
  return executed({ ticketId: `SEC-${last(actionId, 6).toUpperCase()}`, project: resource.target, status: 'created' });
}

function slack({ actionId, resource }: ConnectorRequest): ConnectorResult {
  if (resource.operation !== 'send_message') return unsupported('slack', resource.operation);
  return executed({ channel: resource.target, messageStatus: 'queued', messageId: `msg_${last(actionId, 8)}` });
}

function iam({ actionId, resource }: ConnectorRequest): ConnectorResult {
  if (resource.operation !== 'change_permissions' && resource.operation !== 'rotate_keys') return unsupported('iam', resource.operation);
  return executed({ operation: resource.operation, target: resource.target, status: 'applied', changeRef: `iam_${last(actionId, 10)}` });
}

function confluence({ actionId, resource }: ConnectorRequest): ConnectorResult {
  if (resource.operation !== 'create_page' && resource.operation !== 'update_page') return unsupported('confluence', resource.operation);
  return executed({ space: resource.target, operation: resource.operation, pageId: `cf_${last(actionId, 8)}`, status: 'saved' });
}

/**
 * Unlike the reference, the simulator needs no vault secret `(tenant, "database", "connection")`:
 * it connects to nothing, and a presence check that guards no real connection only adds a failure
 * mode. A real database connector MUST require and use its connection secret.
 */
function database({ actionId, resource, input }: ConnectorRequest): ConnectorResult {
  if (resource.operation !== 'run_query') return unsupported('database', resource.operation);
  const sql = typeof input?.sql === 'string' ? input.sql : '';
  if (isDestructiveSql(sql)) return { status: 'failed', error: 'Destructive SQL statements are blocked by connector policy.' };
  return executed({ queryRef: `db_${last(actionId, 8)}`, target: resource.target, rowCount: 1, status: 'completed' });
}

/** The reference's built-in simulated connectors (OARS v1 §2.18), by toolId. */
export const SIMULATED_CONNECTORS: ReadonlyMap<string, SimulatedConnector> = new Map([
  ['jira', jira],
  ['slack', slack],
  ['iam', iam],
  ['confluence', confluence],
  ['database', database],
]);

/** What `GET /v1/connectors` lists by default. */
export const SIMULATED_CONNECTOR_IDS: readonly string[] = Object.freeze([...SIMULATED_CONNECTORS.keys()]);
