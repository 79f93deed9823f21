import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';

import { trimmed } from '../../graphql/transforms';
import { TENANT_ADMIN_ROLE } from './access-key-roles';

@InputType()
export class CreateAccessKeyInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId: string;

  @Field()
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(200)
  name: string;

  @Field(() => [String], {
    nullable: true,
    defaultValue: [TENANT_ADMIN_ROLE],
    description: `SCIM needs "${TENANT_ADMIN_ROLE}".`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotEmpty({ each: true, message: 'roles must not contain empty names' })
  roles?: string[];

  @Field(() => Date, { nullable: true, description: 'ISO 8601; must be in the future. Null: never expires.' })
  @IsOptional()
  @IsDate()
  expiresAt?: Date | null;
}
