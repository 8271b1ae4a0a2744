import { Module } from '@nestjs/common';
import { CancelActionHandler } from './cancel-action.handler';
import { LifecycleController } from './lifecycle.controller';
import { ReportActionResultHandler } from './report-action-result.handler';

/**
 * Lifecycle after submission: cancel, and the agent's result (RUNTIME comes from the global core
 * module). HTTP connector executions run in the runtime's execution consumer, not here.
 */
@Module({ controllers: [LifecycleController], providers: [CancelActionHandler, ReportActionResultHandler] })
export class LifecycleModule {}
