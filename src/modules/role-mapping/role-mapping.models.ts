import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

import { trimmed } from '../../graphql/transforms';

@ObjectType('Role')
export class RoleModel {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field()
  description: string;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

@ObjectType('RoleMapping')
export class RoleMappingModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  tenantId: string;

  @Field({ description: 'Matched case-insensitively against the displayName of groups the IdP pushes.' })
  groupDisplayName: string;

  @Field(() => [String])
  roles: string[];

  @Field(() => ID, {
    nullable: true,
    description: 'The pushed group it applies to now; null until the IdP pushes it.',
  })
  groupId: string | null;

  @Field(() => Int, { description: 'Users who are members of that group now.' })
  memberCount: number;

  @Field()
  updatedAt: Date;
}

@ObjectType('UserRoleChange')
export class UserRoleChangeModel {
  @Field(() => ID)
  userId: string;

  @Field()
  loginId: string;

  @Field(() => [String])
  gained: string[];

  @Field(() => [String])
  lost: string[];
}

@ObjectType('RoleMappingPreview')
export class RoleMappingPreviewModel {
  @Field(() => Int, { description: 'Users whose roles would change.' })
  affectedUsers: number;

  @Field(() => [UserRoleChangeModel], { description: 'The first changes (see truncated).' })
  changes: UserRoleChangeModel[];

  @Field({ description: 'True when more users are affected than `changes` lists.' })
  truncated: boolean;
}

@InputType()
export class CreateRoleInput {
  @Field()
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(100)
  name: string;

  @Field({ nullable: true, defaultValue: '' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

@InputType()
export class UpdateRoleInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'id must be a UUID' })
  id: string;

  @Field({ nullable: true })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(100)
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

@InputType()
export class SetRoleMappingInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'tenantId must be a UUID' })
  tenantId: string;

  @Field()
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty({ message: 'groupDisplayName must not be empty' })
  @MaxLength(256)
  groupDisplayName: string;

  @Field(() => [String], {
    description: 'Role names from the catalogue; [] removes every role (use deleteRoleMapping).',
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  roles: string[];
}
