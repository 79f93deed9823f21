import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An enterprise customer of the application; every other row belongs to exactly one tenant. */
@Entity({ name: 'tenant' })
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_tenant' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Off by default: with SCIM as the source of truth, only pushed users may log in. */
  @Column({ type: 'boolean', default: false })
  jitProvisioning: boolean;

  @Column({ type: 'boolean', default: true })
  scimEnabled: boolean;

  /** Millisecond precision, so a JavaScript Date in a page cursor matches the row exactly. */
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
