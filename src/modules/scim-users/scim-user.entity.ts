import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { TenantEntity } from '../tenants/tenant.entity';

/**
 * A provisioned user. `data` holds the whole SCIM resource (core attributes and extensions,
 * schema-cased); the other columns are projections of it that filters, uniqueness and sorting
 * use through indexes. No password is stored: Roster users sign in through SSO, so a password an
 * IdP pushes is accepted and discarded.
 */
@Entity({ name: 'scim_user' })
@Index('ux_scim_user_user_name', { synchronize: false })
@Index('ix_scim_user_external_id', ['tenantId', 'externalId'])
@Index('ix_scim_user_created', ['tenantId', 'createdAt', 'id'])
@Index('ix_scim_user_updated', ['tenantId', 'updatedAt', 'id'])
@Index('ix_scim_user_email_values', { synchronize: false })
export class ScimUserEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_scim_user' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_scim_user' })
  id: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_scim_user_tenant' })
  tenant?: TenantEntity;

  /** Unique per tenant, case-insensitively (expression index on lower(user_name)). */
  @Column({ type: 'text' })
  userName: string;

  @Column({ type: 'text', nullable: true })
  externalId: string | null;

  @Column({ type: 'text', nullable: true })
  displayName: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Lower-cased values of every email, GIN-indexed for `emails[...].value eq` filters. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  emailValues: string[];

  /** The primary (else first) email, for audit search and session claims. */
  @Column({ type: 'text', nullable: true })
  primaryEmail: string | null;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
