import type { Principal } from '../auth/token-registry';
import type { SubmitActionDto } from './submit-action.dto';

/** The SubmitAction request as the controller hands it to its handler, which builds the domain command from it. */
export class SubmitAction {
  constructor(
    readonly body: SubmitActionDto,
    readonly caller: Principal,
    readonly requestId: string,
    readonly idempotencyKey: string | null,
  ) {}
}
