import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A job to publish, written in the same transaction as the change it belongs to, so a Redis
 * outage delays the job but never loses it. The relay publishes with jobId = `outbox-<id>`.
 */
@Entity({ name: 'outbox_message' })
@Index('ix_outbox_message_pending', ['id'], { where: 'published_at IS NULL' })
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', primaryKeyConstraintName: 'pk_outbox_message' })
  id: string;

  @Column({ type: 'uuid', nullable: true })
  tenantId: string | null;

  @Column({ type: 'text' })
  jobName: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;
}
