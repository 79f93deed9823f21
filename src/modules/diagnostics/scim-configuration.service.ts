import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { AuditActor } from '../audit/audit.recorder';
import { requireTenant } from '../audit/audit-query.service';
import { RoleMappingService } from '../role-mapping/role-mapping.service';
import { TenantsService } from '../tenants/tenants.service';
import { ScimConfigurationModel } from './diagnostics.models';
import { lastPushAt, tenantKeys } from './scim-queries';

/** The SCIM set-up of a tenant in one answer, and the two switches support staff may flip. */
@Injectable()
export class ScimConfigurationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsService,
    private readonly roleMappings: RoleMappingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(tenantId: string): Promise<ScimConfigurationModel> {
    const manager = this.dataSource.manager;
    const tenant = await requireTenant(manager, tenantId);
    const now = new Date();
    const [keys, roleMappings, pushAt, [users], [groups]] = await Promise.all([
      tenantKeys(manager, tenantId, now),
      this.roleMappings.listMappings(tenantId),
      lastPushAt(manager, tenantId),
      manager.query<Array<{ total: number; active: number }>>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE active)::int AS active FROM scim_user WHERE tenant_id = $1`,
        [tenantId],
      ),
      manager.query<Array<{ total: number }>>(
        `SELECT count(*)::int AS total FROM scim_group WHERE tenant_id = $1`,
        [tenantId],
      ),
    ]);
    return {
      tenantId: tenant.id,
      tenantName: tenant.name,
      enabled: tenant.scimEnabled,
      baseUrl: `${this.config.PUBLIC_BASE_URL}/scim/v2`,
      authenticationMode: 'oauthbearertoken',
      bearerFormat: `${this.config.PROJECT_ID}:<access key>`,
      keys,
      jitProvisioning: tenant.jitProvisioning,
      roleMappings,
      lastSuccessfulPushAt: pushAt,
      userCount: users.total,
      activeUserCount: users.active,
      groupCount: groups.total,
    };
  }

  /** Delegates to TenantsService.update: audited as tenant.updated, and the key cache is told. */
  async setScimEnabled(
    tenantId: string,
    enabled: boolean,
    actor: AuditActor,
  ): Promise<ScimConfigurationModel> {
    await this.tenants.update({ id: tenantId, scimEnabled: enabled }, actor);
    return this.get(tenantId);
  }

  async setJitProvisioning(
    tenantId: string,
    enabled: boolean,
    actor: AuditActor,
  ): Promise<ScimConfigurationModel> {
    await this.tenants.update({ id: tenantId, jitProvisioning: enabled }, actor);
    return this.get(tenantId);
  }
}
