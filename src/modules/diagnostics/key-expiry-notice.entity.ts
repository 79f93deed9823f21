import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { TenantEntity } from '../tenants/tenant.entity';

/**
 * That an `access_key.expiring` / `access_key.expired` event was emitted for a key and expiry
 * date: the insert that wins (ON CONFLICT DO NOTHING) emits the event, so each condition is
 * reported once per key, whatever the number of workers. A new expiry date is a new condition.
 */
@Entity({ name: 'access_key_expiry_notice' })
export class AccessKeyExpiryNoticeEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_access_key_expiry_notice' })
  tenantId: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_access_key_expiry_notice_tenant' })
  tenant?: TenantEntity;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_access_key_expiry_notice' })
  keyId: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_access_key_expiry_notice' })
  condition: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_access_key_expiry_notice' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  noticedAt: Date;
}
