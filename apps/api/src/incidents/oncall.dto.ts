import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MAX_MEMBERS, USER_ID_PATTERN, WEEKDAYS, type Weekday } from '@oars/domain';
import { TENANT_ID_PATTERN } from '../actions/submit-action.dto';
import { OptionalTenantBody } from './incidents.dto';

const USER_MESSAGE = '$property must match [A-Za-z0-9_.@:-]{1,128}';

export class OptionalTenantQuery {
  @ApiPropertyOptional({ example: 'tenant_alpha', description: 'omitted: the platform rotations (admins)' })
  @IsOptional() @IsString() @Matches(TENANT_ID_PATTERN, { message: '$property must match [A-Za-z0-9_-]{1,64}' }) tenantId?: string;
}

export class OnCallNowQuery extends OptionalTenantQuery {
  @ApiPropertyOptional({ description: 'the instant to answer for (default: now)' }) @IsOptional() @IsISO8601({ strict: true }) at?: string;
}

export class HandoffDto {
  @ApiProperty({ enum: ['day', 'week'] }) @IsIn(['day', 'week']) every!: 'day' | 'week';
  @ApiProperty({ example: '09:00', description: 'UTC' }) @IsString() @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '$property must be a UTC time HH:MM' }) at!: string;
  @ApiPropertyOptional({ enum: WEEKDAYS, description: 'required for a weekly hand-off' }) @IsOptional() @IsIn([...WEEKDAYS]) weekday?: Weekday;
}

/** `POST /v1/admin/oncall/rotations`: a new rotation, or (with a known rotationId) its replacement. */
export class SaveRotationDto extends OptionalTenantBody {
  @ApiPropertyOptional({ description: 'replace this rotation (its overrides stay)' })
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,80}$/, { message: '$property must match [A-Za-z0-9_-]{1,80}' }) rotationId?: string;
  @ApiProperty({ maxLength: 120 }) @IsString() @IsNotEmpty() @MaxLength(120) name!: string;
  @ApiProperty({ type: [String], example: ['ann', 'bob', 'cat'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_MEMBERS) @IsString({ each: true }) @Matches(USER_ID_PATTERN, { each: true, message: `each value in ${USER_MESSAGE}` }) members!: string[];
  @ApiProperty({ type: HandoffDto }) @IsObject() @ValidateNested() @Type(() => HandoffDto) handoff!: HandoffDto;
  @ApiPropertyOptional({ description: 'members[0] is primary from the hand-off at or before this instant (default: now)' }) @IsOptional() @IsISO8601({ strict: true }) startsAt?: string;
}

export class AddOverrideDto extends OptionalTenantBody {
  @ApiProperty({ enum: ['primary', 'secondary'] }) @IsIn(['primary', 'secondary']) role!: 'primary' | 'secondary';
  @ApiProperty({ example: 'dan' }) @IsString() @Matches(USER_ID_PATTERN, { message: USER_MESSAGE }) userId!: string;
  @ApiProperty() @IsISO8601({ strict: true }) from!: string;
  @ApiProperty() @IsISO8601({ strict: true }) to!: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(500) reason?: string;
}
