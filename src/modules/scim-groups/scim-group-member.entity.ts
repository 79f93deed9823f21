import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { ScimUserEntity } from '../scim-users/scim-user.entity';
import { ScimGroupEntity } from './scim-group.entity';

export type MemberType = 'User' | 'Group';

/** member_user_id / member_group_id repeat member_id for the one foreign key that applies. */
const MEMBER_TYPE_CHECK = `(member_type = 'User' AND member_user_id = member_id AND member_group_id IS NULL) OR (member_type = 'Group' AND member_group_id = member_id AND member_user_id IS NULL)`;

/**
 * One membership. Adding or removing members touches only these rows, so a PATCH to a group of
 * 100,000 members costs what it adds, not what the group holds. A member is a user or a group of
 * the same tenant; removing that user or group removes its rows in the same transaction.
 */
@Entity({ name: 'scim_group_member' })
@Check('ck_scim_group_member_type', MEMBER_TYPE_CHECK)
@Index('ix_scim_group_member_user', ['tenantId', 'memberUserId'])
@Index('ix_scim_group_member_subgroup', ['tenantId', 'memberGroupId'])
export class ScimGroupMemberEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_scim_group_member' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_scim_group_member' })
  groupId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_scim_group_member' })
  memberId: string;

  @ManyToOne(() => ScimGroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'fk_scim_group_member_group',
    },
    { name: 'group_id', referencedColumnName: 'id' },
  ])
  group?: ScimGroupEntity;

  @Column({ type: 'text', default: 'User' })
  memberType: MemberType;

  /** member_id when the member is a user: the foreign key that removes the row with the user. */
  @Column({ type: 'uuid', nullable: true })
  memberUserId: string | null;

  /** member_id when the member is a group (nested groups), likewise. */
  @Column({ type: 'uuid', nullable: true })
  memberGroupId: string | null;

  @ManyToOne(() => ScimUserEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'fk_scim_group_member_user',
    },
    { name: 'member_user_id', referencedColumnName: 'id' },
  ])
  memberUser?: ScimUserEntity;

  @ManyToOne(() => ScimGroupEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'fk_scim_group_member_subgroup',
    },
    { name: 'member_group_id', referencedColumnName: 'id' },
  ])
  memberGroup?: ScimGroupEntity;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;
}
