import { Module } from '@nestjs/common';
import { CreatePolicyHandler } from './create-policy.handler';
import { PoliciesController } from './policies.controller';
import { ChangePublishedPolicyHandler } from './change-published-policy.handler';

/** Policies: controllers and command handlers (RUNTIME comes from the global core module). */
@Module({ controllers: [PoliciesController], providers: [CreatePolicyHandler, ChangePublishedPolicyHandler] })
export class PoliciesModule {}
