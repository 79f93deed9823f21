import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { Tx, UnitOfWork } from '../../database/unit-of-work';
import { ListPage } from '../../persistence/list-query';
import { isUniqueViolation } from '../../persistence/unique-violation';
import {
  applyPatch,
  ListQuery,
  parsePatchRequest,
  parseUser,
  ScimError,
  ScimResource,
  USER_RESOURCE_TYPE,
} from '../../scim';
import { auditInsert, AuditRecorder } from '../audit/audit.recorder';
import { Outbox } from '../outbox/outbox.service';
import { checkPreconditions, Preconditions, ScimCaller } from '../scim-transport/scim-caller';
import { scimBaseUrl } from '../scim-transport/scim-reply';
import { managerIdOf, ManagerNames, ScimUserRow, toUserColumns, toUserResource } from './scim-user.mapper';
import { ScimUsersRepository, USER_INSERT_PARAMS } from './scim-users.repository';

export interface UserResult {
  resource: ScimResource;
  version: number;
}

type UserEventType =
  | 'scim.user.created'
  | 'scim.user.updated'
  | 'scim.user.unchanged'
  | 'scim.user.deactivated'
  | 'scim.user.reactivated';

/**
 * SCIM Users: each write is one transaction holding the row, its version bump, the audit event
 * and the outbox row that makes the user's sessions pick the change up.
 */
@Injectable()
export class ScimUsersService {
  private readonly baseUrl: string;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly users: ScimUsersRepository,
    private readonly audit: AuditRecorder,
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.baseUrl = scimBaseUrl(config);
  }

  async create(caller: ScimCaller, body: unknown): Promise<UserResult> {
    // Any password is discarded here: users sign in through SSO (see scim-user.entity.ts).
    const { resource } = parseUser(body, { mode: 'create' });
    const columns = toUserColumns(resource);
    const id = randomUUID();
    // A new user has no session to flag, so its write is the row and its audit event: one statement.
    const audit = auditInsert(
      {
        tenantId: caller.tenantId,
        category: 'SCIMEvent',
        type: 'scim.user.created',
        actor: caller.actor,
        targetId: id,
        targetLogin: columns.userName,
        targetEmail: columns.primaryEmail,
        targetDisplayName: columns.displayName,
        httpStatus: 201,
        changedAttributes: Object.keys(columns.data).filter((key) => key !== 'schemas'),
      },
      USER_INSERT_PARAMS,
    );
    try {
      const row = await this.users.insert(this.dataSource.manager, caller.tenantId, id, columns, audit);
      return await this.result(this.dataSource.manager, caller.tenantId, row, []);
    } catch (error) {
      throw this.conflictOr(error, columns.userName);
    }
  }

  async get(tenantId: string, id: string, withGroups: boolean): Promise<UserResult> {
    const row = await this.users.findById(this.dataSource.manager, tenantId, id, 'none', withGroups);
    if (!row) throw notFound(id);
    return this.result(this.dataSource.manager, tenantId, row, row.groups ?? []);
  }

  async list(
    tenantId: string,
    query: ListQuery,
    withGroups: boolean,
  ): Promise<{ page: ListPage<ScimUserRow>; resources: ScimResource[] }> {
    const manager = this.dataSource.manager;
    const page = await this.users.list(manager, tenantId, query, withGroups);
    const managers = await this.managerNames(manager, tenantId, page.rows);
    return {
      page,
      resources: page.rows.map((row) => toUserResource(row, this.baseUrl, row.groups ?? [], managers)),
    };
  }

  async replace(
    caller: ScimCaller,
    id: string,
    body: unknown,
    preconditions: Preconditions,
  ): Promise<UserResult> {
    return this.write(caller, id, preconditions, (existing) => {
      const { resource } = parseUser(body, { mode: 'replace', existing });
      return { resource, changed: changedTopLevel(existing, resource) };
    });
  }

  async patch(
    caller: ScimCaller,
    id: string,
    body: unknown,
    preconditions: Preconditions,
  ): Promise<UserResult> {
    const operations = parsePatchRequest(body);
    return this.write(caller, id, preconditions, (existing) => {
      const result = applyPatch(existing, operations, USER_RESOURCE_TYPE);
      return {
        resource: result.resource,
        changed: result.changedAttributes.filter((name) => name !== 'password'),
      };
    });
  }

  async delete(caller: ScimCaller, id: string, preconditions: Preconditions): Promise<void> {
    await this.uow.run(async (tx) => {
      const row = await this.users.findById(tx.manager, caller.tenantId, id, 'delete');
      if (!row) throw notFound(id);
      checkPreconditions(preconditions, row.version);
      await this.users.delete(tx.manager, caller.tenantId, id);
      await this.audit.record(tx, {
        tenantId: caller.tenantId,
        category: 'SCIMEvent',
        type: 'scim.user.deleted',
        actor: caller.actor,
        targetId: row.id,
        targetLogin: row.user_name,
        targetEmail: row.primary_email,
        targetDisplayName: row.display_name,
        httpStatus: 204,
      });
      await this.outbox.add(
        tx,
        'sessions.revoke',
        { tenantId: caller.tenantId, userIds: [row.id], reason: 'user deleted' },
        caller.tenantId,
      );
    });
  }

  /** Read-modify-write under a row lock, so concurrent PATCHes of one user serialise. */
  private async write(
    caller: ScimCaller,
    id: string,
    preconditions: Preconditions,
    change: (existing: ScimResource) => { resource: ScimResource; changed: readonly string[] },
  ): Promise<UserResult> {
    let userName = '';
    try {
      return await this.uow.run(async (tx) => {
        const before = await this.users.findById(tx.manager, caller.tenantId, id, 'write', true);
        if (!before) throw notFound(id);
        checkPreconditions(preconditions, before.version);
        const existing = toUserResource(before, this.baseUrl);
        const { resource, changed } = change(existing);
        const columns = toUserColumns(resource);
        userName = columns.userName;
        const groups = before.groups ?? [];
        if (changed.length === 0) {
          // Every SCIM request leaves one event, a write that changes nothing too.
          await this.recordChange(tx, caller, before, 'scim.user.unchanged', []);
          return this.result(tx.manager, caller.tenantId, before, groups);
        }

        const after = await this.users.update(tx.manager, caller.tenantId, id, columns);
        const type: UserEventType =
          before.active && !after.active
            ? 'scim.user.deactivated'
            : !before.active && after.active
              ? 'scim.user.reactivated'
              : 'scim.user.updated';
        await this.recordChange(tx, caller, after, type, [...changed]);
        return this.result(tx.manager, caller.tenantId, after, groups);
      });
    } catch (error) {
      throw this.conflictOr(error, userName);
    }
  }

  private async recordChange(
    tx: Tx,
    caller: ScimCaller,
    row: ScimUserRow,
    type: UserEventType,
    changedAttributes: string[],
  ): Promise<void> {
    await this.audit.record(tx, {
      tenantId: caller.tenantId,
      category: 'SCIMEvent',
      type,
      actor: caller.actor,
      targetId: row.id,
      targetLogin: row.user_name,
      targetEmail: row.primary_email,
      targetDisplayName: row.display_name,
      httpStatus: type === 'scim.user.created' ? 201 : 200,
      changedAttributes,
    });
    if (type === 'scim.user.deactivated') {
      await this.outbox.add(
        tx,
        'sessions.revoke',
        { tenantId: caller.tenantId, userIds: [row.id], reason: 'user deactivated' },
        caller.tenantId,
      );
    } else if (type === 'scim.user.updated' || type === 'scim.user.reactivated') {
      await this.outbox.add(
        tx,
        'sessions.flag',
        { tenantId: caller.tenantId, userIds: [row.id], reason: type },
        caller.tenantId,
      );
    }
  }

  private async result(
    manager: EntityManager,
    tenantId: string,
    row: ScimUserRow,
    groups: Array<{ value: string; display: string }>,
  ): Promise<UserResult> {
    const managers = await this.managerNames(manager, tenantId, [row]);
    return { resource: toUserResource(row, this.baseUrl, groups, managers), version: row.version };
  }

  /** One query for the managers a page of users names, none when no user names one. */
  private managerNames(manager: EntityManager, tenantId: string, rows: ScimUserRow[]): Promise<ManagerNames> {
    const ids = [...new Set(rows.map(managerIdOf).filter((id): id is string => id !== undefined))];
    return this.users.displayNames(manager, tenantId, ids);
  }

  private conflictOr(error: unknown, userName: string): unknown {
    if (isUniqueViolation(error, 'ux_scim_user_user_name')) {
      return ScimError.uniqueness(`userName "${userName}" is already taken in this tenant`);
    }
    return error;
  }
}

function notFound(id: string): ScimError {
  return ScimError.notFound(`User ${id} not found`);
}

/** Top-level attribute names whose values differ (for PUT, which the PATCH engine does not see). */
function changedTopLevel(before: ScimResource, after: ScimResource): string[] {
  const ignore = new Set(['id', 'meta', 'schemas', 'groups']);
  const names = new Set([...Object.keys(before), ...Object.keys(after)].filter((name) => !ignore.has(name)));
  return [...names].filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
}
