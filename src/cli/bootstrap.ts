import 'reflect-metadata';

import { DataSource } from 'typeorm';

import { AppConfig, ConfigError, loadConfig } from '../config/config';
import { dataSourceOptions } from '../database/data-source-options';
import { AccessKeyEntity } from '../modules/access-keys/access-key.entity';
import { TENANT_ADMIN_ROLE } from '../modules/access-keys/access-key-roles';
import { generateSecret, hashSecret, secretHint } from '../modules/access-keys/access-key-secret';
import { AuditRecorder } from '../modules/audit/audit.recorder';
import { TenantEntity } from '../modules/tenants/tenant.entity';

/**
 * What `npm start` and the container entrypoint run before serving: migrations, the audit
 * partitions ahead, and, on an empty database, a demo tenant with a SCIM key. Then it prints
 * exactly what an Okta or Entra admin pastes.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = new DataSource(dataSourceOptions(config.DATABASE_URL, 'roster-bootstrap'));
  await dataSource.initialize();
  try {
    const applied = await migrateExclusively(dataSource);
    for (const migration of applied) log(`migrated: ${migration.name}`);
    await dataSource.query(`SELECT audit_event_ensure_partitions(now()::date, 3)`);
    if (process.argv.includes('--migrate-only')) return;
    const demo = await ensureDemoTenant(dataSource);
    printConnectionValues(config, demo);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * TypeORM takes no lock of its own: replicas starting together would run the same migration
 * twice. A session advisory lock lets one migrate while the others wait, then find nothing to do.
 */
async function migrateExclusively(dataSource: DataSource) {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('roster-migrations'))`);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query(`SELECT pg_advisory_unlock(hashtext('roster-migrations'))`).catch(() => undefined);
    await lock.release();
  }
}

interface DemoTenant {
  tenant: TenantEntity;
  cleartext?: string;
}

async function ensureDemoTenant(dataSource: DataSource): Promise<DemoTenant | undefined> {
  if (process.env.ROSTER_DEMO_TENANT === 'false') return undefined;
  return dataSource.transaction(async (manager) => {
    // One bootstrap at a time (several replicas may start together).
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('roster-bootstrap'))`);
    const existing = await manager.find(TenantEntity, { order: { createdAt: 'ASC' }, take: 1 });
    if (existing.length > 0) return { tenant: existing[0] };
    const audit = new AuditRecorder();
    const actor = { name: 'bootstrap' };
    const tenant = await manager.save(manager.create(TenantEntity, { name: 'Demo tenant' }));
    await audit.record(manager, {
      tenantId: tenant.id,
      category: 'ManagementEvent',
      type: 'tenant.created',
      actor,
      targetId: tenant.id,
      targetDisplayName: tenant.name,
    });
    const cleartext = generateSecret();
    const key = await manager.save(
      manager.create(AccessKeyEntity, {
        tenantId: tenant.id,
        name: 'Demo IdP',
        roles: [TENANT_ADMIN_ROLE],
        secretHash: hashSecret(cleartext),
        secretHint: secretHint(cleartext),
      }),
    );
    await audit.record(manager, {
      tenantId: tenant.id,
      category: 'ManagementEvent',
      type: 'access_key.created',
      actor,
      targetId: key.id,
      targetDisplayName: key.name,
    });
    return { tenant, cleartext };
  });
}

function printConnectionValues(config: AppConfig, demo: DemoTenant | undefined): void {
  const base = config.PUBLIC_BASE_URL;
  const lines = [
    '',
    '  Roster is starting.',
    '',
    `  SCIM base URL (Okta "SCIM connector base URL", Entra "Tenant URL"):  ${base}/scim/v2`,
  ];
  if (demo?.cleartext) {
    lines.push(
      `  Okta "Authorization" header (HTTP Header mode):                      Bearer ${config.PROJECT_ID}:${demo.cleartext}`,
      `  Entra "Secret Token":                                                ${config.PROJECT_ID}:${demo.cleartext}`,
      `  (demo tenant ${demo.tenant.id}; the key is shown this once and stored only as a hash)`,
    );
  } else if (demo) {
    lines.push(
      `  Bearer: ${config.PROJECT_ID}:<access key>  (tenant "${demo.tenant.name}" ${demo.tenant.id} exists;`,
      `          keys are stored only as hashes: make a new one with the createAccessKey mutation)`,
    );
  }
  lines.push(
    `  Okta "Unique identifier field for users": userName`,
    '',
    `  GraphQL admin API:  ${base}/graphql`,
    `  Management bearer:  Authorization: Bearer ${config.PROJECT_ID}:${config.MANAGEMENT_KEY}`,
    '',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

function log(message: string): void {
  process.stdout.write(`[bootstrap] ${message}\n`);
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : `bootstrap failed: ${(error as Error)?.message ?? String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
