import { newUser, USER_SCHEMA } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import {
  auditEvents,
  createGroup,
  createUser,
  ENTERPRISE,
  GROUP_SCHEMA,
  LEGACY_GROUP_SCHEMA,
  memberIds,
  patch,
  tenant,
} from './support/helpers';
import { loadFixture, replay } from './support/replay';

/**
 * Microsoft Entra ID, issue 4 items 1-10. Request shapes from
 * https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups and
 * https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 */
describe('Microsoft Entra ID quirks', () => {
  let ctx: TestApp;

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx.close());

  it('1. PATCH op names in any case: "Add", "Replace", "Remove" (and "REPLACE")', async () => {
    const { scim } = await tenant(ctx);
    const id = await createUser(scim, { title: 'Engineer', nickName: 'Babs' });
    const response = await scim.patch(
      `/Users/${id}`,
      patch(
        { op: 'Add', path: 'displayName', value: 'Barbara J' },
        { op: 'Replace', path: 'title', value: 'Manager' },
        { op: 'Remove', path: 'nickName' },
        { op: 'REPLACE', path: 'userType', value: 'Employee' },
      ),
    );
    expect(response.status).toBe(200);
    const { body } = await scim.get(`/Users/${id}`);
    expect(body).toMatchObject({ displayName: 'Barbara J', title: 'Manager', userType: 'Employee' });
    expect(body.nickName).toBeUndefined();
  });

  describe('2. booleans as strings', () => {
    it.each([
      ['"False"', 'False', false],
      ['"false"', 'false', false],
      ['"True"', 'True', true],
      ['"true"', 'true', true],
    ])('POST with active %s', async (_, value, expected) => {
      const { scim } = await tenant(ctx);
      const response = await scim.post('/Users', newUser({ active: value }));
      expect(response.status).toBe(201);
      expect(response.body.active).toBe(expected);
      expect((await scim.get(`/Users/${response.body.id}`)).body.active).toBe(expected);
    });

    it('PUT with active "False", and a string primary inside emails', async () => {
      const { scim } = await tenant(ctx);
      const user = newUser();
      const id = await createUser(scim, user);
      const response = await scim.put(`/Users/${id}`, {
        ...user,
        active: 'False',
        emails: [{ value: 'x@contoso.com', type: 'work', primary: 'True' }],
      });
      expect(response.status).toBe(200);
      expect(response.body.active).toBe(false);
      expect(response.body.emails).toEqual([{ value: 'x@contoso.com', type: 'work', primary: true }]);
    });

    it('PATCH with a path ("False") and without one ({"active": "True"})', async () => {
      const { scim } = await tenant(ctx);
      const id = await createUser(scim);
      const off = await scim.patch(`/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
      const on = await scim.patch(`/Users/${id}`, patch({ op: 'Replace', value: { active: 'True' } }));
      expect(on.status).toBe(200);
      expect(on.body.active).toBe(true);
    });

    it('a string that is not a boolean is a 400 invalidValue, not a 500', async () => {
      const { scim } = await tenant(ctx);
      const id = await createUser(scim);
      const response = await scim.patch(
        `/Users/${id}`,
        patch({ op: 'Replace', path: 'active', value: 'Nope' }),
      );
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
      expect((await scim.get(`/Users/${id}`)).body.active).toBe(true);
    });
  });

  it('3. Remove on "members" with a value list removes only the listed members', async () => {
    const { scim } = await tenant(ctx);
    const [a, b, c] = [await createUser(scim), await createUser(scim), await createUser(scim)];
    const group = await createGroup(scim, 'Sales', [a, b, c]);
    const response = await scim.patch(
      `/Groups/${group}`,
      patch({ op: 'Remove', path: 'members', value: [{ value: a }, { $ref: null, value: c }] }),
    );
    expect(response.status).toBe(204);
    expect(await memberIds(scim, group)).toEqual([b]);
    // And with no value at all, the RFC meaning: every member goes.
    expect((await scim.patch(`/Groups/${group}`, patch({ op: 'Remove', path: 'members' }))).status).toBe(204);
    expect(await memberIds(scim, group)).toEqual([]);
  });

  it('4. replace through [type eq "work"] creates the entry: emails, phoneNumbers, addresses', async () => {
    const { scim } = await tenant(ctx);
    const id = await createUser(scim, { emails: [{ value: 'home@contoso.com', type: 'home' }] });
    const response = await scim.patch(
      `/Users/${id}`,
      patch(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'work@contoso.com' },
        { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0101' },
        { op: 'Replace', path: 'phoneNumbers[type eq "work"].value', value: '+1 555 0102' },
        { op: 'Replace', path: 'addresses[type eq "work"].streetAddress', value: '1 Microsoft Way' },
        { op: 'Replace', path: 'addresses[type eq "work"].postalCode', value: '98052' },
      ),
    );
    expect(response.status).toBe(200);
    const { body } = await scim.get(`/Users/${id}`);
    expect(body.emails).toEqual(
      expect.arrayContaining([
        { value: 'home@contoso.com', type: 'home' },
        expect.objectContaining({ value: 'work@contoso.com', type: 'work' }),
      ]),
    );
    expect(body.emails).toHaveLength(2);
    expect(body.phoneNumbers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'mobile', value: '+1 555 0101' }),
        expect.objectContaining({ type: 'work', value: '+1 555 0102' }),
      ]),
    );
    expect(body.phoneNumbers).toHaveLength(2);
    expect(body.addresses).toEqual([
      expect.objectContaining({ type: 'work', streetAddress: '1 Microsoft Way', postalCode: '98052' }),
    ]);
    // A second replace updates the entry it created rather than adding another.
    await scim.patch(
      `/Users/${id}`,
      patch({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'w2@contoso.com' }),
    );
    const again = await scim.get(`/Users/${id}`);
    expect(again.body.emails.filter((e: { type: string }) => e.type === 'work')).toEqual([
      expect.objectContaining({ value: 'w2@contoso.com' }),
    ]);
  });

  it('5. no-path add/replace with dotted keys and URN-qualified keys (department, manager)', async () => {
    const { scim } = await tenant(ctx);
    const id = await createUser(scim);
    const manager = await createUser(scim);
    const response = await scim.patch(
      `/Users/${id}`,
      patch(
        {
          op: 'Replace',
          value: {
            'name.givenName': 'Kkom',
            'name.familyName': 'Unua',
            [`${ENTERPRISE}:department`]: 'Research',
            [`${ENTERPRISE}:manager`]: manager,
          },
        },
        { op: 'Add', value: { 'name.middleName': 'Q', [`${ENTERPRISE}:employeeNumber`]: '42' } },
      ),
    );
    expect(response.status).toBe(200);
    const { body } = await scim.get(`/Users/${id}`);
    expect(body.name).toMatchObject({ givenName: 'Kkom', familyName: 'Unua', middleName: 'Q' });
    expect(body[ENTERPRISE]).toMatchObject({
      department: 'Research',
      employeeNumber: '42',
      manager: { value: manager },
    });
    expect(body.schemas).toContain(ENTERPRISE);
    // The dotted and URN keys are read as paths, never stored as attribute names.
    const stray = (object: Record<string, unknown>) =>
      Object.keys(object).filter(
        (key) => key !== ENTERPRISE && (key.includes('.') || key.startsWith('urn:')),
      );
    expect(stray(body)).toEqual([]);
    expect(stray(body.name)).toEqual([]);
    expect(stray(body[ENTERPRISE])).toEqual([]);
  });

  describe('6. irregular value shapes', () => {
    it('manager as a bare string id (with a path and in the extension object)', async () => {
      const { scim } = await tenant(ctx);
      const id = await createUser(scim);
      const r1 = await scim.patch(
        `/Users/${id}`,
        patch({ op: 'Add', path: `${ENTERPRISE}:manager`, value: 'boss-1' }),
      );
      expect(r1.status).toBe(200);
      expect(r1.body[ENTERPRISE].manager).toEqual({ value: 'boss-1' });
      const r2 = await scim.patch(`/Users/${id}`, patch({ op: 'Replace', path: 'manager', value: 'boss-2' }));
      expect(r2.status).toBe(200);
      expect(r2.body[ENTERPRISE].manager).toEqual({ value: 'boss-2' });
      const r3 = await scim.patch(
        `/Users/${id}`,
        patch({ op: 'Replace', value: { [ENTERPRISE]: { manager: 'boss-3' } } }),
      );
      expect(r3.status).toBe(200);
      expect((await scim.get(`/Users/${id}`)).body[ENTERPRISE].manager).toEqual({ value: 'boss-3' });
    });

    it('single-element arrays wrapping a scalar', async () => {
      const { scim } = await tenant(ctx);
      const id = await createUser(scim);
      const response = await scim.patch(
        `/Users/${id}`,
        patch(
          { op: 'Replace', path: 'displayName', value: ['Wrapped Name'] },
          { op: 'Replace', path: 'active', value: ['False'] },
          { op: 'Add', path: `${ENTERPRISE}:department`, value: ['Ops'] },
        ),
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        displayName: 'Wrapped Name',
        active: false,
        [ENTERPRISE]: { department: 'Ops' },
      });
    });

    it('an empty Operations array is a no-op: 200, nothing changes, one "unchanged" event', async () => {
      const { scim, tenantId } = await tenant(ctx);
      const id = await createUser(scim);
      const before = await scim.get(`/Users/${id}`);
      const response = await scim.patch(`/Users/${id}`, patch());
      expect(response.status).toBe(200);
      expect(response.body.meta.version).toBe(before.body.meta.version);
      expect(response.body.userName).toBe(before.body.userName);
      const group = await createGroup(scim, 'Empty ops');
      expect((await scim.patch(`/Groups/${group}`, patch())).status).toBe(204);
      expect((await auditEvents(ctx, tenantId)).map((e) => e.type)).toEqual([
        'scim.user.created',
        'scim.user.unchanged',
        'scim.group.created',
        'scim.group.unchanged',
      ]);
    });
  });

  describe('7. the filters Entra sends', () => {
    it('externalId eq, userName eq, emails[type eq "work"].value eq', async () => {
      const { scim } = await tenant(ctx);
      const id = await createUser(scim, {
        userName: 'jyoung@contoso.com',
        externalId: 'jyoung',
        emails: [
          { value: 'joy.work@contoso.com', type: 'work', primary: true },
          { value: 'joy.home@contoso.com', type: 'home' },
        ],
      });
      await createUser(scim, { emails: [{ value: 'joy.home2@contoso.com', type: 'work' }] });
      const find = async (filter: string) => {
        const response = await scim.get(`/Users?filter=${encodeURIComponent(filter)}`);
        expect(response.status).toBe(200);
        return (response.body.Resources as Array<{ id: string }>).map((r) => r.id);
      };
      expect(await find('externalId eq "jyoung"')).toEqual([id]);
      expect(await find('userName eq "JYOUNG@contoso.com"')).toEqual([id]);
      expect(await find('emails[type eq "work"].value eq "joy.work@contoso.com"')).toEqual([id]);
      expect(await find('emails[type eq "work"].value eq "JOY.WORK@CONTOSO.COM"')).toEqual([id]);
      // The same element must be the work one: the home address does not match a work query.
      expect(await find('emails[type eq "work"].value eq "joy.home@contoso.com"')).toEqual([]);
      expect(await find('emails[type eq "home"].value eq "joy.home@contoso.com"')).toEqual([id]);
      expect(await find('emails[type eq "work"].value eq "nobody@contoso.com"')).toEqual([]);
    });

    it('emails[...].value eq in a POST /Users/.search body', async () => {
      const { scim } = await tenant(ctx);
      const id = await createUser(scim, { emails: [{ value: 'search@contoso.com', type: 'work' }] });
      const response = await scim.post('/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'emails[type eq "work"].value eq "search@contoso.com"',
      });
      expect(response.status).toBe(200);
      expect(response.body.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    });

    it('displayName eq with excludedAttributes=members returns the group without members', async () => {
      const { scim } = await tenant(ctx);
      const member = await createUser(scim);
      const group = await createGroup(scim, 'Finance Team', [member]);
      await createGroup(scim, 'Finance');
      const response = await scim.get(
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "finance team"')}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.totalResults).toBe(1);
      expect(response.body.Resources[0]).toMatchObject({ id: group, displayName: 'Finance Team' });
      expect(response.body.Resources[0].members).toBeUndefined();
    });
  });

  describe('8. schema URIs on create', () => {
    it.each([
      ['core and legacy', [GROUP_SCHEMA, LEGACY_GROUP_SCHEMA]],
      ['legacy only', [LEGACY_GROUP_SCHEMA]],
    ])('POST /Groups with the legacy ADSCIM Group URI (%s)', async (_, schemas) => {
      const { scim } = await tenant(ctx);
      const response = await scim.post('/Groups', { schemas, displayName: 'Legacy', externalId: 'ext-1' });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        schemas: [GROUP_SCHEMA],
        displayName: 'Legacy',
        externalId: 'ext-1',
      });
    });

    it('the enterprise URN listed in schemas with no extension object', async () => {
      const { scim } = await tenant(ctx);
      const response = await scim.post('/Users', { ...newUser(), schemas: [USER_SCHEMA, ENTERPRISE] });
      expect(response.status).toBe(201);
      expect(response.body[ENTERPRISE]).toBeUndefined();
      expect((await scim.get(`/Users/${response.body.id}`)).status).toBe(200);
    });
  });

  it('9. requests without a User-Agent, with the aadOptscim062020 flag on every method', async () => {
    const { scim, tenantId, bearer } = await tenant(ctx);
    const noUa = <T extends { unset(name: string): T }>(call: T) => call.unset('User-Agent');
    const json = { 'content-type': 'application/scim+json' };
    const created = await noUa(
      ctx.http.post('/scim/v2/Users?aadOptscim062020').set('authorization', bearer).set(json),
    ).send(JSON.stringify(newUser({ userName: 'noua@contoso.com' })));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const get = await noUa(
      ctx.http.get(`/scim/v2/Users/${id}?aadOptscim062020`).set('authorization', bearer),
    );
    expect(get.status).toBe(200);
    const list = await noUa(
      ctx.http
        .get(`/scim/v2/Users?aadOptscim062020&filter=${encodeURIComponent('userName eq "noua@contoso.com"')}`)
        .set('authorization', bearer),
    );
    expect(list.body.totalResults).toBe(1);
    const patched = await noUa(
      ctx.http.patch(`/scim/v2/Users/${id}?aadOptscim062020`).set('authorization', bearer).set(json),
    ).send(JSON.stringify(patch({ op: 'replace', path: 'active', value: false })));
    expect(patched.status).toBe(200);
    const put = await noUa(
      ctx.http.put(`/scim/v2/Users/${id}?aadOptscim062020`).set('authorization', bearer).set(json),
    ).send(JSON.stringify(newUser({ userName: 'noua@contoso.com', active: true })));
    expect(put.status).toBe(200);
    const deleted = await noUa(
      ctx.http.delete(`/scim/v2/Users/${id}?aadOptscim062020`).set('authorization', bearer),
    );
    expect(deleted.status).toBe(204);
    // Audited, with no user agent recorded.
    const events = await auditEvents(ctx, tenantId, 'scim.user.');
    expect(events.map((e) => e.type)).toEqual([
      'scim.user.created',
      'scim.user.deactivated',
      'scim.user.reactivated',
      'scim.user.deleted',
    ]);
    expect(events.every((e) => e.user_agent === null)).toBe(true);
    expect(scim).toBeDefined();
  });

  describe('10. null or [] clears an attribute, with no 400', () => {
    it('PATCH replace with null and with [], by path and without one', async () => {
      const { scim } = await tenant(ctx);
      const id = await createUser(scim, {
        title: 'Engineer',
        nickName: 'Babs',
        phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
        addresses: [{ type: 'work', locality: 'Redmond' }],
        [ENTERPRISE]: { department: 'Sales', manager: { value: 'm1' } },
      });
      const response = await scim.patch(
        `/Users/${id}`,
        patch(
          { op: 'Replace', path: 'title', value: null },
          { op: 'Replace', path: 'phoneNumbers', value: [] },
          { op: 'Replace', value: { nickName: null, addresses: [] } },
          { op: 'Replace', path: `${ENTERPRISE}:manager`, value: null },
          { op: 'Add', path: `${ENTERPRISE}:department`, value: '' },
        ),
      );
      expect(response.status).toBe(200);
      const { body } = await scim.get(`/Users/${id}`);
      for (const name of ['title', 'nickName', 'phoneNumbers', 'addresses'])
        expect(body[name]).toBeUndefined();
      expect(body[ENTERPRISE]?.manager).toBeUndefined();
    });

    it('POST and PUT with nulls and empty lists', async () => {
      const { scim } = await tenant(ctx);
      const user = newUser({ title: null, phoneNumbers: null, addresses: [], roles: [], [ENTERPRISE]: null });
      const created = await scim.post('/Users', user);
      expect(created.status).toBe(201);
      expect(created.body.title).toBeUndefined();
      const put = await scim.put(`/Users/${created.body.id}`, {
        ...user,
        emails: [],
        preferredLanguage: null,
      });
      expect(put.status).toBe(200);
      expect(put.body.emails).toBeUndefined();
    });
  });

  it('the Entra user lifecycle fixture replays (Test Connection to delete)', async () => {
    const { bearer } = await tenant(ctx);
    await expect(replay(ctx, loadFixture('entra-user-lifecycle.json'), bearer)).resolves.toBeDefined();
  });
});
