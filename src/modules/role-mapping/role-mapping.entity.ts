import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';

import { TenantEntity } from '../tenants/tenant.entity';
import { RoleEntity } from './role.entity';

/**
 * "Members of the group named X get these roles" in one tenant. Matched by display name,
 * case-insensitively, so a mapping can exist before the IdP pushes the group.
 */
@Entity({ name: 'role_mapping' })
@Index('ux_role_mapping_group', { synchronize: false })
export class RoleMappingEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_role_mapping' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_role_mapping' })
  id: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_role_mapping_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  groupDisplayName: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}

/** One role of a mapping; deleting the role from the catalogue removes it from every mapping. */
@Entity({ name: 'role_mapping_role' })
@Index('ix_role_mapping_role_role', ['roleId'])
export class RoleMappingRoleEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_role_mapping_role' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_role_mapping_role' })
  mappingId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_role_mapping_role' })
  roleId: string;

  @ManyToOne(() => RoleMappingEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'fk_role_mapping_role_mapping',
    },
    { name: 'mapping_id', referencedColumnName: 'id' },
  ])
  mapping?: RoleMappingEntity;

  @ManyToOne(() => RoleEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'role_id', foreignKeyConstraintName: 'fk_role_mapping_role_role' })
  role?: RoleEntity;
}
