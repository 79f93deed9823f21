import { MigrationInterface, QueryRunner } from 'typeorm';

/** Kept literally in sync with PUSH_PREDICATE in src/modules/audit/audit-event-types.ts. */
const PUSH_PREDICATE = `category = 'SCIMEvent' AND outcome = 'success' AND type LIKE 'scim.%' AND type NOT IN ('scim.user.read', 'scim.users.listed', 'scim.group.read', 'scim.groups.listed', 'scim.search', 'scim.discovery.read')`;

/**
 * Audit search by email or login ID, failure lookups, and the access-key expiry notices.
 * The indexes are declared on the partitioned parent, so every monthly partition (present and
 * future) gets its own: a search prunes to the months asked for, then walks one small index each.
 */
export class AuditSearch1795509600000 implements MigrationInterface {
  name = 'AuditSearch1795509600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Exact, case-insensitive match on the identifiers support staff paste (an email, a login ID).
    await queryRunner.query(
      `CREATE INDEX "ix_audit_event_tenant_login" ON "audit_event" ("tenant_id", lower("target_login"), "occurred_at")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_audit_event_tenant_email" ON "audit_event" ("tenant_id", lower("target_email"), "occurred_at")`,
    );
    // Failures are rare: "last failed request" and the 24 h failure rate read only these.
    await queryRunner.query(
      `CREATE INDEX "ix_audit_event_tenant_failure" ON "audit_event" ("tenant_id", "occurred_at") WHERE outcome = 'failure'`,
    );
    // "Last successful push" and "no pushes in 7 days": successful SCIM changes only, never reads.
    await queryRunner.query(
      `CREATE INDEX "ix_audit_event_tenant_push" ON "audit_event" ("tenant_id", "occurred_at") WHERE ${PUSH_PREDICATE}`,
    );
    // One row per key and condition (expiring / expired) and expiry date: the event is emitted once.
    await queryRunner.query(`
      CREATE TABLE "access_key_expiry_notice" (
        "tenant_id" uuid NOT NULL,
        "key_id" uuid NOT NULL,
        "condition" text NOT NULL,
        "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "noticed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_access_key_expiry_notice" PRIMARY KEY ("tenant_id", "key_id", "condition", "expires_at"),
        CONSTRAINT "fk_access_key_expiry_notice_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "access_key_expiry_notice"`);
    await queryRunner.query(`DROP INDEX "ix_audit_event_tenant_push"`);
    await queryRunner.query(`DROP INDEX "ix_audit_event_tenant_failure"`);
    await queryRunner.query(`DROP INDEX "ix_audit_event_tenant_email"`);
    await queryRunner.query(`DROP INDEX "ix_audit_event_tenant_login"`);
  }
}
