import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AuditOutcome = 'success' | 'failure';

/**
 * One row per audited action. The table is partitioned by month on occurred_at (see the
 * migration), so retention drops whole partitions and searches touch only the months asked for.
 */
@Entity({ name: 'audit_event' })
@Index('ix_audit_event_tenant_time', ['tenantId', 'occurredAt', 'id'])
// Expression and partial indexes (see migrations/1795509600000-AuditSearch.ts).
@Index('ix_audit_event_tenant_login', { synchronize: false })
@Index('ix_audit_event_tenant_email', { synchronize: false })
@Index('ix_audit_event_tenant_failure', { synchronize: false })
@Index('ix_audit_event_tenant_push', { synchronize: false })
export class AuditEventEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_audit_event' })
  id: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_audit_event' })
  occurredAt: Date;

  /** Null only for deployment-wide events that belong to no tenant. */
  @Column({ type: 'uuid', nullable: true })
  tenantId: string | null;

  /** `SCIMEvent` for SCIM traffic, `ManagementEvent` for the admin API, `SessionEvent` for sign-ins. */
  @Column({ type: 'text' })
  category: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ type: 'text' })
  outcome: AuditOutcome;

  @Column({ type: 'uuid', nullable: true })
  actorKeyId: string | null;

  @Column({ type: 'text', nullable: true })
  actorName: string | null;

  @Column({ type: 'text', nullable: true })
  targetId: string | null;

  /** userName, email or login ID of the target, for "did the IdP ever push this user?". */
  @Column({ type: 'text', nullable: true })
  targetLogin: string | null;

  @Column({ type: 'text', nullable: true })
  targetEmail: string | null;

  @Column({ type: 'text', nullable: true })
  targetDisplayName: string | null;

  @Column({ type: 'smallint', nullable: true })
  httpStatus: number | null;

  @Column({ type: 'text', nullable: true })
  scimType: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'text', array: true, nullable: true })
  changedAttributes: string[] | null;

  @Column({ type: 'text', nullable: true })
  requestId: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent: string | null;

  @Column({ type: 'text', nullable: true })
  sourceIp: string | null;

  @Column({ type: 'jsonb', nullable: true })
  details: Record<string, unknown> | null;
}
