import { Module } from '@nestjs/common';

/** Policies: controllers and command handlers (RUNTIME comes from the global core module). */
@Module({ controllers: [], providers: [] })
export class PoliciesModule {}
