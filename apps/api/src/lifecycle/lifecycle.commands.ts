import type { ActionResultReport } from '@oars/domain';
import type { Principal } from '../auth/token-registry';

export class CancelAction {
  constructor(
    readonly actionId: string,
    readonly caller: Principal,
    readonly reason: string | null,
    readonly requestId: string,
  ) {}
}

export class ReportActionResult {
  constructor(
    readonly actionId: string,
    readonly caller: Principal,
    readonly report: ActionResultReport,
    readonly requestId: string,
  ) {}
}
