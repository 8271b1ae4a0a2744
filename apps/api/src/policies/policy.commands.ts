import type { Principal } from '../auth/token-registry';
import type { CreatePolicyDto } from './create-policy.dto';

export class CreatePolicyCommand {
  constructor(
    readonly body: CreatePolicyDto,
    readonly caller: Principal,
    readonly requestId: string,
    readonly idempotencyKey: string | null,
  ) {}
}

/** Publish or roll back to `policyId` in `tenantId` (already located among the caller's tenants). */
export class ChangePublishedPolicyCommand {
  constructor(
    readonly kind: 'PublishPolicy' | 'RollbackPolicy',
    readonly tenantId: string,
    readonly policyId: string,
    readonly caller: Principal,
    readonly requestId: string,
  ) {}
}
