import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * meta.created / meta.lastModified filters ("changed since ...") and sortBy on them, with the id
 * as keyset tie-breaker for cursor pages, served by an index instead of a scan of the tenant.
 */
export class ScimTimeIndexes1795509700000 implements MigrationInterface {
  name = 'ScimTimeIndexes1795509700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['scim_user', 'scim_group']) {
      await queryRunner.query(
        `CREATE INDEX "ix_${table}_created" ON "${table}" ("tenant_id", "created_at", "id")`,
      );
      await queryRunner.query(
        `CREATE INDEX "ix_${table}_updated" ON "${table}" ("tenant_id", "updated_at", "id")`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['scim_user', 'scim_group']) {
      await queryRunner.query(`DROP INDEX "ix_${table}_updated"`);
      await queryRunner.query(`DROP INDEX "ix_${table}_created"`);
    }
  }
}
