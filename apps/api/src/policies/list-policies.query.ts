import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';

/** `GET /v1/policies?tenantId=` (OARS v1 §1.3 #26). */
export class ListPoliciesQuery {
  @ApiProperty() @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId!: string;
}
