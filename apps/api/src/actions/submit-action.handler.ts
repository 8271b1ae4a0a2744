import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { APPROVAL_WORKFLOW_SUBJECT, PUBLISHED_POLICY_SUBJECT, defaultApprovalWorkflow, executorOf, planExecution } from '@oars/domain';
import { type ConnectorRequestKey, type RecordedOutcome, saveConnectorRequest } from '@oars/connectors';
import { derivedId, handleActionCommand, lastChainReceipt, randomId } from '@oars/ledger';
import { builtInDefaultPolicy } from '@oars/policy';
import { hashCanonical } from '@oars/receipts';
import type { Runtime } from '@oars/runtime';
import { approvalWorkflowOf, publishedPolicyOf } from '../settings/tenant-settings';
import { RUNTIME } from '../runtime.token';
import { SubmitAction } from './submit-action.command';
import { type SubmitActionResponse, submitResponseOf } from './submit-action.response';
import { forgetUnusedInput, replaySubmission } from './submit-action.replay';

type Result = { response: SubmitActionResponse; position: number };

/**
 * `POST /v1/actions` (rules: SubmitAction of the action decider). This adapter builds the command
 * from the request and the tenant's policy and workflow as of the head it is appended after, and
 * shapes the answer; an HTTP connector's input is stored first and its fast outcome waited for.
 */
@CommandHandler(SubmitAction)
export class SubmitActionHandler implements ICommandHandler<SubmitAction, Result> {
  /** Tools OARS executes through a configured HTTP connector (OARS_HTTP_CONNECTORS). */
  private readonly httpToolIds: ReadonlySet<string>;

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {
    this.httpToolIds = new Set(runtime.config.httpConnectors.map((c) => c.toolId));
  }

  async execute({ body, caller, requestId, idempotencyKey }: SubmitAction): Promise<Result> {
    const tenantId = body.tenantId;
    const userId = body.userContext?.userId ?? caller.subject;
    const resource = { toolId: body.resource.toolId, operation: body.resource.operation, target: body.resource.target };
    const requestHash = idempotencyKey
      ? hashCanonical({
          endpoint: 'POST /v1/actions', tenantId, subject: caller.subject, agentId: body.agentId,
          userContext: { userId, ...(body.userContext?.sessionId ? { sessionId: body.userContext.sessionId } : {}) },
          context: body.context ? { environment: body.context.environment ?? null, dataTypes: body.context.dataTypes ?? null } : null,
          resource: body.resource, input: body.input,
        })
      : null;
    const actionId = idempotencyKey ? derivedId('act', tenantId, caller.subject, idempotencyKey) : randomId('act');

    // An HTTP connector's input is stored before the approval can be appended (receipts keep only
    // its hash); its execution consumer calls the endpoint later, never this request. The wait, if
    // configured, is registered first so a fast outcome is not missed.
    const viaHttp = executorOf(resource.toolId, this.httpToolIds) === 'http';
    const inputHash = hashCanonical(body.input);
    const inputKey: ConnectorRequestKey = { tenantId, actionId, inputHash };
    const storedInput = viaHttp ? await saveConnectorRequest(this.runtime.sql, inputKey, resource.toolId, body.input) : false;
    const outcome: Promise<RecordedOutcome | null> | null =
      viaHttp && this.runtime.executions ? this.runtime.executions.waitForOutcome(tenantId, actionId, this.runtime.config.connectorWaitMs) : null;
    // The built-in connectors are deterministic and side-effect free: planned once, here, where the
    // raw input is; the decider records the outcome and the answer shows the output.
    const execution = planExecution(actionId, resource, body.input, this.httpToolIds);
    const output = execution?.status === 'executed' ? execution.output : null;

    const { value, position } = await handleActionCommand(this.runtime, {
      tenantId, actionId, requestId, knownNew: !idempotencyKey,
      command: (_action, ctx) => ({
        type: 'SubmitAction',
        data: {
          agentId: body.agentId, userId, resource, inputHash, execution, idempotencyRequestHash: requestHash,
          context: { ...(body.context?.environment !== undefined ? { environment: body.context.environment } : {}), ...(body.context?.dataTypes !== undefined ? { dataTypes: body.context.dataTypes } : {}) },
          policy: publishedPolicyOf(ctx.setting(PUBLISHED_POLICY_SUBJECT)) ?? builtInDefaultPolicy(tenantId),
          workflow: approvalWorkflowOf(ctx.setting(APPROVAL_WORKFLOW_SUBJECT)) ?? defaultApprovalWorkflow(tenantId),
          approvalExpirySeconds: this.runtime.config.approvalExpirySeconds || null,
          httpToolIds: this.httpToolIds,
        },
        metadata: { tenantId, actionId, now: new Date().toISOString() },
      }),
      answer: (o) => {
        const last = lastChainReceipt(o);
        return last ? { kind: 'new' as const, response: submitResponseOf(actionId, last, output) } : { kind: 'existing' as const, sequence: o.state.latest!.sequence };
      },
    });
    if (value.kind === 'new') {
      const done = value.response.state === 'approved' && outcome ? await outcome : null;
      return done ? { response: submitResponseOf(actionId, done.receipt, done.output), position: done.receipt.sequence } : { response: value.response, position };
    }
    if (storedInput) await forgetUnusedInput(this.runtime, inputKey);
    return replaySubmission(this.runtime, tenantId, actionId, requestHash!, value.sequence, output);
  }
}
