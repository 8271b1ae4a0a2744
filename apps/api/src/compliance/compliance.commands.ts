import type { Principal } from '../auth/token-registry';
import type { UpsertControlMappingDto } from './compliance.dto';

export class UpsertControlMappingCommand {
  constructor(
    readonly body: UpsertControlMappingDto,
    readonly caller: Principal,
    readonly requestId: string,
  ) {}
}
