import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import { OarsMetrics } from '@oars/ops';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';
import { authFailureOf } from '../ops/auth-failure-of-request';
import { domainErrorAnswer } from './domain-error-status';

/** Fastify's own errors (body parsing and limits) by their code. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'Request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Content-Type must be application/json.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'Request body is empty but Content-Type is application/json.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'Request body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_request', message: 'Content-Length does not match the body.' },
};

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown };
}

/** The body of every error answer. */
export function errorBody(code: string, message: string, requestId: string, details?: unknown): ErrorBody {
  return { error: { code, message, requestId, ...(details !== undefined ? { details } : {}) } };
}

/** Maps every error to the envelope `{ error: { code, message, requestId } }`; never leaks internals. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  constructor(@Optional() private readonly metrics?: OarsMetrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { status, body } = this.toEnvelope(exception, request);
    if (status >= 500) this.logger.error({ err: exception, requestId: request.id }, body.error.message);
    this.metrics?.errors.inc({ status: `${Math.floor(status / 100)}xx`, code: body.error.code });
    // Counted, and recorded as a security event of the tenant the request named.
    if (status === 401 || (status === 403 && body.error.code !== 'cors_forbidden')) this.metrics?.recordAuthFailure(authFailureOf(request, status, body.error));
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  toEnvelope(exception: unknown, request: FastifyRequest): { status: number; body: ErrorBody } {
    const requestId = String(request.id);
    const make = (status: number, code: string, message: string, details?: unknown) => ({ status, body: errorBody(code, message, requestId, details) });
    if (exception instanceof ApiError) return make(exception.status, exception.code, exception.message, exception.details);
    const e = exception as { code?: unknown; statusCode?: unknown; message?: string; problems?: unknown };
    if (typeof e?.code === 'string' && FASTIFY_ERRORS[e.code]) {
      const f = FASTIFY_ERRORS[e.code]!;
      return make(f.status, f.code, f.message);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return make(404, 'not_found', `Route ${request.method} ${request.url.split('?')[0]} not found.`);
      if (status === 405) return make(405, 'method_not_allowed', 'Method not allowed.');
      if (status === 413) return make(413, 'payload_too_large', 'Request body is too large.');
      if (status === 415) return make(415, 'unsupported_media_type', 'Content-Type must be application/json.');
      if (status === 400 && /JSON/i.test(exception.message)) return make(400, 'invalid_json', 'Request body is not valid JSON.');
      return make(status, status >= 500 ? 'internal_error' : 'bad_request', status >= 500 ? 'Unexpected error.' : exception.message);
    }
    const coded = typeof e?.code === 'string' ? domainErrorAnswer(e as { code: string }) : null;
    if (coded) return make(coded.status, coded.code, coded.message, coded.details);
    if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return make(e.statusCode, 'bad_request', e.message ?? 'Bad request.');
    }
    return make(500, 'internal_error', 'Unexpected error.');
  }
}
