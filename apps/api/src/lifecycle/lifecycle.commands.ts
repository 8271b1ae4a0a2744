import type { ActionResultReport } from '@oars/domain';
import type { Principal } from '../auth/token-registry';

/** The CancelAction request as the controller hands it to its handler, which builds the domain command from it. */
export class CancelAction {
  constructor(
    readonly actionId: string,
    readonly caller: Principal,
    readonly reason: string | null,
    readonly requestId: string,
  ) {}
}

/** The ReportActionResult request as the controller hands it to its handler, which builds the domain command from it. */
export class ReportActionResult {
  constructor(
    readonly actionId: string,
    readonly caller: Principal,
    readonly report: ActionResultReport,
    readonly requestId: string,
  ) {}
}
