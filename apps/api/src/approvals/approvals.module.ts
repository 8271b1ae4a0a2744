import { Module } from '@nestjs/common';

/** Approvals: controllers and command handlers (RUNTIME comes from the global core module). */
@Module({ controllers: [], providers: [] })
export class ApprovalsModule {}
