import { TestApp } from './test-app';

export interface TenantFixture {
  id: string;
  name: string;
}

export interface KeyFixture {
  id: string;
  cleartext: string;
  bearer: string;
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

export async function createTenant(
  ctx: TestApp,
  input: { name?: string; jitProvisioning?: boolean } = {},
): Promise<TenantFixture> {
  const result = await ctx.gql<{ createTenant: TenantFixture }>(
    `mutation($input: CreateTenantInput!) { createTenant(input: $input) { id name jitProvisioning } }`,
    { input: { name: input.name ?? unique('tenant'), jitProvisioning: input.jitProvisioning ?? false } },
  );
  if (!result.data) throw new Error(`createTenant failed: ${JSON.stringify(result.errors)}`);
  return result.data.createTenant;
}

export async function createAccessKey(
  ctx: TestApp,
  tenantId: string,
  input: { name?: string; roles?: string[]; expiresAt?: string } = {},
): Promise<KeyFixture> {
  const result = await ctx.gql<{ createAccessKey: { cleartext: string; accessKey: { id: string } } }>(
    `mutation($input: CreateAccessKeyInput!) {
       createAccessKey(input: $input) { cleartext accessKey { id name roles expiresAt } }
     }`,
    {
      input: { tenantId, name: input.name ?? unique('key'), roles: input.roles, expiresAt: input.expiresAt },
    },
  );
  if (!result.data) throw new Error(`createAccessKey failed: ${JSON.stringify(result.errors)}`);
  const { cleartext, accessKey } = result.data.createAccessKey;
  return { id: accessKey.id, cleartext, bearer: `Bearer ${ctx.config.PROJECT_ID}:${cleartext}` };
}

/** A tenant with a working SCIM key: the starting point of most tests. */
export async function provisionedTenant(ctx: TestApp): Promise<{ tenant: TenantFixture; key: KeyFixture }> {
  const tenant = await createTenant(ctx);
  const key = await createAccessKey(ctx, tenant.id);
  return { tenant, key };
}
