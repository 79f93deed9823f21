import { createPrivateKey, generateKeyPairSync } from 'node:crypto';

import { decodeJwt, SignJWT } from 'jose';

import { createTenant, provisionedTenant } from '../support/factories';
import { newUser, patchOps, ScimClient, scimClient } from '../support/scim-client';
import { eventually, startTestApp, TestApp } from '../support/test-app';

const CREATE_SESSION = `mutation($input: CreateSessionInput!) { createSession(input: $input) { sessionJwt refreshJwt } }`;

describe('sessions', () => {
  let ctx: TestApp;
  let scim: ScimClient;
  let tenantId: string;

  beforeAll(async () => {
    ctx = await startTestApp();
    const { tenant, key } = await provisionedTenant(ctx);
    tenantId = tenant.id;
    scim = scimClient(ctx, key.bearer);
  });
  afterAll(() => ctx.close());

  const signIn = async (loginId: string, tenant = tenantId) =>
    ctx.gql(CREATE_SESSION, { input: { tenantId: tenant, loginId } });
  const pushUser = async (overrides: Record<string, unknown> = {}) =>
    (await scim.post('/Users', newUser(overrides))).body;
  const refresh = (refreshJwt: unknown) => ctx.http.post('/v1/auth/refresh').send({ refreshJwt });
  const validate = (sessionJwt: unknown) => ctx.http.post('/v1/auth/validate').send({ sessionJwt });

  describe('createSession and the JIT rule', () => {
    it('refuses a user SCIM never pushed while JIT is off, and audits the refusal', async () => {
      const result = await signIn('nobody@example.com');
      expect(result.errors?.[0]).toEqual(
        expect.objectContaining({
          message: 'unknown user: not provisioned by SCIM',
          extensions: { code: 'FORBIDDEN' },
        }),
      );
      const [event] = await ctx.db.query(
        `SELECT type, outcome, reason FROM audit_event WHERE tenant_id = $1 AND target_login = 'nobody@example.com'`,
        [tenantId],
      );
      expect(event).toEqual({
        type: 'session.denied',
        outcome: 'failure',
        reason: 'unknown user: not provisioned by SCIM',
      });
    });

    it('refuses a deactivated user', async () => {
      const user = await pushUser({ active: false });
      const result = await signIn(user.userName);
      expect(result.errors?.[0].message).toBe('user deactivated');
    });

    it('creates an unknown user when JIT is on, audited as jit.user.created', async () => {
      const jitTenant = await createTenant(ctx, { jitProvisioning: true });
      const result = await signIn('New.Hire@Example.com', jitTenant.id);
      const claims = decodeJwt(result.data.createSession.sessionJwt);
      expect(claims).toEqual(
        expect.objectContaining({ loginId: 'New.Hire@Example.com', email: 'New.Hire@Example.com' }),
      );
      const [event] = await ctx.db.query(
        `SELECT type, category, target_id FROM audit_event WHERE tenant_id = $1 AND type = 'jit.user.created'`,
        [jitTenant.id],
      );
      expect(event).toEqual({ type: 'jit.user.created', category: 'SessionEvent', target_id: claims.sub });
      // The second sign-in finds the user.
      const again = await signIn('new.hire@example.com', jitTenant.id);
      expect(decodeJwt(again.data.createSession.sessionJwt).sub).toBe(claims.sub);
    });

    it('finds a user by an email when userName is something else (UPN)', async () => {
      const user = await pushUser({
        userName: `upn-${Date.now()}@corp.example`,
        emails: [{ value: 'Mail.Me@Example.com', type: 'work' }],
      });
      const result = await signIn('mail.me@example.com');
      expect(decodeJwt(result.data.createSession.sessionJwt).sub).toBe(user.id);
    });

    it('rejects bad input with clear GraphQL errors', async () => {
      expect((await signIn('')).errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(
        (await ctx.gql(CREATE_SESSION, { input: { tenantId: 'x', loginId: 'a' } })).errors?.[0].extensions
          ?.code,
      ).toBe('BAD_USER_INPUT');
      expect((await signIn('a', '00000000-0000-4000-8000-000000000000')).errors?.[0].extensions?.code).toBe(
        'NOT_FOUND',
      );
    });
  });

  describe('tokens', () => {
    it('signs session JWTs with a kid published at /.well-known/jwks.json, 10 minutes by default', async () => {
      const user = await pushUser();
      const { sessionJwt, refreshJwt } = (await signIn(user.userName)).data.createSession;
      const header = JSON.parse(Buffer.from(sessionJwt.split('.')[0], 'base64url').toString());
      expect(header).toEqual(expect.objectContaining({ alg: 'ES256', kid: expect.any(String) }));
      const jwks = await ctx.http.get('/.well-known/jwks.json');
      expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toContain(header.kid);
      expect(JSON.stringify(jwks.body)).not.toMatch(/"d":/); // no private part
      const claims = decodeJwt(sessionJwt);
      expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
      const refreshClaims = decodeJwt(refreshJwt);
      expect((refreshClaims.exp ?? 0) - (refreshClaims.iat ?? 0)).toBeGreaterThanOrEqual(30 * 24 * 3600 - 2);
    });

    it('stores refresh tokens only as hashes', async () => {
      const user = await pushUser();
      const { refreshJwt } = (await signIn(user.userName)).data.createSession;
      const [hit] = await ctx.db.query(
        `SELECT count(*)::int AS n FROM session WHERE refresh_token_hash LIKE '%' || $1 || '%' OR refresh_token_hash = $2`,
        [refreshJwt.split('.')[2].slice(0, 20), refreshJwt],
      );
      expect(hit.n).toBe(0);
      const [row] = await ctx.db.query(`SELECT refresh_token_hash FROM session WHERE user_id = $1`, [
        user.id,
      ]);
      expect(row.refresh_token_hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it('rotates the refresh token on every use; replaying a used one revokes the whole session', async () => {
      const user = await pushUser();
      const first = (await signIn(user.userName)).data.createSession;
      const second = await refresh(first.refreshJwt);
      expect(second.status).toBe(200);
      expect(second.body.refreshJwt).not.toBe(first.refreshJwt);

      const replay = await refresh(first.refreshJwt);
      expect(replay.status).toBe(401);
      expect(replay.body.reason).toBe('refresh_token_reused');
      // The legitimate holder's newer token is dead too.
      const legit = await refresh(second.body.refreshJwt);
      expect(legit.body.reason).toBe('session_revoked');
      expect((await validate(second.body.sessionJwt)).body).toEqual({
        valid: false,
        refreshRequired: false,
        reason: 'session_revoked',
      });
    });

    it('answers 401 with a reason code, never a 500, for malformed, expired, tampered and foreign-signed JWTs', async () => {
      const user = await pushUser();
      const { sessionJwt, refreshJwt } = (await signIn(user.userName)).data.createSession;
      const [header, payload, signature] = sessionJwt.split('.');
      const tamperedPayload = Buffer.from(
        JSON.stringify({ ...decodeJwt(sessionJwt), tenants: { [tenantId]: { roles: ['superadmin'] } } }),
      ).toString('base64url');
      const foreignKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      const foreign = await new SignJWT({ ...decodeJwt(sessionJwt) })
        .setProtectedHeader({
          alg: 'ES256',
          kid: JSON.parse(Buffer.from(header, 'base64url').toString()).kid,
        })
        .sign(createPrivateKey(foreignKey.export({ format: 'pem', type: 'pkcs8' })));
      const expired = await signWithServerKey(decodeJwt(sessionJwt), -60);

      const cases: Array<[string, unknown, string]> = [
        ['missing', undefined, 'malformed_token'],
        ['a number', 42, 'malformed_token'],
        ['garbage', 'not.a.jwt', 'malformed_token'],
        ['tampered claims', `${header}.${tamperedPayload}.${signature}`, 'invalid_signature'],
        ['foreign-signed', foreign, 'invalid_signature'],
        ['alg none', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`, 'malformed_token'],
        ['a refresh token', refreshJwt, 'wrong_token_type'],
        ['expired', expired, 'expired_token'],
      ];
      for (const [name, token, reason] of cases) {
        const response = await validate(token);
        expect({ name, status: response.status, reason: response.body.reason }).toEqual({
          name,
          status: 401,
          reason,
        });
      }
      expect((await refresh(sessionJwt)).body.reason).toBe('wrong_token_type');
      expect((await refresh('x.y.z')).status).toBe(401);
      expect(
        (await ctx.http.post('/v1/auth/refresh').set('content-type', 'application/json').send('{bad')).status,
      ).toBe(400);
    });

    it('keeps live sessions valid across a signing key rotation', async () => {
      const user = await pushUser();
      const before = (await signIn(user.userName)).data.createSession;
      const rotated = await ctx.gql(`mutation { rotateSigningKey }`);
      expect(rotated.data.rotateSigningKey).toEqual(expect.any(String));
      expect((await validate(before.sessionJwt)).body.valid).toBe(true);
      const after = await refresh(before.refreshJwt);
      expect(after.status).toBe(200);
      const newKid = JSON.parse(Buffer.from(after.body.sessionJwt.split('.')[0], 'base64url').toString()).kid;
      expect(newKid).toBe(rotated.data.rotateSigningKey);
      const jwks = await ctx.http.get('/.well-known/jwks.json');
      expect(jwks.body.keys.length).toBeGreaterThanOrEqual(2);
    });

    it('logout revokes the session', async () => {
      const user = await pushUser();
      const tokens = (await signIn(user.userName)).data.createSession;
      expect((await ctx.http.post('/v1/auth/logout').send({ refreshJwt: tokens.refreshJwt })).status).toBe(
        200,
      );
      expect((await refresh(tokens.refreshJwt)).body.reason).toBe('session_revoked');
    });

    it('answers 401 user_deleted once the IdP deletes the user', async () => {
      const user = await pushUser();
      const tokens = (await signIn(user.userName)).data.createSession;
      expect((await scim.delete(`/Users/${user.id}`)).status).toBe(204);
      const response = await refresh(tokens.refreshJwt);
      expect(response.status).toBe(401);
      expect(response.body.reason).toBe('user_deleted');
      expect((await validate(tokens.sessionJwt)).status).toBe(401);
    });

    it('flags the session when the IdP changes the profile; refresh carries the new claims', async () => {
      const user = await pushUser();
      const tokens = (await signIn(user.userName)).data.createSession;
      await scim.patch(
        `/Users/${user.id}`,
        patchOps({ op: 'replace', path: 'displayName', value: 'Renamed Person' }),
      );
      await eventually(
        async () => (await validate(tokens.sessionJwt)).body.refreshRequired === true,
        10_000,
        'flag',
      );
      const next = await refresh(tokens.refreshJwt);
      expect(decodeJwt(next.body.sessionJwt).name).toBe('Renamed Person');
    });
  });

  describe('admin operations', () => {
    it('lists and revokes a user’s sessions', async () => {
      const user = await pushUser();
      await signIn(user.userName);
      await signIn(user.userName);
      const list = await ctx.gql(
        `query($t: ID!, $u: ID!) { sessions(tenantId: $t, userId: $u) { id revokedAt refreshRequired } }`,
        {
          t: tenantId,
          u: user.id,
        },
      );
      expect(list.data.sessions).toHaveLength(2);
      const revoked = await ctx.gql(
        `mutation($t: ID!, $u: ID!) { revokeSessions(tenantId: $t, userId: $u) }`,
        { t: tenantId, u: user.id },
      );
      expect(revoked.data.revokeSessions).toBe(2);
      const after = await ctx.gql(
        `query($t: ID!, $u: ID!) { sessions(tenantId: $t, userId: $u) { revokedAt } }`,
        {
          t: tenantId,
          u: user.id,
        },
      );
      expect(
        after.data.sessions.every((session: { revokedAt: string | null }) => session.revokedAt !== null),
      ).toBe(true);
    });
  });

  /** An expired token signed by the server's own current key (read from the database for the test). */
  async function signWithServerKey(
    claims: Record<string, unknown>,
    expiresInSeconds: number,
  ): Promise<string> {
    const { SigningKeys } = await import('../../src/modules/sessions/signing-keys');
    const keys = ctx.app.get(SigningKeys);
    const { kid, key } = await keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims, iat: now - 600, exp: now + expiresInSeconds })
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(key);
  }
});
