import { hashCanonical } from '@oars/receipts';
import { SIMULATED_CONNECTOR_IDS, executeSimulatedConnector } from '../connectors';
import type { ReceiptResource } from './action.types';

export type ExecutionOutcome =
  | { status: 'executed'; output: Record<string, unknown>; outputHash: string }
  | { status: 'failed'; error: string };

const SIMULATED: ReadonlySet<string> = new Set(SIMULATED_CONNECTOR_IDS);

/**
 * How an allowed action runs. The built-in (simulated, side-effect free, deterministic) connectors
 * run inline and give their outcome; any other tool is executed by the agent itself, which reports
 * the outcome with `POST /v1/actions/:id/result` (null here: the action stays `approved`).
 */
export function planExecution(actionId: string, resource: ReceiptResource, input: Record<string, unknown>): ExecutionOutcome | null {
  if (!SIMULATED.has(resource.toolId)) return null;
  const result = executeSimulatedConnector({ actionId, resource, input });
  return result.status === 'executed' ? { status: 'executed', output: result.output, outputHash: hashCanonical(result.output) } : result;
}
