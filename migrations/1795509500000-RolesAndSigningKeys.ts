import { MigrationInterface, QueryRunner } from 'typeorm';

/** The role catalogue, per-tenant group-to-role mappings, and the JWT signing keys. */
export class RolesAndSigningKeys1795509500000 implements MigrationInterface {
  name = 'RolesAndSigningKeys1795509500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "role" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" text NOT NULL,
        "description" text NOT NULL DEFAULT '',
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_role" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_role_name" ON "role" (lower("name"))`);
    await queryRunner.query(`
      CREATE TABLE "role_mapping" (
        "tenant_id" uuid NOT NULL,
        "id" uuid NOT NULL,
        "group_display_name" text NOT NULL,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_role_mapping" PRIMARY KEY ("tenant_id", "id"),
        CONSTRAINT "fk_role_mapping_tenant" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "ux_role_mapping_group" ON "role_mapping" ("tenant_id", lower("group_display_name"))`,
    );
    await queryRunner.query(`
      CREATE TABLE "role_mapping_role" (
        "tenant_id" uuid NOT NULL,
        "mapping_id" uuid NOT NULL,
        "role_id" uuid NOT NULL,
        CONSTRAINT "pk_role_mapping_role" PRIMARY KEY ("tenant_id", "mapping_id", "role_id"),
        CONSTRAINT "fk_role_mapping_role_mapping" FOREIGN KEY ("tenant_id", "mapping_id")
          REFERENCES "role_mapping"("tenant_id", "id") ON DELETE CASCADE,
        CONSTRAINT "fk_role_mapping_role_role" FOREIGN KEY ("role_id") REFERENCES "role"("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_role_mapping_role_role" ON "role_mapping_role" ("role_id")`);
    await queryRunner.query(`
      CREATE TABLE "signing_key" (
        "id" text NOT NULL,
        "algorithm" text NOT NULL,
        "public_jwk" jsonb NOT NULL,
        "encrypted_private_jwk" text NOT NULL,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "retired_at" TIMESTAMP(3) WITH TIME ZONE,
        "expires_at" TIMESTAMP(3) WITH TIME ZONE,
        CONSTRAINT "pk_signing_key" PRIMARY KEY ("id")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "signing_key"`);
    await queryRunner.query(`DROP TABLE "role_mapping_role"`);
    await queryRunner.query(`DROP TABLE "role_mapping"`);
    await queryRunner.query(`DROP TABLE "role"`);
  }
}
