import { Body, Controller, HttpCode, Param, PipeTransform, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { assertId } from '../actions/actions.controller';
import type { SubmitActionResponse } from '../actions/submit-action.response';
import { Caller, RequireScope } from '../auth/auth.guard';
import type { Principal } from '../auth/token-registry';
import { createValidationPipe } from '../http/validation';
import { CancelActionDto } from './cancel-action.dto';
import { CancelAction, ReportActionResult } from './lifecycle.commands';
import { ReportActionResultDto, resultReportOf } from './report-action-result.dto';

/** A POST without a body is an empty body. */
const emptyBody: PipeTransform = { transform: (value: unknown) => value ?? {} };

/**
 * The rest of an action's lifecycle after submission. Both answer 200 with the shape of
 * `POST /v1/actions` for the receipt they appended (or found, when repeated).
 */
@ApiTags('actions')
@ApiBearerAuth()
@Controller('v1/actions')
export class LifecycleController {
  constructor(private readonly commands: CommandBus) {}

  /** Cancels an action waiting for approval or for its agent's result (the requester or an admin). */
  @Post(':actionId/cancel')
  @HttpCode(200)
  @RequireScope('actions:write')
  async cancel(
    @Param('actionId') actionId: string,
    @Body(emptyBody, createValidationPipe()) body: CancelActionDto,
    @Caller() caller: Principal,
    @Req() req: FastifyRequest,
  ): Promise<SubmitActionResponse> {
    assertId('actionId', actionId);
    return this.commands.execute(new CancelAction(actionId, caller, body.reason ?? null, String(req.id)));
  }

  /** The agent reports the outcome of an action approved for it to execute (the submitter or an admin). */
  @Post(':actionId/result')
  @HttpCode(200)
  @RequireScope('actions:write')
  async result(
    @Param('actionId') actionId: string,
    @Body(createValidationPipe()) body: ReportActionResultDto,
    @Caller() caller: Principal,
    @Req() req: FastifyRequest,
  ): Promise<SubmitActionResponse> {
    assertId('actionId', actionId);
    return this.commands.execute(new ReportActionResult(actionId, caller, resultReportOf(body), String(req.id)));
  }
}
