/** The role an access key needs to provision its tenant over SCIM. */
export const TENANT_ADMIN_ROLE = 'Tenant Admin';
