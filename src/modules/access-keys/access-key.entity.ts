import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';

import { TenantEntity } from '../tenants/tenant.entity';

/**
 * A tenant-scoped secret an IdP uses as its bearer. Only the SHA-256 of the secret is stored:
 * the secret carries 256 bits of entropy, so a slow password hash would add latency, not safety.
 * Small and looked up by hash before the tenant is known, so under Citus it is a reference table.
 */
@Entity({ name: 'access_key' })
@Index('ix_access_key_tenant', ['tenantId', 'createdAt'])
export class AccessKeyEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_access_key' })
  id: string;

  @Column({ type: 'uuid' })
  tenantId: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_access_key_tenant' })
  tenant?: TenantEntity;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles: string[];

  /** Hex SHA-256 of the cleartext secret. */
  @Index('ux_access_key_secret_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  secretHash: string;

  /** Last characters of the secret, so support can tell keys apart without seeing them. */
  @Column({ type: 'text' })
  secretHint: string;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  /** The key this one replaced by rotation, if any. */
  @Column({ type: 'uuid', nullable: true })
  rotatedFromId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
