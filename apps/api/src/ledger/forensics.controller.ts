import { Readable } from 'node:stream';
import { Controller, Get, Inject, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { MAX_REPLAY_EVENTS, type ReplayLine, replayNdjson, replayStream, resolveReplayRange } from '@oars/ops';
import type { Runtime } from '@oars/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Caller, RequireScope } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { ApiError, notFound } from '../http/api-error';
import { createValidationPipe } from '../http/validation';
import { RUNTIME } from '../runtime.token';
import { ReplayQuery } from './ledger-queries.dto';
import { assertReadableStream } from './readable-stream';

/**
 * Forensic replay: a range of a tenant stream read from the event store (never the read models) and
 * verified as it streams (libs/ops `replayStream`), as NDJSON with backpressure: one line per event,
 * then `{summary}`. A failure after the first byte ends the body with an `{error}` line instead of a
 * summary, naming where to resume.
 */
@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/admin/forensics')
export class ForensicsController {
  private readonly logger = new Logger('forensics');

  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get('replay')
  @ApiProduces('application/x-ndjson')
  @RequireScope('ledger:read', 'admin')
  async replay(
    @Query(createValidationPipe()) query: ReplayQuery,
    @Caller() caller: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Readable> {
    const { tenantId, fromSequence, toSequence, from, to } = query;
    assertReadableStream(caller, tenantId);
    const { store } = this.runtime;
    const head = (await store.head(tenantId)).sequence;
    if (head === 0) throw notFound('Tenant stream');
    const answer = await resolveReplayRange(store, tenantId, { fromSequence, toSequence, from, to }, { head, maxEvents: MAX_REPLAY_EVENTS });
    if ('problem' in answer) throw new ApiError(400, 'validation_error', `Invalid request: ${answer.problem.message}.`, [answer.problem]);
    void reply.header('content-type', 'application/x-ndjson; charset=utf-8');
    const lines = this.endingInError(replayStream(store, tenantId, answer.range), answer.range.fromSequence, String(request.id));
    return Readable.from(replayNdjson(lines), { objectMode: false });
  }

  /** The replay's lines; when the store fails mid-way, an `{error}` line (no internals) in place of the summary. */
  private async *endingInError(lines: AsyncIterable<ReplayLine>, fromSequence: number, requestId: string): AsyncGenerator<ReplayLine | { error: { code: string; message: string; requestId: string } }> {
    let resumeAt = fromSequence;
    try {
      for await (const line of lines) {
        if ('sequence' in line) resumeAt = line.sequence + 1;
        yield line;
      }
    } catch (err) {
      this.logger.error({ err, requestId }, 'forensic replay failed');
      yield { error: { code: 'replay_failed', message: `The event store failed during the replay: replay again from sequence ${resumeAt}.`, requestId } };
    }
  }
}
