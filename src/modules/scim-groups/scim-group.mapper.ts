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
  return {
    schemas: [GROUP_RESOURCE_TYPE.schema.id],
    id: row.id,
    ...(row.external_id !== null && { externalId: row.external_id }),
    displayName: row.display_name,
    ...(members && {
      members: members.map((member) => ({
        value: member.member_id,
        $ref: `${baseUrl}/${member.member_type === 'User' ? 'Users' : 'Groups'}/${member.member_id}`,
        ...(member.display !== null && { display: member.display }),
        type: member.member_type,
      })),
    }),
    meta: {
      resourceType: 'Group',
      created: row.created_at.toISOString(),
      lastModified: row.updated_at.toISOString(),
      location: groupLocation(baseUrl, row.id),
      version: etagFromVersion(row.version),
    },
  };
}
