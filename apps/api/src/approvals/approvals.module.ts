import { Module } from '@nestjs/common';
import { ApprovalAdminController } from './approval-admin.controller';
import { ApprovalsController } from './approvals.controller';
import { ConfigureApprovalWorkflowHandler } from './configure-workflow.handler';
import { DecideApprovalHandler } from './decide-approval.handler';
import { EnrollStepUpHandler } from './enroll-step-up.handler';

/** Approvals: controllers and command handlers (RUNTIME comes from the global core module). */
@Module({
  controllers: [ApprovalsController, ApprovalAdminController],
  providers: [DecideApprovalHandler, ConfigureApprovalWorkflowHandler, EnrollStepUpHandler],
})
export class ApprovalsModule {}
