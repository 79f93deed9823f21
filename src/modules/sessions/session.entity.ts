import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';

import { ScimUserEntity } from '../scim-users/scim-user.entity';

/**
 * A sign-in session of a provisioned user. The refresh token is stored only as a SHA-256 hash.
 * `refreshRequiredAt` is set by the workers when something that shapes the session's claims
 * changed (profile, groups, role mappings); `revokedAt` when the user lost access.
 */
@Entity({ name: 'session' })
@Index('ix_session_user', ['tenantId', 'userId'])
export class SessionEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_session' })
  tenantId: string;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_session' })
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => ScimUserEntity, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'tenant_id', referencedColumnName: 'tenantId', foreignKeyConstraintName: 'fk_session_user' },
    { name: 'user_id', referencedColumnName: 'id' },
  ])
  user?: ScimUserEntity;

  @Column({ type: 'char', length: 64 })
  refreshTokenHash: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastRefreshedAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  refreshRequiredAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  revokedReason: string | null;
}
