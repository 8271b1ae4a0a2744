import { PipeTransform } from '@nestjs/common';
import { ApiError } from '../http/api-error';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OARS v1 snake_case (and legacy) names of `POST /v1/actions`, per level of the body. */
const TOP_LEVEL = { tenant_id: 'tenantId', agent_id: 'agentId', user_context: 'userContext', action_context: 'context', actionContext: 'context' };
const NESTED: Record<string, Record<string, string>> = {
  userContext: { user_id: 'userId', session_id: 'sessionId' },
  context: { env: 'environment', data_types: 'dataTypes', requested_at: 'requestedAt' },
  resource: { tool_id: 'toolId' },
};

/** A copy of `obj` with aliases renamed; an alias given beside its canonical name is refused. */
function renamed(obj: Obj, aliases: Record<string, string>, path: string): Obj {
  const out: Obj = { ...obj };
  for (const [from, to] of Object.entries(aliases)) {
    if (!(from in out)) continue;
    if (to in out) {
      const field = path + from;
      throw new ApiError(400, 'validation_error', `Invalid request: both ${path}${to} and its alias ${field} were given.`, [{ field, message: `${field} duplicates ${path}${to}` }]);
    }
    out[to] = out[from];
    delete out[from];
  }
  return out;
}

/** Folds the OARS v1 snake_case aliases of `POST /v1/actions` into the camelCase shape. */
export class SubmitActionAliasesPipe implements PipeTransform {
  transform(value: unknown): unknown {
    if (!isObj(value)) throw new ApiError(400, 'validation_error', 'Invalid request: the body must be a JSON object.');
    const body = renamed(value, TOP_LEVEL, '');
    for (const [key, aliases] of Object.entries(NESTED)) {
      if (isObj(body[key])) body[key] = renamed(body[key] as Obj, aliases, `${key}.`);
    }
    return body;
  }
}
