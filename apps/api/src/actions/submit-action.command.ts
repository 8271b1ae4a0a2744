import type { Principal } from '../auth/token-registry';
import type { SubmitActionDto } from './submit-action.dto';

export class SubmitAction {
  constructor(
    readonly body: SubmitActionDto,
    readonly caller: Principal,
    readonly requestId: string,
    readonly idempotencyKey: string | null,
  ) {}
}
