import { etagFromVersion, GROUP_RESOURCE_TYPE, ScimResource } from '../../scim';

export interface ScimGroupRow {
  id: string;
  tenant_id: string;
  display_name: string;
  external_id: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface GroupMemberRow {
  member_id: string;
  member_type: 'User' | 'Group';
  display: string | null;
}

export const groupLocation = (baseUrl: string, id: string) => `${baseUrl}/Groups/${id}`;

/** The SCIM resource of a group; `members` only when the caller loaded them. */
export function toGroupResource(
  row: ScimGroupRow,
  baseUrl: string,
  members?: GroupMemberRow[],
): ScimResource {
  // Assignments, not conditional spreads (slow in V8): a 100,000-member group maps every member here.
  const resource: ScimResource = { schemas: [GROUP_RESOURCE_TYPE.schema.id], id: row.id };
  if (row.external_id !== null) resource.externalId = row.external_id;
  resource.displayName = row.display_name;
  if (members) {
    resource.members = members.map((member) => {
      const ref = `${baseUrl}/${member.member_type === 'User' ? 'Users' : 'Groups'}/${member.member_id}`;
      return member.display === null
        ? { value: member.member_id, $ref: ref, type: member.member_type }
        : { value: member.member_id, $ref: ref, display: member.display, type: member.member_type };
    });
  }
  resource.meta = {
    resourceType: 'Group',
    created: row.created_at.toISOString(),
    lastModified: row.updated_at.toISOString(),
    location: groupLocation(baseUrl, row.id),
    version: etagFromVersion(row.version),
  };
  return resource;
}
