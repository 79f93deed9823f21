import { MigrationInterface, QueryRunner } from 'typeorm';

/** SCIM users, groups and memberships; every key and index starts with tenant_id (Citus-ready). */
export class ScimResources1795509300000 implements MigrationInterface {
  name = 'ScimResources1795509300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "scim_user" (
        "tenant_id" uuid NOT NULL,
        "id" uuid NOT NULL,
        "user_name" text NOT NULL,
        "external_id" text,
        "display_name" text,
        "active" boolean NOT NULL DEFAULT true,
        "email_values" text array NOT NULL DEFAULT '{}',
        "primary_email" text,
        "data" jsonb NOT NULL,
        "version" integer NOT NULL DEFAULT '1',
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_scim_user" PRIMARY KEY ("tenant_id", "id"),
        CONSTRAINT "fk_scim_user_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE
      )`);
    // userName is unique per tenant whatever its case (RFC 7643: caseExact false, uniqueness server).
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_scim_user_user_name" ON "scim_user" ("tenant_id", lower("user_name"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_scim_user_external_id" ON "scim_user" ("tenant_id", "external_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_scim_user_email_values" ON "scim_user" USING gin ("email_values")`,
    );

    await queryRunner.query(`
      CREATE TABLE "scim_group" (
        "tenant_id" uuid NOT NULL,
        "id" uuid NOT NULL,
        "display_name" text NOT NULL,
        "external_id" text,
        "version" integer NOT NULL DEFAULT '1',
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_scim_group" PRIMARY KEY ("tenant_id", "id"),
        CONSTRAINT "fk_scim_group_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_scim_group_display_name" ON "scim_group" ("tenant_id", lower("display_name"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_scim_group_external_id" ON "scim_group" ("tenant_id", "external_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "scim_group_member" (
        "tenant_id" uuid NOT NULL,
        "group_id" uuid NOT NULL,
        "member_id" uuid NOT NULL,
        "member_type" text NOT NULL DEFAULT 'User',
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "member_user_id" uuid,
        "member_group_id" uuid,
        CONSTRAINT "pk_scim_group_member" PRIMARY KEY ("tenant_id", "group_id", "member_id"),
        CONSTRAINT "ck_scim_group_member_type" CHECK (
          (member_type = 'User' AND member_user_id = member_id AND member_group_id IS NULL) OR
          (member_type = 'Group' AND member_group_id = member_id AND member_user_id IS NULL)),
        CONSTRAINT "fk_scim_group_member_group" FOREIGN KEY ("tenant_id", "group_id")
          REFERENCES "scim_group"("tenant_id", "id") ON DELETE CASCADE,
        -- Removing a user or a nested group removes its memberships with it.
        CONSTRAINT "fk_scim_group_member_user" FOREIGN KEY ("tenant_id", "member_user_id")
          REFERENCES "scim_user"("tenant_id", "id") ON DELETE CASCADE,
        CONSTRAINT "fk_scim_group_member_subgroup" FOREIGN KEY ("tenant_id", "member_group_id")
          REFERENCES "scim_group"("tenant_id", "id") ON DELETE CASCADE
      )`);
    // "Which groups is this user in?", and the lookups behind both cascades.
    await queryRunner.query(
      `CREATE INDEX "ix_scim_group_member_user" ON "scim_group_member" ("tenant_id", "member_user_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_scim_group_member_subgroup" ON "scim_group_member" ("tenant_id", "member_group_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "scim_group_member"`);
    await queryRunner.query(`DROP TABLE "scim_group"`);
    await queryRunner.query(`DROP TABLE "scim_user"`);
  }
}
