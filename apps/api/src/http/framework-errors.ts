import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-envelope.filter';

/** What Fastify's router answers by itself (before any hook or error handler), in our terms. */
const ROUTER_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_url', message: 'The URL path is not valid percent-encoded UTF-8.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'uri_too_long', message: 'A path parameter is too long.' },
};

/**
 * Fastify's `frameworkErrors`: the router's own refusals (a path that does not decode, e.g. an
 * encoded lone surrogate; a path parameter over `maxParamLength`) in the error envelope instead of
 * Fastify's default body, which echoed the whole path. `onError` counts them.
 */
export function frameworkErrorsHandler(onError: (status: number, code: string) => void) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const known = ROUTER_ERRORS[error.code] ?? { status: 400, code: 'bad_request', message: 'Bad request.' };
    onError(known.status, known.code);
    void reply
      .status(known.status)
      .header('content-type', 'application/json; charset=utf-8')
      .header('x-request-id', String(request.id))
      .send(errorBody(known.code, known.message, String(request.id)));
  };
}
