import { CanActivate, ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';

import { APP_CONFIG, AppConfig } from '../../config/config';
import { ScimError } from '../../scim/errors';
import { AuditRecorder } from '../audit/audit.recorder';
import { AccessKeyCache, CachedAccessKey } from './access-key-cache';
import { TENANT_ADMIN_ROLE } from './access-key-roles';
import { constantTimeMatcher, hashSecret, parseBearer } from './access-key-secret';
import { AccessKeysService } from './access-keys.service';
import { auditActorOf } from './scim-principal';

/** Why a bearer was refused; recorded as the `reason` of `scim.auth.failed`. */
export type AuthFailureReason =
  | 'missing_bearer'
  | 'malformed_bearer'
  | 'wrong_project'
  | 'unknown_key'
  | 'revoked_key'
  | 'expired_key'
  | 'missing_role'
  | 'scim_disabled';

const TOUCH_INTERVAL_MS = 60_000;

class AuthFailure {
  constructor(
    readonly status: 401 | 403,
    readonly reason: AuthFailureReason,
    readonly detail: string,
    readonly key?: CachedAccessKey,
  ) {}
}

/**
 * `Authorization: Bearer <PROJECT_ID>:<access key>` on /scim/v2. Resolves the tenant from the key;
 * 401 for anything that is not a live key of this project, 403 for a key that may not provision.
 */
@Injectable()
export class ScimBearerGuard implements CanActivate {
  private readonly logger = new Logger('ScimBearerGuard');
  private readonly lastTouched = new Map<string, number>();
  private readonly isThisProject: (projectId: string) => boolean;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cache: AccessKeyCache,
    private readonly keys: AccessKeysService,
    private readonly audit: AuditRecorder,
    private readonly dataSource: DataSource,
  ) {
    this.isThisProject = constantTimeMatcher(config.PROJECT_ID);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const outcome = await this.authenticate(request.headers.authorization);
    if (outcome instanceof AuthFailure) {
      await this.recordFailure(request, outcome);
      throw new ScimError(outcome.status, outcome.detail);
    }
    request.scimPrincipal = { tenantId: outcome.tenantId, keyId: outcome.id, keyName: outcome.name };
    this.touchAtMostEveryMinute(outcome.id);
    return true;
  }

  /**
   * The live Tenant Admin key behind a header, or undefined. For requests Fastify refused before
   * any guard ran (malformed JSON, too large, wrong media type), so they can still be audited.
   */
  async liveKey(header: string | undefined): Promise<CachedAccessKey | undefined> {
    const outcome = await this.authenticate(header);
    return outcome instanceof AuthFailure ? undefined : outcome;
  }

  /** lastUsedAt is for people reading the admin API: a write a minute per key, not one per request. */
  private touchAtMostEveryMinute(keyId: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_INTERVAL_MS) return;
    if (this.lastTouched.size > 10_000) this.lastTouched.clear();
    this.lastTouched.set(keyId, now);
    this.keys.touch(keyId).catch((error: Error) => this.logger.warn(`lastUsedAt: ${error.message}`));
  }

  private async authenticate(header: string | undefined): Promise<CachedAccessKey | AuthFailure> {
    const bearer = parseBearer(header);
    if (bearer === 'missing') {
      return new AuthFailure(
        401,
        'missing_bearer',
        'Authorization header with Bearer <ProjectID>:<AccessKey> is required',
      );
    }
    if (bearer === 'malformed') {
      return new AuthFailure(401, 'malformed_bearer', 'Authorization must be Bearer <ProjectID>:<AccessKey>');
    }
    if (!this.isThisProject(bearer.projectId)) {
      return new AuthFailure(401, 'wrong_project', 'the project ID in the bearer is not this project');
    }
    const key = await this.cache.findByHash(hashSecret(bearer.secret));
    if (!key) return new AuthFailure(401, 'unknown_key', 'unknown access key');
    const now = Date.now();
    if (key.revokedAt && key.revokedAt.getTime() <= now) {
      return new AuthFailure(401, 'revoked_key', 'the access key has been revoked', key);
    }
    if (key.expiresAt && key.expiresAt.getTime() <= now) {
      return new AuthFailure(
        401,
        'expired_key',
        `the access key expired at ${key.expiresAt.toISOString()}`,
        key,
      );
    }
    if (!key.roles.includes(TENANT_ADMIN_ROLE)) {
      return new AuthFailure(
        403,
        'missing_role',
        `the access key lacks the "${TENANT_ADMIN_ROLE}" role`,
        key,
      );
    }
    if (!key.scimEnabled)
      return new AuthFailure(403, 'scim_disabled', 'SCIM is disabled for this tenant', key);
    return key;
  }

  /** Only a key that names a tenant can be attributed; the rest are logged, not audited. */
  private async recordFailure(request: FastifyRequest, failure: AuthFailure): Promise<void> {
    if (!failure.key) {
      this.logger.warn(`SCIM bearer refused (${failure.reason}) from ${request.ip}`);
      return;
    }
    try {
      await this.audit.record(this.dataSource.manager, {
        tenantId: failure.key.tenantId,
        category: 'SCIMEvent',
        type: 'scim.auth.failed',
        outcome: 'failure',
        actor: auditActorOf(request, { keyId: failure.key.id, keyName: failure.key.name }),
        httpStatus: failure.status,
        reason: failure.reason,
        details: { method: request.method, path: request.url.split('?')[0] },
      });
    } catch (error) {
      this.logger.error(`could not audit scim.auth.failed: ${(error as Error).message}`);
    }
  }
}
