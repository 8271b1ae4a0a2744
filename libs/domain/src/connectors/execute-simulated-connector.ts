import type { ConnectorRequest, ConnectorResult } from './connector.types';
import { isBlockedSandboxTarget } from './sandbox-target';
import { SIMULATED_CONNECTORS } from './simulated-connectors';

const REDACTED_KEYS = new Set(['password', 'secret', 'token']);

/**
 * Runs an approved action through the built-in simulated connectors (OARS v1 §2.18), in the
 * reference's order: the sandbox target check, the connector lookup, the connector. The
 * reference's "operation contains fail" test hook is deliberately absent, and the database
 * simulator needs no vault secret. Pure and deterministic: the same request gives the same result.
 */
export function executeSimulatedConnector(request: ConnectorRequest): ConnectorResult {
  const { actionId, resource } = request;
  if (isBlockedSandboxTarget(resource.target)) {
    return { status: 'failed', error: 'Execution blocked by connector sandbox target policy.' };
  }
  const connector = SIMULATED_CONNECTORS.get(resource.toolId);
  if (!connector) return { status: 'failed', error: `No registered connector for tool: ${resource.toolId}` };
  const result = connector(request);
  if (result.status === 'failed') return result;
  return {
    status: 'executed',
    output: sanitizeOutput({
      ...result.output,
      toolId: resource.toolId,
      operation: resource.operation,
      target: resource.target,
      referenceId: `exec_${actionId}`,
    }),
  };
}

/** Top-level `password`, `secret` and `token` keys (any case) become "[REDACTED]", as in the reference. */
export function sanitizeOutput(output: Record<string, unknown>): Record<string, unknown> {
  // fromEntries defines own properties, so a "__proto__" key stays data and never sets a prototype.
  return Object.fromEntries(Object.entries(output).map(([key, value]) => [key, REDACTED_KEYS.has(key.toLowerCase()) ? '[REDACTED]' : value]));
}
