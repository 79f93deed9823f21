import { randomUUID } from 'node:crypto';

import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { AppError } from '../../common/app-error';
import { Tx, UnitOfWork } from '../../database/unit-of-work';
import { isUniqueViolation } from '../../persistence/unique-violation';
import { AuditActor, AuditRecorder } from '../audit/audit.recorder';
import { Outbox } from '../outbox/outbox.service';
import { GroupEvents, GroupRenamed } from '../scim-groups/group-events';
import { RoleEntity } from './role.entity';
import {
  CreateRoleInput,
  RoleMappingModel,
  RoleMappingPreviewModel,
  SetRoleMappingInput,
  UpdateRoleInput,
} from './role-mapping.models';

const PREVIEW_LIMIT = 200;

/**
 * SQL for the roles a user holds in a tenant (sorted names), as an expression other queries can
 * embed, so the session refresh reads session, user and roles in one statement.
 */
export function userRolesSql(tenantId: string, userId: string): string {
  return `ARRAY(SELECT DISTINCT r.name
      FROM scim_group_member m
      JOIN scim_group g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
      JOIN role_mapping rm ON rm.tenant_id = g.tenant_id AND lower(rm.group_display_name) = lower(g.display_name)
      JOIN role_mapping_role rmr ON rmr.tenant_id = rm.tenant_id AND rmr.mapping_id = rm.id
      JOIN role r ON r.id = rmr.role_id
     WHERE m.tenant_id = ${tenantId} AND m.member_user_id = ${userId}
     ORDER BY r.name)`;
}

/**
 * Groups pushed by the IdP become roles: a user's roles in a tenant are the union of the roles
 * mapped from the groups they belong to. Mappings match group names case-insensitively; every
 * change flags the sessions of the users it concerns, through the outbox.
 */
@Injectable()
export class RoleMappingService implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly outbox: Outbox,
    private readonly groupEvents: GroupEvents,
  ) {}

  onModuleInit(): void {
    this.groupEvents.onRenamed((tx, change) => this.followRename(tx, change));
  }

  /**
   * The IdP renamed a group: its mapping follows the new name, unless a mapping for the new name
   * already exists (then that one applies, and the old one waits for a group of the old name).
   */
  private async followRename(tx: Tx, change: GroupRenamed): Promise<void> {
    await tx.manager.query(
      `UPDATE role_mapping SET group_display_name = $3, updated_at = now()
        WHERE tenant_id = $1 AND lower(group_display_name) = lower($2)
          AND (lower($2) = lower($3) OR NOT EXISTS (
            SELECT 1 FROM role_mapping WHERE tenant_id = $1 AND lower(group_display_name) = lower($3)))`,
      [change.tenantId, change.from, change.to],
    );
  }

  // ---- role catalogue -------------------------------------------------------------------------

  listRoles(): Promise<RoleEntity[]> {
    return this.dataSource.getRepository(RoleEntity).find({ order: { name: 'ASC' } });
  }

  async createRole(input: CreateRoleInput, actor: AuditActor): Promise<RoleEntity> {
    try {
      return await this.uow.run(async (tx) => {
        const role = await tx.manager.save(
          tx.manager.create(RoleEntity, { name: input.name, description: input.description ?? '' }),
        );
        await this.recordManagement(tx, null, 'role.created', actor, role.id, role.name);
        return role;
      });
    } catch (error) {
      throw this.roleConflict(error, input.name);
    }
  }

  async updateRole(input: UpdateRoleInput, actor: AuditActor): Promise<RoleEntity> {
    try {
      return await this.uow.run(async (tx) => {
        const role = await tx.manager.findOne(RoleEntity, {
          where: { id: input.id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!role) throw AppError.notFound('role', input.id);
        const renamed = input.name !== undefined && input.name !== role.name;
        if (input.name !== undefined) role.name = input.name;
        if (input.description !== undefined) role.description = input.description;
        const saved = await tx.manager.save(role);
        await this.recordManagement(tx, null, 'role.updated', actor, saved.id, saved.name);
        // Session claims carry role names: a rename changes the claims of everyone who has it.
        if (renamed) await this.flagMappingsUsingRole(tx, saved.id, 'role renamed');
        return saved;
      });
    } catch (error) {
      throw this.roleConflict(error, input.name ?? '');
    }
  }

  async deleteRole(id: string, actor: AuditActor): Promise<RoleEntity> {
    return this.uow.run(async (tx) => {
      const role = await tx.manager.findOne(RoleEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!role) throw AppError.notFound('role', id);
      await this.flagMappingsUsingRole(tx, id, 'role deleted');
      await tx.manager.delete(RoleEntity, { id }); // mappings lose it by cascade
      await this.recordManagement(tx, null, 'role.deleted', actor, role.id, role.name);
      return role;
    });
  }

  // ---- mappings -------------------------------------------------------------------------------

  async listMappings(tenantId: string): Promise<RoleMappingModel[]> {
    await this.requireTenant(this.dataSource.manager, tenantId);
    return this.mappings(this.dataSource.manager, tenantId);
  }

  async setMapping(input: SetRoleMappingInput, actor: AuditActor): Promise<RoleMappingModel> {
    const roles = await this.resolveRoles(input.roles);
    return this.uow.run(async (tx) => {
      await this.requireTenant(tx.manager, input.tenantId, true);
      const [mapping] = await tx.manager.query<Array<{ id: string }>>(
        `INSERT INTO role_mapping (tenant_id, id, group_display_name) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, lower(group_display_name))
         DO UPDATE SET group_display_name = EXCLUDED.group_display_name, updated_at = now()
         RETURNING id`,
        [input.tenantId, randomUUID(), input.groupDisplayName],
      );
      const before = await this.mappingRoleNames(tx.manager, input.tenantId, mapping.id);
      await tx.manager.query(`DELETE FROM role_mapping_role WHERE tenant_id = $1 AND mapping_id = $2`, [
        input.tenantId,
        mapping.id,
      ]);
      await tx.manager.query(
        `INSERT INTO role_mapping_role (tenant_id, mapping_id, role_id) SELECT $1, $2, unnest($3::uuid[])`,
        [input.tenantId, mapping.id, roles.map((role) => role.id)],
      );
      await this.recordManagement(
        tx,
        input.tenantId,
        'role_mapping.set',
        actor,
        mapping.id,
        input.groupDisplayName,
        {
          rolesBefore: before,
          rolesAfter: roles.map((role) => role.name),
        },
      );
      await this.flagGroupNamed(tx, input.tenantId, input.groupDisplayName, 'role mapping changed');
      const [saved] = (await this.mappings(tx.manager, input.tenantId)).filter(
        (entry) => entry.id === mapping.id,
      );
      return saved;
    });
  }

  async deleteMapping(
    tenantId: string,
    groupDisplayName: string,
    actor: AuditActor,
  ): Promise<RoleMappingModel> {
    return this.uow.run(async (tx) => {
      const [existing] = (await this.mappings(tx.manager, tenantId)).filter(
        (entry) => entry.groupDisplayName.toLowerCase() === groupDisplayName.trim().toLowerCase(),
      );
      if (!existing) throw AppError.notFound('role mapping for group', groupDisplayName);
      await tx.manager.query(`DELETE FROM role_mapping WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        existing.id,
      ]);
      await this.recordManagement(
        tx,
        tenantId,
        'role_mapping.deleted',
        actor,
        existing.id,
        existing.groupDisplayName,
        {
          rolesBefore: existing.roles,
        },
      );
      await this.flagGroupNamed(tx, tenantId, existing.groupDisplayName, 'role mapping deleted');
      return existing;
    });
  }

  /**
   * Who would gain or lose which roles if the mapping of `groupDisplayName` became `roles`,
   * computed in SQL over the group's members; nothing is written.
   */
  async preview(
    tenantId: string,
    groupDisplayName: string,
    roleNames: string[],
  ): Promise<RoleMappingPreviewModel> {
    await this.requireTenant(this.dataSource.manager, tenantId);
    const roles = (await this.resolveRoles(roleNames)).map((role) => role.name);
    const manager = this.dataSource.manager;
    const [group] = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM scim_group WHERE tenant_id = $1 AND lower(display_name) = lower($2)`,
      [tenantId, groupDisplayName.trim()],
    );
    if (!group) return { affectedUsers: 0, changes: [], truncated: false };
    const [mapping] = (await this.mappings(manager, tenantId)).filter(
      (entry) => entry.groupDisplayName.toLowerCase() === groupDisplayName.trim().toLowerCase(),
    );
    const current = mapping?.roles ?? [];
    const rows = await manager.query<
      Array<{ user_id: string; login_id: string; gained: string[]; lost: string[]; total: number }>
    >(
      `WITH members AS (
         SELECT member_user_id AS user_id FROM scim_group_member
          WHERE tenant_id = $1 AND group_id = $2 AND member_user_id IS NOT NULL),
       other AS (
         SELECT m.member_user_id AS user_id, array_agg(DISTINCT r.name) AS roles
           FROM members x
           JOIN scim_group_member m ON m.tenant_id = $1 AND m.member_user_id = x.user_id AND m.group_id <> $2
           JOIN scim_group g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
           JOIN role_mapping rm ON rm.tenant_id = g.tenant_id AND lower(rm.group_display_name) = lower(g.display_name)
           JOIN role_mapping_role rmr ON rmr.tenant_id = rm.tenant_id AND rmr.mapping_id = rm.id
           JOIN role r ON r.id = rmr.role_id
          GROUP BY m.member_user_id),
       changes AS (
         SELECT x.user_id, u.user_name AS login_id,
                ARRAY(SELECT unnest($3::text[]) EXCEPT SELECT unnest(coalesce(o.roles, '{}') || $4::text[]) ORDER BY 1) AS gained,
                ARRAY(SELECT unnest($4::text[]) EXCEPT SELECT unnest(coalesce(o.roles, '{}') || $3::text[]) ORDER BY 1) AS lost
           FROM members x
           JOIN scim_user u ON u.tenant_id = $1 AND u.id = x.user_id
           LEFT JOIN other o ON o.user_id = x.user_id)
       SELECT *, count(*) OVER ()::int AS total FROM changes
        WHERE cardinality(gained) > 0 OR cardinality(lost) > 0
        ORDER BY login_id LIMIT $5`,
      [tenantId, group.id, roles, current, PREVIEW_LIMIT],
    );
    const affectedUsers = rows[0]?.total ?? 0;
    return {
      affectedUsers,
      changes: rows.map((row) => ({
        userId: row.user_id,
        loginId: row.login_id,
        gained: row.gained,
        lost: row.lost,
      })),
      truncated: affectedUsers > rows.length,
    };
  }

  /** The roles a user holds in a tenant now: the union over the groups they belong to. */
  async rolesOfUser(manager: EntityManager, tenantId: string, userId: string): Promise<string[]> {
    const [row] = await manager.query<Array<{ roles: string[] }>>(
      `SELECT ${userRolesSql('$1', '$2')} AS roles`,
      [tenantId, userId],
    );
    return row.roles;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private async mappings(manager: EntityManager, tenantId: string): Promise<RoleMappingModel[]> {
    const rows = await manager.query<
      Array<
        RoleMappingModel & {
          tenant_id: string;
          group_display_name: string;
          group_id: string | null;
          member_count: number;
          updated_at: Date;
        }
      >
    >(
      `SELECT rm.id, rm.tenant_id, rm.group_display_name, rm.updated_at,
              coalesce(array_agg(r.name ORDER BY r.name) FILTER (WHERE r.name IS NOT NULL), '{}') AS roles,
              g.id AS group_id,
              coalesce((SELECT count(*)::int FROM scim_group_member m
                         WHERE m.tenant_id = g.tenant_id AND m.group_id = g.id AND m.member_user_id IS NOT NULL), 0) AS member_count
         FROM role_mapping rm
         LEFT JOIN role_mapping_role rmr ON rmr.tenant_id = rm.tenant_id AND rmr.mapping_id = rm.id
         LEFT JOIN role r ON r.id = rmr.role_id
         LEFT JOIN scim_group g ON g.tenant_id = rm.tenant_id AND lower(g.display_name) = lower(rm.group_display_name)
        WHERE rm.tenant_id = $1
        GROUP BY rm.id, rm.tenant_id, rm.group_display_name, rm.updated_at, g.id, g.tenant_id
        ORDER BY lower(rm.group_display_name)`,
      [tenantId],
    );
    return rows.map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      groupDisplayName: row.group_display_name,
      roles: row.roles,
      groupId: row.group_id,
      memberCount: row.member_count,
      updatedAt: row.updated_at,
    }));
  }

  private async mappingRoleNames(
    manager: EntityManager,
    tenantId: string,
    mappingId: string,
  ): Promise<string[]> {
    const rows = await manager.query<Array<{ name: string }>>(
      `SELECT r.name FROM role_mapping_role rmr JOIN role r ON r.id = rmr.role_id
        WHERE rmr.tenant_id = $1 AND rmr.mapping_id = $2 ORDER BY r.name`,
      [tenantId, mappingId],
    );
    return rows.map((row) => row.name);
  }

  /** Role names from the catalogue, case-insensitively; an unknown one is an error that names it. */
  private async resolveRoles(names: string[]): Promise<RoleEntity[]> {
    const wanted = [...new Set(names.map((name) => name.trim()).filter((name) => name !== ''))];
    if (wanted.length === 0) return [];
    const found = await this.dataSource
      .getRepository(RoleEntity)
      .createQueryBuilder('r')
      .where('lower(r.name) IN (:...names)', { names: wanted.map((name) => name.toLowerCase()) })
      .getMany();
    const known = new Set(found.map((role) => role.name.toLowerCase()));
    const unknown = wanted.filter((name) => !known.has(name.toLowerCase()));
    if (unknown.length > 0) {
      throw AppError.badInput(
        `unknown role${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (create it with createRole first)`,
      );
    }
    return found;
  }

  private async requireTenant(manager: EntityManager, tenantId: string, lock = false): Promise<void> {
    const [row] = await manager.query<unknown[]>(
      `SELECT 1 FROM tenant WHERE id = $1 ${lock ? 'FOR SHARE' : ''}`,
      [tenantId],
    );
    if (!row) throw AppError.notFound('tenant', tenantId);
  }

  private async flagGroupNamed(tx: Tx, tenantId: string, displayName: string, reason: string): Promise<void> {
    const groups = await tx.manager.query<Array<{ id: string }>>(
      `SELECT id FROM scim_group WHERE tenant_id = $1 AND lower(display_name) = lower($2)`,
      [tenantId, displayName],
    );
    for (const group of groups) {
      await this.outbox.add(
        tx,
        'sessions.flag-group-members',
        { tenantId, groupId: group.id, reason },
        tenantId,
      );
    }
  }

  private async flagMappingsUsingRole(tx: Tx, roleId: string, reason: string): Promise<void> {
    const rows = await tx.manager.query<Array<{ tenant_id: string; group_display_name: string }>>(
      `SELECT rm.tenant_id, rm.group_display_name FROM role_mapping_role rmr
         JOIN role_mapping rm ON rm.tenant_id = rmr.tenant_id AND rm.id = rmr.mapping_id
        WHERE rmr.role_id = $1`,
      [roleId],
    );
    for (const row of rows) await this.flagGroupNamed(tx, row.tenant_id, row.group_display_name, reason);
  }

  private async recordManagement(
    tx: Tx,
    tenantId: string | null,
    type: string,
    actor: AuditActor,
    targetId: string,
    targetDisplayName: string,
    details?: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(tx, {
      tenantId,
      category: 'ManagementEvent',
      type,
      actor,
      targetId,
      targetDisplayName,
      details,
    });
  }

  private roleConflict(error: unknown, name: string): unknown {
    return isUniqueViolation(error, 'ux_role_name')
      ? new AppError('CONFLICT', `a role named "${name}" already exists`)
      : error;
  }
}
