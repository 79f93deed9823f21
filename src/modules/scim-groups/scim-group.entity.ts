import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { TenantEntity } from '../tenants/tenant.entity';

/** A group pushed by the IdP. Its members are rows of scim_group_member, never an array here. */
@Entity({ name: 'scim_group' })
@Index('ux_scim_group_display_name', { synchronize: false })
@Index('ix_scim_group_external_id', ['tenantId', 'externalId'])
@Index('ix_scim_group_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_scim_group_updated', ['tenantId', 'updatedAt', 'id'])
export class ScimGroupEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_scim_group' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_scim_group' })
  id: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_scim_group_tenant' })
  tenant?: TenantEntity;

  /** Unique per tenant, case-insensitively (expression index on lower(display_name)). */
  @Column({ type: 'text' })
  displayName: string;

  @Column({ type: 'text', nullable: true })
  externalId: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
