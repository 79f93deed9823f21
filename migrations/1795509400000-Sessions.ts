import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sessions of provisioned users; removed with the user, flagged or revoked by the workers. */
export class Sessions1795509400000 implements MigrationInterface {
  name = 'Sessions1795509400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "session" (
        "tenant_id" uuid NOT NULL,
        "id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "refresh_token_hash" character(64) NOT NULL,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "last_refreshed_at" TIMESTAMP(3) WITH TIME ZONE,
        "refresh_required_at" TIMESTAMP(3) WITH TIME ZONE,
        "revoked_at" TIMESTAMP(3) WITH TIME ZONE,
        "revoked_reason" text,
        CONSTRAINT "pk_session" PRIMARY KEY ("tenant_id", "id"),
        CONSTRAINT "fk_session_user" FOREIGN KEY ("tenant_id", "user_id")
          REFERENCES "scim_user"("tenant_id", "id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_session_user" ON "session" ("tenant_id", "user_id")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "session"`);
  }
}
