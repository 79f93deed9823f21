import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

import { AppError } from '../../common/app-error';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { Tx, UnitOfWork } from '../../database/unit-of-work';
import { sqlQuery } from '../../persistence/sql-query';
import { isUniqueViolation } from '../../persistence/unique-violation';
import { CORE_USER_SCHEMA } from '../../scim';
import { hashSecret } from '../access-keys/access-key-secret';
import { AuditActor, AuditRecorder } from '../audit/audit.recorder';
import { RoleMappingService, userRolesSql } from '../role-mapping/role-mapping.service';
import { toUserColumns } from '../scim-users/scim-user.mapper';
import { ScimUsersRepository } from '../scim-users/scim-users.repository';
import { SessionClaims, SessionTokens, TokenError, VerifiedSession } from './session-tokens';

export interface TokenPair {
  sessionJwt: string;
  refreshJwt: string;
}

/** Why a refresh or validate was refused; the `reason` in the 401 body. */
export type SessionRejection =
  | TokenError['reason']
  | 'session_not_found'
  | 'session_revoked'
  | 'session_expired'
  | 'refresh_token_reused'
  | 'user_deactivated'
  | 'user_deleted';

export class SessionRejected extends Error {
  constructor(readonly reason: SessionRejection) {
    super(reason);
  }
}

interface UserRow {
  id: string;
  user_name: string;
  display_name: string | null;
  primary_email: string | null;
  active: boolean;
  data: Record<string, unknown>;
}

interface SessionRow {
  id: string;
  user_id: string;
  refresh_token_hash: string;
  expires_at: Date;
  revoked_at: Date | null;
  refresh_required_at: Date | null;
}

export interface SessionSummary {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  lastRefreshedAt: Date | null;
  refreshRequired: boolean;
  revokedAt: Date | null;
  revokedReason: string | null;
}

const USER_COLUMNS = 'u.id, u.user_name, u.display_name, u.primary_email, u.active, u.data';

/**
 * Sessions of provisioned users. Claims are computed from the current user, groups and role
 * mappings at every issue and refresh; the refresh token rotates on every use and a replayed one
 * revokes the whole session (OAuth 2.0 Security BCP, refresh token rotation).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly tokens: SessionTokens,
    private readonly roles: RoleMappingService,
    private readonly users: ScimUsersRepository,
    private readonly audit: AuditRecorder,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sign-in for internal tooling, under the tenant's JIT rule. */
  async create(tenantId: string, loginId: string, actor: AuditActor): Promise<TokenPair> {
    const outcome = await this.uow.run(async (tx) => {
      const [tenant] = await tx.manager.query<Array<{ jit_provisioning: boolean }>>(
        `SELECT jit_provisioning FROM tenant WHERE id = $1`,
        [tenantId],
      );
      if (!tenant) throw AppError.notFound('tenant', tenantId);
      let user = await this.findUser(tx.manager, tenantId, loginId);
      if (!user) {
        if (!tenant.jit_provisioning)
          return this.deny(tx, tenantId, loginId, actor, 'unknown user: not provisioned by SCIM');
        user = await this.createJitUser(tx, tenantId, loginId, actor);
      }
      if (!user.active) return this.deny(tx, tenantId, loginId, actor, 'user deactivated', user.id);
      const pair = await this.openSession(tx, tenantId, user);
      await this.audit.record(tx, {
        tenantId,
        category: 'SessionEvent',
        type: 'session.created',
        actor,
        targetId: user.id,
        targetLogin: user.user_name,
        targetEmail: user.primary_email,
      });
      return pair;
    });
    // Denials are committed (audited) first, then reported.
    if ('denied' in outcome) throw new AppError('FORBIDDEN', outcome.denied);
    return outcome;
  }

  async refresh(refreshJwt: unknown): Promise<TokenPair> {
    const token = await this.verify(() => this.tokens.verifyRefresh(refreshJwt));
    const presentedHash = hashSecret(String(refreshJwt));
    // The next refresh token depends only on the session, so it is signed before the database is
    // asked; then one compare-and-swap UPDATE rotates it and returns the claims' inputs.
    const expiresAt = new Date(Date.now() + this.config.REFRESH_TTL_SECONDS * 1000);
    const nextRefresh = await this.tokens.signRefresh(token.tid, token.sub, token.sid, expiresAt);
    // A prepared statement (sql-query.ts): through TypeORM's query() PostgreSQL planned this join
    // and its roles subquery again on every refresh.
    const rotatedRows = await sqlQuery<UserRow & { roles: string[] }>(
      this.dataSource.manager,
      `UPDATE session s
          SET refresh_token_hash = $4, expires_at = $5, last_refreshed_at = now(), refresh_required_at = NULL
         FROM scim_user u
        WHERE s.tenant_id = $1 AND s.id = $2 AND s.refresh_token_hash = $3
          AND s.revoked_at IS NULL AND s.expires_at > now()
          AND u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.active
       RETURNING u.id, u.user_name, u.display_name, u.primary_email, u.active, u.data,
                 ${userRolesSql('s.tenant_id', 's.user_id')} AS roles`,
      [token.tid, token.sid, presentedHash, hashSecret(nextRefresh), expiresAt],
    );
    const rotated = rotatedRows[0];
    if (rotated) {
      const sessionJwt = await this.tokens.signSession(
        token.tid,
        claimsOf(token.tid, token.sid, rotated, rotated.roles),
      );
      return { sessionJwt, refreshJwt: nextRefresh };
    }
    throw new SessionRejected(await this.whyRefreshFailed(token.tid, token.sid, token.sub, presentedHash));
  }

  /** The slow path of a refused refresh: find out why, and end the session where the BCP says so. */
  private async whyRefreshFailed(
    tenantId: string,
    sessionId: string,
    userId: string,
    presentedHash: string,
  ): Promise<SessionRejection> {
    return this.uow.run(async (tx): Promise<SessionRejection> => {
      const [row] = await tx.manager.query<
        Array<SessionRow & { user_name: string | null; active: boolean | null }>
      >(
        `SELECT s.id, s.refresh_token_hash, s.expires_at, s.revoked_at, u.user_name, u.active
           FROM session s LEFT JOIN scim_user u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
          WHERE s.tenant_id = $1 AND s.id = $2
            FOR UPDATE OF s`,
        [tenantId, sessionId],
      );
      if (!row)
        return (await this.userExists(tx.manager, tenantId, userId)) ? 'session_not_found' : 'user_deleted';
      if (row.revoked_at) return 'session_revoked';
      if (row.expires_at.getTime() <= Date.now()) return 'session_expired';
      if (presentedHash !== row.refresh_token_hash) {
        // A rotated token came back: someone holds a copy. End the session for everyone.
        await this.revokeSession(tx.manager, tenantId, row.id, 'refresh token reused');
        return 'refresh_token_reused';
      }
      if (row.user_name === null) return 'user_deleted';
      await this.revokeSession(tx.manager, tenantId, row.id, 'user deactivated');
      return 'user_deactivated';
    });
  }

  async validate(sessionJwt: unknown): Promise<{ claims: VerifiedSession; refreshRequired: boolean }> {
    const claims = await this.verify(() => this.tokens.verifySession(sessionJwt));
    const [session] = await this.dataSource.query<SessionRow[]>(
      `SELECT id, revoked_at, refresh_required_at, expires_at FROM session WHERE tenant_id = $1 AND id = $2`,
      [claims.tid, claims.sid],
    );
    if (!session) throw new SessionRejected('session_not_found');
    if (session.revoked_at) throw new SessionRejected('session_revoked');
    // Flagged after this JWT was issued: its claims may be stale.
    const refreshRequired =
      session.refresh_required_at !== null && session.refresh_required_at.getTime() >= claims.iat * 1000;
    return { claims, refreshRequired };
  }

  async logout(refreshJwt: unknown): Promise<void> {
    const token = await this.verify(() => this.tokens.verifyRefresh(refreshJwt));
    await this.revokeSession(this.dataSource.manager, token.tid, token.sid, 'logout');
  }

  async list(tenantId: string, userId: string): Promise<SessionSummary[]> {
    const rows = await this.dataSource.query<
      Array<SessionRow & { created_at: Date; last_refreshed_at: Date | null; revoked_reason: string | null }>
    >(
      `SELECT id, user_id, created_at, expires_at, last_refreshed_at, refresh_required_at, revoked_at, revoked_reason
         FROM session WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC LIMIT 200`,
      [tenantId, userId],
    );
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      lastRefreshedAt: row.last_refreshed_at,
      refreshRequired: row.refresh_required_at !== null,
      revokedAt: row.revoked_at,
      revokedReason: row.revoked_reason,
    }));
  }

  async revokeAll(tenantId: string, userId: string, actor: AuditActor): Promise<number> {
    return this.uow.run(async (tx) => {
      const [, count] = await tx.manager.query<[unknown, number]>(
        `UPDATE session SET revoked_at = now(), revoked_reason = 'revoked by an administrator'
          WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL`,
        [tenantId, userId],
      );
      await this.audit.record(tx, {
        tenantId,
        category: 'SessionEvent',
        type: 'session.revoked',
        actor,
        targetId: userId,
        details: { sessions: count },
      });
      return count;
    });
  }

  // ---- helpers --------------------------------------------------------------------------------

  private async verify<T>(check: () => Promise<T>): Promise<T> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof TokenError) throw new SessionRejected(error.reason);
      throw error;
    }
  }

  private async openSession(tx: Tx, tenantId: string, user: UserRow): Promise<TokenPair> {
    const sessionId = randomUUID();
    const expiresAt = new Date(Date.now() + this.config.REFRESH_TTL_SECONDS * 1000);
    const refreshJwt = await this.tokens.signRefresh(tenantId, user.id, sessionId, expiresAt);
    await tx.manager.query(
      `INSERT INTO session (tenant_id, id, user_id, refresh_token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [tenantId, sessionId, user.id, hashSecret(refreshJwt), expiresAt],
    );
    const sessionJwt = await this.tokens.signSession(
      tenantId,
      await this.claims(tx.manager, tenantId, sessionId, user),
    );
    return { sessionJwt, refreshJwt };
  }

  private async claims(
    manager: EntityManager,
    tenantId: string,
    sessionId: string,
    user: UserRow,
  ): Promise<SessionClaims> {
    return claimsOf(tenantId, sessionId, user, await this.roles.rolesOfUser(manager, tenantId, user.id));
  }

  private async findUser(
    manager: EntityManager,
    tenantId: string,
    loginId: string,
  ): Promise<UserRow | undefined> {
    const [byUserName] = await manager.query<UserRow[]>(
      `SELECT ${USER_COLUMNS} FROM scim_user u WHERE u.tenant_id = $1 AND lower(u.user_name) = lower($2)`,
      [tenantId, loginId.trim()],
    );
    if (byUserName) return byUserName;
    // Many IdPs make userName the UPN while people sign in with their email.
    const [byEmail] = await manager.query<UserRow[]>(
      `SELECT ${USER_COLUMNS} FROM scim_user u WHERE u.tenant_id = $1 AND u.email_values @> ARRAY[lower($2)]::text[]
        ORDER BY u.created_at LIMIT 1`,
      [tenantId, loginId.trim()],
    );
    return byEmail;
  }

  private async createJitUser(
    tx: Tx,
    tenantId: string,
    loginId: string,
    actor: AuditActor,
  ): Promise<UserRow> {
    const userName = loginId.trim();
    const resource = {
      schemas: [CORE_USER_SCHEMA],
      userName,
      active: true,
      ...(/^[^@\s]+@[^@\s]+$/.test(userName) && {
        emails: [{ value: userName, type: 'work', primary: true }],
      }),
    };
    try {
      const row = await this.users.insert(tx.manager, tenantId, randomUUID(), toUserColumns(resource));
      await this.audit.record(tx, {
        tenantId,
        category: 'SessionEvent',
        type: 'jit.user.created',
        actor,
        targetId: row.id,
        targetLogin: row.user_name,
        targetEmail: row.primary_email,
      });
      return row;
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('CONFLICT', `user ${userName} was created concurrently; sign in again`);
      throw error;
    }
  }

  private async deny(
    tx: Tx,
    tenantId: string,
    loginId: string,
    actor: AuditActor,
    reason: string,
    userId?: string,
  ): Promise<{ denied: string }> {
    await this.audit.record(tx, {
      tenantId,
      category: 'SessionEvent',
      type: 'session.denied',
      outcome: 'failure',
      actor,
      targetId: userId ?? null,
      targetLogin: loginId,
      reason,
    });
    return { denied: reason };
  }

  private async lockSession(
    manager: EntityManager,
    tenantId: string,
    id: string,
  ): Promise<SessionRow | undefined> {
    const [row] = await manager.query<SessionRow[]>(
      `SELECT id, user_id, refresh_token_hash, expires_at, revoked_at, refresh_required_at
         FROM session WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
      [tenantId, id],
    );
    return row;
  }

  private async userExists(manager: EntityManager, tenantId: string, userId: string): Promise<boolean> {
    const [row] = await manager.query<unknown[]>(`SELECT 1 FROM scim_user WHERE tenant_id = $1 AND id = $2`, [
      tenantId,
      userId,
    ]);
    return row !== undefined;
  }

  private async revokeSession(
    manager: EntityManager,
    tenantId: string,
    id: string,
    reason: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE session SET revoked_at = now(), revoked_reason = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL`,
      [tenantId, id, reason],
    );
  }
}

function claimsOf(tenantId: string, sessionId: string, user: UserRow, roles: string[]): SessionClaims {
  return {
    sub: user.id,
    sid: sessionId,
    loginId: user.user_name,
    email: user.primary_email,
    name: user.display_name ?? formattedName(user.data),
    tenants: { [tenantId]: { roles } },
  };
}

function formattedName(data: Record<string, unknown>): string | null {
  const name = data.name as { formatted?: unknown; givenName?: unknown; familyName?: unknown } | undefined;
  if (!name) return null;
  if (typeof name.formatted === 'string') return name.formatted;
  const parts = [name.givenName, name.familyName].filter((part): part is string => typeof part === 'string');
  return parts.length > 0 ? parts.join(' ') : null;
}
