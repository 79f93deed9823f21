import { AuditBuffer } from '../../src/modules/audit/audit-buffer';
import { TestApp } from '../support/test-app';

/** Every SCIM event of a tenant, oldest first (reads are buffered: flush them first). */
export async function scimEvents(ctx: TestApp, tenantId: string): Promise<Array<Record<string, any>>> {
  await ctx.app.get(AuditBuffer).flush();
  return ctx.db.query(
    `SELECT type, outcome, http_status, scim_type, reason, actor_key_id, actor_name, target_id, target_login,
            target_email, target_display_name, request_id, details
       FROM audit_event WHERE tenant_id = $1 AND category = 'SCIMEvent' ORDER BY occurred_at, id`,
    [tenantId],
  );
}

export const EVENT_FIELDS = `id occurredAt tenantId category type outcome actorKeyId actorName targetId targetLogin
  targetEmail targetDisplayName httpStatus scimType reason changedAttributes requestId userAgent sourceIp details`;

export const AUDIT_QUERY = `query($tenantId: ID!, $type: String, $category: AuditCategory, $search: String,
  $actorKeyId: ID, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  auditEvents(tenantId: $tenantId, type: $type, category: $category, search: $search, actorKeyId: $actorKeyId,
              from: $from, to: $to, first: $first, after: $after) {
    edges { cursor node { id } }
    nodes { ${EVENT_FIELDS} }
    pageInfo { endCursor hasNextPage }
  }
}`;

export const DIAGNOSE = `query($tenantId: ID!, $loginId: String!) {
  diagnoseUser(tenantId: $tenantId, loginId: $loginId) {
    verdict summary nextSteps warnings jitProvisioning scimEnabled roles unmappedGroups
    user { id userName active emails }
    groups { id displayName mapped roles }
    firstPush { type actorKeyId actorName occurredAt }
    lastChange { type }
    deactivation { type actorKeyId actorName }
    deletion { type actorKeyId }
    events { type outcome httpStatus reason }
    recentAuthFailures { type reason actorKeyId }
    keys { id name status canProvision }
  }
}`;
