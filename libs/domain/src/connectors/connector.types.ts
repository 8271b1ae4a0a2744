import type { ReceiptResource } from '@oars/receipts';

/** What a connector is asked to do: the approved action's id, resource and raw input. */
export interface ConnectorRequest {
  actionId: string;
  resource: ReceiptResource;
  input: Record<string, unknown>;
}

/**
 * The outcome of running a connector. `output` is what `POST /v1/actions` returns for an executed
 * action (OARS v1 §1.3): the connector's fields, sanitised, plus toolId, operation, target and
 * `referenceId: "exec_<actionId>"`. `error` is the reference's message, verbatim.
 */
export type ConnectorResult = { status: 'executed'; output: Record<string, unknown> } | { status: 'failed'; error: string };

/** One simulated connector: a pure function of the request. */
export type SimulatedConnector = (request: ConnectorRequest) => ConnectorResult;
