import { TENANT_ADMIN_ROLE } from '../access-keys/access-key-roles';

export const EXPIRY_WARNING_DAYS = 14;
const DAY = 86_400_000;

export type KeyStatus = 'ACTIVE' | 'EXPIRING_SOON' | 'EXPIRED' | 'REVOKED';

export interface KeyRow {
  id: string;
  tenantId: string;
  tenantName?: string;
  name: string;
  roles: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/** Where a key stands now: the same rules as the SCIM bearer guard, plus the 14-day warning. */
export function keyStatus(key: KeyRow, now: Date): { status: KeyStatus; canProvision: boolean } {
  let status: KeyStatus = 'ACTIVE';
  if (key.revokedAt && key.revokedAt.getTime() <= now.getTime()) status = 'REVOKED';
  else if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) status = 'EXPIRED';
  else if (key.expiresAt && key.expiresAt.getTime() <= now.getTime() + EXPIRY_WARNING_DAYS * DAY)
    status = 'EXPIRING_SOON';
  const live = status === 'ACTIVE' || status === 'EXPIRING_SOON';
  return { status, canProvision: live && key.roles.includes(TENANT_ADMIN_ROLE) };
}

export const KEY_COLUMNS = `k.id, k.tenant_id AS "tenantId", k.name, k.roles, k.expires_at AS "expiresAt",
  k.revoked_at AS "revokedAt", k.last_used_at AS "lastUsedAt", k.created_at AS "createdAt"`;
