import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AppError } from '../../common/app-error';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AuditEventModel } from '../audit/audit.models';
import { SCIM_AUTH_FAILED, SCIM_REQUEST_FAILED } from '../audit/audit-event-types';
import {
  AUDIT_EVENT_COLUMNS,
  AuditEventRow,
  MAX_SEARCH_LENGTH,
  requireTenant,
  toAuditEventModel,
} from '../audit/audit-query.service';
import { RoleMappingService } from '../role-mapping/role-mapping.service';
import {
  DiagnosedGroupModel,
  DiagnosisVerdict,
  ScimKeyModel,
  ScimKeyStatusEnum,
  UserDiagnosisModel,
} from './diagnostics.models';
import { lastPushAt, tenantKeys } from './scim-queries';

/** Events naming the user, newest first, read in one go (the lookups below work on them). */
const EVENT_WINDOW = 1_000;
const SHOWN_EVENTS = 50;
const USER_LIFECYCLE = new Set([
  'scim.user.created',
  'scim.user.updated',
  'scim.user.deactivated',
  'scim.user.reactivated',
  'scim.user.deleted',
]);

interface UserRow {
  id: string;
  userName: string;
  displayName: string | null;
  emails: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const when = (event: AuditEventModel | null | undefined) =>
  event ? event.occurredAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : 'an unknown time';
const byKey = (event: AuditEventModel | null | undefined) =>
  event?.actorName ? ` with access key "${event.actorName}"` : '';

/**
 * "Why can't this user log in?" answered from the evidence Roster holds: the SCIM record, the
 * audit events naming the user, their groups and the roles those map to, the tenant's switches
 * and keys. The advice follows the SCIM best-practice guide: provisioning is the IdP's decision
 * (assign a group, not individuals), it runs on the IdP's schedule, and mapping is not provisioning.
 */
@Injectable()
export class DiagnoseUserService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly roleMappings: RoleMappingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async diagnose(tenantId: string, rawLoginId: string): Promise<UserDiagnosisModel> {
    const loginId = (rawLoginId ?? '').trim();
    if (loginId === '') throw AppError.badInput('loginId must not be empty');
    if (loginId.length > MAX_SEARCH_LENGTH) {
      throw AppError.badInput(`loginId must be at most ${MAX_SEARCH_LENGTH} characters`);
    }
    const manager = this.dataSource.manager;
    const tenant = await requireTenant(manager, tenantId);
    const now = new Date();

    const user = await this.findUser(tenantId, loginId);
    const terms = [
      ...new Set([loginId, ...(user ? [user.userName, ...user.emails] : [])].map((t) => t.toLowerCase())),
    ].slice(0, 10);
    const [rows, authFailures, keys, groups, roles, pushAt] = await Promise.all([
      manager.query<AuditEventRow[]>(
        `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event
          WHERE tenant_id = $1 AND (lower(target_login) = ANY($2) OR lower(target_email) = ANY($2))
          ORDER BY occurred_at DESC, id DESC LIMIT ${EVENT_WINDOW}`,
        [tenantId, terms],
      ),
      manager.query<AuditEventRow[]>(
        `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event
          WHERE tenant_id = $1 AND outcome = 'failure' AND type = $2 AND occurred_at > now() - interval '7 days'
          ORDER BY occurred_at DESC, id DESC LIMIT 20`,
        [tenantId, SCIM_AUTH_FAILED],
      ),
      tenantKeys(manager, tenantId, now),
      user ? this.groupsOf(tenantId, user.id) : Promise.resolve([]),
      user ? this.roleMappings.rolesOfUser(manager, tenantId, user.id) : Promise.resolve([]),
      lastPushAt(manager, tenantId),
    ]);
    const events = rows.map(toAuditEventModel);
    const newest = (types: string[]) => events.find((event) => types.includes(event.type)) ?? null;
    let firstPush = [...events].reverse().find((event) => event.type === 'scim.user.created') ?? null;
    if (!firstPush && rows.length === EVENT_WINDOW) firstPush = await this.firstPush(tenantId, terms);
    const lastChange =
      events.find((event) => USER_LIFECYCLE.has(event.type) && event.outcome === 'success') ?? null;
    const deactivation = newest(['scim.user.deactivated']);
    const deletion = newest(['scim.user.deleted']);
    const rejected =
      events.find(
        (event) => event.type === SCIM_REQUEST_FAILED && event.details?.includes('"operation":"write"'),
      ) ?? null;
    const unmappedGroups = groups.filter((group) => !group.mapped).map((group) => group.displayName);

    const diagnosis: UserDiagnosisModel = {
      tenantId,
      loginId,
      verdict: DiagnosisVerdict.CAN_LOG_IN,
      summary: '',
      nextSteps: [],
      warnings: [],
      user,
      jitProvisioning: tenant.jitProvisioning,
      scimEnabled: tenant.scimEnabled,
      groups,
      roles,
      unmappedGroups,
      firstPush,
      lastChange,
      deactivation,
      deletion,
      events: events.slice(0, SHOWN_EVENTS),
      recentAuthFailures: authFailures.map(toAuditEventModel),
      keys,
    };
    const provisioningKeys = keys.filter((key) => key.canProvision);
    const deadKeys = keys.filter(
      (key) => key.status === ScimKeyStatusEnum.EXPIRED || key.status === ScimKeyStatusEnum.REVOKED,
    );
    const stopped = keys.length > 0 && provisioningKeys.length === 0 && deadKeys.length > 0;
    this.warn(diagnosis, { stopped, keys, deadKeys, pushAt });

    const guide = this.guide(loginId);
    if (user) {
      if (!user.active) {
        return this.verdict(
          diagnosis,
          DiagnosisVerdict.DEACTIVATED,
          `${user.userName} was deactivated by the IdP on ${when(deactivation)}${byKey(deactivation)}.`,
          [
            `If ${user.userName} should have access, add them back to the group assigned to the application in the IdP (or re-assign them); the IdP reactivates them on its next cycle, or at once with provision on demand.`,
            'Deactivation follows removal from the group assigned to the application, or unassignment. Removing someone from a role-mapped group only changes their roles; it never deactivates them.',
          ],
        );
      }
      if (roles.length === 0) {
        const steps =
          groups.length === 0
            ? [
                `${user.userName} is provisioned and active but is in no group the IdP pushed, so no role applies. Add them to a group that is pushed to Roster (Okta: Group Push; Entra ID: a group assigned to the application), and map that group to a role.`,
              ]
            : [
                `${user.userName} is in ${unmappedGroups.map((g) => `"${g}"`).join(', ')}, and none of these groups maps to a role. Map one of them to a role (setRoleMapping), or add the user to a group that is already mapped.`,
              ];
        steps.push(guide.mappingIsNotProvisioning, guide.timing);
        return this.verdict(
          diagnosis,
          DiagnosisVerdict.NO_ROLES,
          `${user.userName} is provisioned and active but has no role: ${groups.length === 0 ? 'they are in no group' : 'none of their groups is mapped to a role'}.`,
          steps,
        );
      }
      return this.verdict(
        diagnosis,
        DiagnosisVerdict.CAN_LOG_IN,
        `${user.userName} is provisioned${firstPush ? ` (first pushed ${when(firstPush)}${byKey(firstPush)})` : ''}, active, with roles ${roles.join(', ')}.`,
        [
          'Nothing in Roster blocks this login. If it still fails, the IdP is refusing the sign-in: check that the user is assigned to the SSO application too (SSO and SCIM may be separate applications in the IdP).',
        ],
      );
    }

    if (deletion && (!firstPush || deletion.occurredAt >= firstPush.occurredAt)) {
      return this.verdict(
        diagnosis,
        DiagnosisVerdict.DELETED,
        `${loginId} was deleted by the IdP on ${when(deletion)}${byKey(deletion)}.`,
        [
          `If ${loginId} should have access, assign them to the application again in the IdP, through the assigned group; the IdP creates them again on its next cycle, or at once with provision on demand.`,
          guide.assignGroup,
        ],
      );
    }
    if (tenant.jitProvisioning) {
      return this.verdict(
        diagnosis,
        DiagnosisVerdict.WILL_BE_CREATED_BY_JIT,
        `${loginId} has no SCIM record, but JIT provisioning is on: the first sign-in creates the user, with no groups and so no roles.`,
        [
          'If SCIM is the source of truth, turn JIT off and assign the user in the IdP through a group instead; roles only come from the groups the IdP pushes.',
          guide.assignGroup,
        ],
      );
    }
    if (!tenant.scimEnabled) {
      return this.verdict(
        diagnosis,
        DiagnosisVerdict.SCIM_DISABLED,
        `SCIM is disabled for this tenant: every push from the IdP is refused with 403, so ${loginId} cannot be provisioned.`,
        [
          'Enable SCIM for the tenant (setScimEnabled), then retry provisioning in the IdP or use provision on demand for this user.',
          guide.assignGroup,
        ],
      );
    }
    if (stopped) {
      const lastRefused = authFailures[0] ? toAuditEventModel(authFailures[0]) : null;
      return this.verdict(
        diagnosis,
        DiagnosisVerdict.KEY_EXPIRED_PROVISIONING_STOPPED,
        `No access key of this tenant can provision: ${deadKeys.map((k) => `"${k.name}" ${k.status === ScimKeyStatusEnum.EXPIRED ? `expired ${k.expiresAt?.toISOString() ?? ''}` : 'was revoked'}`).join(', ')}. ` +
          `Every push is refused with 401${lastRefused ? ` (last refused ${when(lastRefused)}: ${lastRefused.reason ?? ''})` : ''}, so ${loginId} ${firstPush ? 'gets no updates' : 'was never provisioned'}.`,
        [
          `Create a new access key with the "Tenant Admin" role (createAccessKey) and paste "${this.config.PROJECT_ID}:<access key>" as the bearer token in the IdP's provisioning settings (SCIM base URL ${this.config.PUBLIC_BASE_URL}/scim/v2).`,
          'Then restart provisioning in the IdP, or use provision on demand for this user; the pushes that were refused are not replayed by Roster.',
          guide.assignGroup,
        ],
      );
    }
    if (rejected) {
      return this.verdict(
        diagnosis,
        DiagnosisVerdict.PUSH_REJECTED,
        `The IdP tried to push ${loginId} on ${when(rejected)}${byKey(rejected)} and Roster refused it: ${rejected.httpStatus ?? ''} ${rejected.scimType ?? ''} ${rejected.reason ?? ''}`
          .replace(/\s+/g, ' ')
          .trim(),
        [
          'Fix what the error names in the IdP (for example a userName or email that already belongs to another user), then retry provisioning for this user (provision on demand).',
          guide.timing,
        ],
      );
    }
    return this.verdict(
      diagnosis,
      DiagnosisVerdict.NEVER_PROVISIONED,
      `The IdP never pushed ${loginId}: there is no SCIM record and no SCIM event for this login ID or email.` +
        (pushAt
          ? ` The IdP last pushed to this tenant on ${pushAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`
          : ' The IdP has never pushed anything to this tenant.'),
      [
        guide.assignGroup,
        guide.timing,
        guide.mappingIsNotProvisioning,
        ...(pushAt
          ? []
          : [
              `Nothing was ever pushed to this tenant: check the SCIM base URL (${this.config.PUBLIC_BASE_URL}/scim/v2) and the bearer token ("${this.config.PROJECT_ID}:<access key>") in the IdP, and test the connection.`,
            ]),
      ],
    );
  }

  private guide(loginId: string) {
    return {
      assignGroup: `In the IdP, make sure ${loginId} is in scope of the Roster application, through a group assigned to the application (such as "All Users" or a department group) rather than assigned one by one, so every new hire is covered.`,
      timing:
        'Provisioning is not instantaneous: wait for the IdP\'s next cycle (Microsoft Entra ID runs about every 40 minutes) or push the user now with "Provision on Demand" (Entra ID) or by re-saving the assignment (Okta).',
      mappingIsNotProvisioning:
        'A group mapped to a role does not provision anyone: the IdP must assign and push the user first; the mapping then gives roles from the groups it pushed.',
    };
  }

  private warn(
    diagnosis: UserDiagnosisModel,
    context: { stopped: boolean; keys: ScimKeyModel[]; deadKeys: ScimKeyModel[]; pushAt: Date | null },
  ): void {
    if (!diagnosis.scimEnabled)
      diagnosis.warnings.push('SCIM is disabled for this tenant: no change from the IdP arrives.');
    if (context.keys.length === 0)
      diagnosis.warnings.push('The tenant has no access key: the IdP cannot push anything.');
    if (context.stopped)
      diagnosis.warnings.push(
        'No access key can provision (expired or revoked): pushes are refused with 401.',
      );
    for (const key of context.keys.filter((k) => k.status === ScimKeyStatusEnum.EXPIRING_SOON)) {
      diagnosis.warnings.push(
        `Access key "${key.name}" expires ${key.expiresAt?.toISOString() ?? ''}: create a new one and update the IdP before then.`,
      );
    }
    if (diagnosis.recentAuthFailures.length > 0) {
      diagnosis.warnings.push(
        `${diagnosis.recentAuthFailures.length} SCIM request(s) refused at authentication in the last 7 days (${[...new Set(diagnosis.recentAuthFailures.map((e) => e.reason))].join(', ')}).`,
      );
    }
    if (context.pushAt && context.pushAt.getTime() < Date.now() - 7 * 86_400_000) {
      diagnosis.warnings.push('The IdP has not pushed any change to this tenant for more than 7 days.');
    }
  }

  private verdict(
    diagnosis: UserDiagnosisModel,
    verdict: DiagnosisVerdict,
    summary: string,
    nextSteps: string[],
  ): UserDiagnosisModel {
    return { ...diagnosis, verdict, summary, nextSteps };
  }

  /** Like sign-in: userName case-insensitively, else one of the user's emails. */
  private async findUser(tenantId: string, loginId: string): Promise<UserRow | null> {
    const columns = `id, user_name AS "userName", display_name AS "displayName", email_values AS emails,
                     active, created_at AS "createdAt", updated_at AS "updatedAt"`;
    const [byName] = await this.dataSource.query<UserRow[]>(
      `SELECT ${columns} FROM scim_user WHERE tenant_id = $1 AND lower(user_name) = lower($2)`,
      [tenantId, loginId],
    );
    if (byName) return byName;
    const [byEmail] = await this.dataSource.query<UserRow[]>(
      `SELECT ${columns} FROM scim_user WHERE tenant_id = $1 AND email_values @> ARRAY[lower($2)]::text[]
        ORDER BY created_at LIMIT 1`,
      [tenantId, loginId],
    );
    return byEmail ?? null;
  }

  private groupsOf(tenantId: string, userId: string): Promise<DiagnosedGroupModel[]> {
    return this.dataSource.query<DiagnosedGroupModel[]>(
      `SELECT g.id, g.display_name AS "displayName", cardinality(x.roles) > 0 AS mapped, x.roles
         FROM scim_group_member m
         JOIN scim_group g ON g.tenant_id = m.tenant_id AND g.id = m.group_id
         CROSS JOIN LATERAL (
           SELECT coalesce(array_agg(DISTINCT r.name ORDER BY r.name), '{}') AS roles
             FROM role_mapping rm
             JOIN role_mapping_role rmr ON rmr.tenant_id = rm.tenant_id AND rmr.mapping_id = rm.id
             JOIN role r ON r.id = rmr.role_id
            WHERE rm.tenant_id = g.tenant_id AND lower(rm.group_display_name) = lower(g.display_name)) x
        WHERE m.tenant_id = $1 AND m.member_user_id = $2
        ORDER BY g.display_name`,
      [tenantId, userId],
    );
  }

  private async firstPush(tenantId: string, terms: string[]): Promise<AuditEventModel | null> {
    const [row] = await this.dataSource.query<AuditEventRow[]>(
      `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event
        WHERE tenant_id = $1 AND type = 'scim.user.created'
          AND (lower(target_login) = ANY($2) OR lower(target_email) = ANY($2))
        ORDER BY occurred_at ASC, id ASC LIMIT 1`,
      [tenantId, terms],
    );
    return row ? toAuditEventModel(row) : null;
  }
}
