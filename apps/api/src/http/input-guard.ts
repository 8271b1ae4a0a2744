import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';
import { findInputProblem } from './hostile-input';

/**
 * A `Content-Encoding` other than identity is refused (415), not inflated: a compressed body was
 * read as plain JSON before, and refusing keeps `bodyLimit` bounding what is parsed (no zip bomb).
 */
export function encodingProblem(encoding: string | string[] | undefined): ApiError | null {
  const value = (Array.isArray(encoding) ? encoding.join(',') : encoding ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return null;
  return new ApiError(415, 'unsupported_media_type', `Content-Encoding ${JSON.stringify(value.slice(0, 64))} is not supported: send the JSON body uncompressed.`);
}

/** The 400 of the first unacceptable string of the path parameters, the query or the body (hostile-input.ts). */
export function inputProblemOf(request: Pick<FastifyRequest, 'params' | 'query' | 'body'>): ApiError | null {
  const problem = findInputProblem(request.params) ?? findInputProblem(request.query) ?? findInputProblem(request.body);
  return problem ? new ApiError(400, 'validation_error', `Invalid request: ${problem.message}.`, [problem]) : null;
}

/**
 * Installs the input guard on every route, in one place: the encoding before the body is parsed, the
 * strings after parsing and before Nest's pipes (validation, class-transformer) see anything. The
 * errors go to the exception filter like any other (envelope, metrics).
 */
export function installInputGuard(fastify: FastifyInstance): void {
  fastify.addHook('preParsing', async (request) => {
    const problem = encodingProblem(request.headers['content-encoding']);
    if (problem) throw problem;
  });
  fastify.addHook('preValidation', async (request) => {
    const problem = inputProblemOf(request);
    if (problem) throw problem;
  });
}
