import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { Tx, UnitOfWork } from '../../database/unit-of-work';
import { MAX_USERS_PER_JOB } from '../../infra/queue/job-names';
import { ListPage } from '../../persistence/list-query';
import { assertIndexable, assertStorable } from '../../persistence/storable';
import { isUniqueViolation } from '../../persistence/unique-violation';
import {
  applyPatch,
  GROUP_RESOURCE_TYPE,
  ListQuery,
  MemberChange,
  MemberRef,
  parseGroup,
  parsePatchRequest,
  ScimError,
  ScimResource,
} from '../../scim';
import { AuditRecorder } from '../audit/audit.recorder';
import { Outbox } from '../outbox/outbox.service';
import { checkPreconditions, Preconditions, ScimCaller } from '../scim-transport/scim-caller';
import { scimBaseUrl } from '../scim-transport/scim-reply';
import { GroupEvents } from './group-events';
import { ScimGroupRow, toGroupResource } from './scim-group.mapper';
import { ChangedMember, ScimGroupsRepository } from './scim-groups.repository';

export interface GroupResult {
  resource: ScimResource;
  version: number;
}

/** What a write did to the membership, for the audit log and the sessions of those users. */
interface MembershipDelta {
  added: ChangedMember[];
  removed: ChangedMember[];
  /** References to users or groups that do not exist in the tenant: skipped, not fatal. */
  skipped: string[];
}

const emptyDelta = (): MembershipDelta => ({ added: [], removed: [], skipped: [] });
/** How many member ids an audit event lists before it only counts. */
const AUDIT_MEMBER_SAMPLE = 100;

/**
 * SCIM Groups. Members are rows: adding 100 members to a group of 100,000 inserts 100 rows. A
 * member reference that does not exist fails only itself (IdPs such as Okta push memberships of
 * users they have not provisioned yet); the rest of the request still applies.
 */
@Injectable()
export class ScimGroupsService {
  private readonly baseUrl: string;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly groups: ScimGroupsRepository,
    private readonly audit: AuditRecorder,
    private readonly outbox: Outbox,
    private readonly events: GroupEvents,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.baseUrl = scimBaseUrl(config);
  }

  async create(caller: ScimCaller, body: unknown): Promise<GroupResult> {
    const { resource, members } = parseGroup(body, { mode: 'create' });
    const attributes = groupAttributes(resource);
    try {
      return await this.uow.run(async (tx) => {
        const id = randomUUID();
        const row = await this.groups.insert(tx.manager, caller.tenantId, id, attributes);
        const delta = members
          ? await this.applyMemberChanges(tx.manager, caller.tenantId, id, [
              { kind: 'replaceAll', values: members },
            ])
          : emptyDelta();
        await this.record(
          tx,
          caller,
          row,
          'scim.group.created',
          ['displayName', ...(members ? ['members'] : [])],
          delta,
          201,
        );
        await this.flagMembers(tx, caller.tenantId, delta, 'group created');
        return this.result(row, await this.membersOf(tx.manager, caller.tenantId, row.id));
      });
    } catch (error) {
      throw this.conflictOr(error, attributes.displayName);
    }
  }

  async get(tenantId: string, id: string, withMembers: boolean): Promise<GroupResult> {
    const manager = this.dataSource.manager;
    const row = await this.groups.findById(manager, tenantId, id);
    if (!row) throw notFound(id);
    // With excludedAttributes=members the membership rows are never read.
    return this.result(row, withMembers ? await this.membersOf(manager, tenantId, id) : undefined);
  }

  async list(
    tenantId: string,
    query: ListQuery,
    withMembers: boolean,
  ): Promise<{ page: ListPage<ScimGroupRow>; resources: ScimResource[] }> {
    const manager = this.dataSource.manager;
    const page = await this.groups.list(manager, tenantId, query);
    const members = withMembers
      ? await this.groups.members(
          manager,
          tenantId,
          page.rows.map((row) => row.id),
        )
      : undefined;
    return {
      page,
      resources: page.rows.map((row) => toGroupResource(row, this.baseUrl, members?.get(row.id))),
    };
  }

  async replace(
    caller: ScimCaller,
    id: string,
    body: unknown,
    preconditions: Preconditions,
    withMembers: boolean,
  ): Promise<GroupResult> {
    return this.write(caller, id, preconditions, withMembers, (existing) => {
      const { resource, members } = parseGroup(body, { mode: 'replace', existing });
      // PUT replaces: a body without members leaves the group with none.
      return { resource, changes: [{ kind: 'replaceAll', values: members ?? [] }] };
    });
  }

  async patch(
    caller: ScimCaller,
    id: string,
    body: unknown,
    preconditions: Preconditions,
    withMembers: boolean,
  ): Promise<GroupResult> {
    const operations = parsePatchRequest(body);
    return this.write(caller, id, preconditions, withMembers, (existing) => {
      const result = applyPatch(existing, operations, GROUP_RESOURCE_TYPE);
      return { resource: result.resource, changes: result.memberChanges };
    });
  }

  async delete(caller: ScimCaller, id: string, preconditions: Preconditions): Promise<void> {
    await this.uow.run(async (tx) => {
      const row = await this.groups.findById(tx.manager, caller.tenantId, id, 'delete');
      if (!row) throw notFound(id);
      checkPreconditions(preconditions, row.version);
      // Read before the cascade removes them: their roles may change.
      const userIds = await this.groups.memberUserIds(tx.manager, caller.tenantId, id);
      await this.groups.delete(tx.manager, caller.tenantId, id);
      await this.audit.record(tx, {
        tenantId: caller.tenantId,
        category: 'SCIMEvent',
        type: 'scim.group.deleted',
        actor: caller.actor,
        targetId: row.id,
        targetDisplayName: row.display_name,
        httpStatus: 204,
        details: { memberCount: userIds.length },
      });
      await this.flagUsers(tx, caller.tenantId, userIds, 'group deleted');
    });
  }

  private async write(
    caller: ScimCaller,
    id: string,
    preconditions: Preconditions,
    withMembers: boolean,
    change: (existing: ScimResource) => { resource: ScimResource; changes: readonly MemberChange[] },
  ): Promise<GroupResult> {
    let displayName = '';
    try {
      return await this.uow.run(async (tx) => {
        const before = await this.groups.findById(tx.manager, caller.tenantId, id, 'write');
        if (!before) throw notFound(id);
        checkPreconditions(preconditions, before.version);
        const { resource, changes } = change(toGroupResource(before, this.baseUrl));
        const attributes = groupAttributes(resource);
        displayName = attributes.displayName;
        const renamed = attributes.displayName !== before.display_name;
        const changedAttributes = [
          ...(renamed ? ['displayName'] : []),
          ...(attributes.externalId !== before.external_id ? ['externalId'] : []),
        ];
        const delta = await this.applyMemberChanges(tx.manager, caller.tenantId, id, changes);
        const membersChanged = delta.added.length + delta.removed.length > 0;
        if (membersChanged) changedAttributes.push('members');

        let after = before;
        if (changedAttributes.length > 0) {
          after = await this.groups.update(tx.manager, caller.tenantId, id, attributes);
          await this.record(
            tx,
            caller,
            after,
            eventType(changedAttributes, delta),
            changedAttributes,
            delta,
            200,
          );
          await this.flagMembers(tx, caller.tenantId, delta, 'group membership changed');
          if (renamed) {
            await this.events.renamed(tx, {
              tenantId: caller.tenantId,
              groupId: id,
              from: before.display_name,
              to: attributes.displayName,
            });
            // Role mappings match groups by name: every member's roles may change.
            await this.outbox.add(
              tx,
              'sessions.flag-group-members',
              { tenantId: caller.tenantId, groupId: id, reason: 'group renamed' },
              caller.tenantId,
            );
          }
        } else {
          // Every SCIM request leaves one event, a write that changes nothing too.
          await this.record(tx, caller, before, 'scim.group.unchanged', [], delta, 200);
        }
        return this.result(
          after,
          withMembers ? await this.membersOf(tx.manager, caller.tenantId, id) : undefined,
        );
      });
    } catch (error) {
      throw this.conflictOr(error, displayName);
    }
  }

  /** Applies the ordered membership changes; each touches only the rows it names. */
  private async applyMemberChanges(
    manager: EntityManager,
    tenantId: string,
    groupId: string,
    changes: readonly MemberChange[],
  ): Promise<MembershipDelta> {
    // Member references end up in SQL parameters and in the audit event's details.
    assertStorable(changes, 'members');
    const delta = emptyDelta();
    const add = async (refs: readonly MemberRef[]) => {
      const { users, groups, unknown } = await this.groups.resolveMembers(manager, tenantId, groupId, refs);
      delta.skipped.push(...unknown);
      delta.added.push(...(await this.groups.addMembers(manager, tenantId, groupId, users, groups)));
    };
    for (const change of changes) {
      switch (change.kind) {
        case 'add':
          await add(change.values);
          break;
        case 'remove':
          delta.removed.push(...(await this.groups.removeMembers(manager, tenantId, groupId, change.values)));
          break;
        case 'removeWhere':
          delta.removed.push(
            ...(await this.groups.removeMembersWhere(manager, tenantId, groupId, change.filter)),
          );
          break;
        case 'replaceAll':
          delta.removed.push(
            ...(await this.groups.removeMembersExcept(
              manager,
              tenantId,
              groupId,
              change.values.map((ref) => ref.value),
            )),
          );
          await add(change.values);
          break;
        case 'removeAll':
          delta.removed.push(...(await this.groups.removeMembersExcept(manager, tenantId, groupId, [])));
          break;
      }
    }
    // A member removed and added back in one request is not a change.
    const removedIds = new Set(delta.removed.map((member) => member.member_id));
    const addedIds = new Set(delta.added.map((member) => member.member_id));
    return {
      added: delta.added.filter((member) => !removedIds.has(member.member_id)),
      removed: delta.removed.filter((member) => !addedIds.has(member.member_id)),
      skipped: [...new Set(delta.skipped)],
    };
  }

  private async record(
    tx: Tx,
    caller: ScimCaller,
    row: ScimGroupRow,
    type: string,
    changedAttributes: string[],
    delta: MembershipDelta,
    httpStatus: number,
  ): Promise<void> {
    await this.audit.record(tx, {
      tenantId: caller.tenantId,
      category: 'SCIMEvent',
      type,
      actor: caller.actor,
      targetId: row.id,
      targetDisplayName: row.display_name,
      httpStatus,
      changedAttributes,
      details: {
        membersAdded: delta.added.length,
        membersRemoved: delta.removed.length,
        ...(delta.added.length > 0 && {
          addedMemberIds: delta.added.slice(0, AUDIT_MEMBER_SAMPLE).map((m) => m.member_id),
        }),
        ...(delta.removed.length > 0 && {
          removedMemberIds: delta.removed.slice(0, AUDIT_MEMBER_SAMPLE).map((m) => m.member_id),
        }),
        ...(delta.skipped.length > 0 && {
          skippedUnknownMembers: delta.skipped.slice(0, AUDIT_MEMBER_SAMPLE),
        }),
      },
    });
  }

  private async flagMembers(tx: Tx, tenantId: string, delta: MembershipDelta, reason: string): Promise<void> {
    const userIds = [...delta.added, ...delta.removed]
      .map((member) => member.member_user_id)
      .filter((id): id is string => id !== null);
    await this.flagUsers(tx, tenantId, userIds, reason);
  }

  private async flagUsers(tx: Tx, tenantId: string, userIds: string[], reason: string): Promise<void> {
    for (let start = 0; start < userIds.length; start += MAX_USERS_PER_JOB) {
      await this.outbox.add(
        tx,
        'sessions.flag',
        { tenantId, userIds: userIds.slice(start, start + MAX_USERS_PER_JOB), reason },
        tenantId,
      );
    }
  }

  private async membersOf(manager: EntityManager, tenantId: string, id: string) {
    return (await this.groups.members(manager, tenantId, [id])).get(id) ?? [];
  }

  private result(
    row: ScimGroupRow,
    members: Awaited<ReturnType<ScimGroupsService['membersOf']>> | undefined,
  ): GroupResult {
    return { resource: toGroupResource(row, this.baseUrl, members), version: row.version };
  }

  private conflictOr(error: unknown, displayName: string): unknown {
    if (isUniqueViolation(error, 'ux_scim_group_display_name')) {
      return ScimError.uniqueness(`A group named "${displayName}" already exists in this tenant`);
    }
    return error;
  }
}

/** The stored attributes of a group; 400 for text PostgreSQL cannot store or index. */
function groupAttributes(resource: ScimResource): { displayName: string; externalId: string | null } {
  const attributes = {
    displayName: String(resource.displayName),
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
  };
  assertStorable(attributes, '');
  assertIndexable(attributes.displayName, 'displayName');
  assertIndexable(attributes.externalId, 'externalId');
  return attributes;
}

/** One event per request: members_added / members_removed when that is all it did. */
function eventType(changed: string[], delta: MembershipDelta): string {
  if (changed.length === 1 && changed[0] === 'members') {
    if (delta.removed.length === 0) return 'scim.group.members_added';
    if (delta.added.length === 0) return 'scim.group.members_removed';
  }
  return 'scim.group.updated';
}

function notFound(id: string): ScimError {
  return ScimError.notFound(`Group ${id} not found`);
}
