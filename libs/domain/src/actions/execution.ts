import { hashCanonical } from '@oars/receipts';
import { SIMULATED_CONNECTOR_IDS, executeSimulatedConnector } from '../connectors';
import type { ReceiptResource } from './action.types';

export type ExecutionOutcome =
  | { status: 'executed'; output: Record<string, unknown>; outputHash: string }
  | { status: 'failed'; error: string };

/**
 * Who runs an allowed action, recorded as `data.executedBy` of its `action.approved` receipt:
 * - `oars`: a built-in (simulated, side-effect free, deterministic) connector, inline;
 * - `http`: OARS calls the tool's configured HTTP endpoint (OARS_HTTP_CONNECTORS), from a durable
 *   consumer after the approval is recorded, never inside the request;
 * - `agent`: the agent runs it and reports the outcome with `POST /v1/actions/:id/result`.
 */
export type ActionExecutor = 'oars' | 'http' | 'agent';

const SIMULATED: ReadonlySet<string> = new Set(SIMULATED_CONNECTOR_IDS);
const NONE: ReadonlySet<string> = new Set();

/**
 * The executor of a tool. A tool configured as an HTTP connector takes precedence over a built-in
 * simulator of the same id (an operator who configures `jira` wants the real one).
 */
export function executorOf(toolId: string, httpToolIds: ReadonlySet<string> = NONE): ActionExecutor {
  if (httpToolIds.has(toolId)) return 'http';
  return SIMULATED.has(toolId) ? 'oars' : 'agent';
}

/**
 * How an allowed action runs. The built-in connectors run inline and give their outcome; any other
 * tool (an HTTP connector from `httpToolIds`, or a tool the agent executes itself) gives null here:
 * the action stays `approved` until its executor's outcome is recorded.
 */
export function planExecution(
  actionId: string,
  resource: ReceiptResource,
  input: Record<string, unknown>,
  httpToolIds: ReadonlySet<string> = NONE,
): ExecutionOutcome | null {
  if (executorOf(resource.toolId, httpToolIds) !== 'oars') return null;
  const result = executeSimulatedConnector({ actionId, resource, input });
  return result.status === 'executed' ? { status: 'executed', output: result.output, outputHash: hashCanonical(result.output) } : result;
}
