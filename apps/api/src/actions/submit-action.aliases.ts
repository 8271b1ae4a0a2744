import { PipeTransform } from '@nestjs/common';
import { ApiError } from '../http/api-error';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function rename(obj: Obj, from: string, to: string): void {
  if (from in obj) {
    if (to in obj) throw new ApiError(400, 'validation_error', `Invalid request: both ${to} and its alias ${from} were given.`, [{ field: from, message: `${from} duplicates ${to}` }]);
    obj[to] = obj[from];
    delete obj[from];
  }
}

/** Folds the OARS v1 snake_case aliases of `POST /v1/actions` into the camelCase shape. */
export class SubmitActionAliasesPipe implements PipeTransform {
  transform(value: unknown): unknown {
    if (!isObj(value)) throw new ApiError(400, 'validation_error', 'Invalid request: the body must be a JSON object.');
    const body: Obj = { ...value };
    rename(body, 'tenant_id', 'tenantId');
    rename(body, 'agent_id', 'agentId');
    rename(body, 'user_context', 'userContext');
    rename(body, 'action_context', 'context');
    rename(body, 'actionContext', 'context');
    if (isObj(body.userContext)) {
      body.userContext = { ...body.userContext };
      rename(body.userContext as Obj, 'user_id', 'userId');
      rename(body.userContext as Obj, 'session_id', 'sessionId');
    }
    if (isObj(body.context)) {
      const ctx = (body.context = { ...body.context }) as Obj;
      rename(ctx, 'env', 'environment');
      rename(ctx, 'data_types', 'dataTypes');
      rename(ctx, 'requested_at', 'requestedAt');
    }
    if (isObj(body.resource)) {
      body.resource = { ...body.resource };
      rename(body.resource as Obj, 'tool_id', 'toolId');
    }
    return body;
  }
}
