import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AppError } from '../../common/app-error';
import { Tx, UnitOfWork } from '../../database/unit-of-work';
import { AuditActor, AuditRecorder } from '../audit/audit.recorder';
import { TenantEntity } from '../tenants/tenant.entity';
import { TenantEvents } from '../tenants/tenant-events';
import { AccessKeyEntity } from './access-key.entity';
import { CreateAccessKeyInput } from './access-key.inputs';
import { AccessKeyCache } from './access-key-cache';
import { TENANT_ADMIN_ROLE } from './access-key-roles';
import { generateSecret, hashSecret, secretHint } from './access-key-secret';

export interface CreatedAccessKey {
  cleartext: string;
  accessKey: AccessKeyEntity;
}

@Injectable()
export class AccessKeysService implements OnModuleInit {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly cache: AccessKeyCache,
    private readonly tenantEvents: TenantEvents,
  ) {}

  onModuleInit(): void {
    this.tenantEvents.onChanged((tenantId) => this.cache.invalidate(tenantId));
  }

  async create(input: CreateAccessKeyInput, actor: AuditActor): Promise<CreatedAccessKey> {
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw AppError.badInput('expiresAt must be in the future');
    }
    return this.uow.run(async (tx) => {
      await this.lockTenant(tx, input.tenantId);
      return this.insertKey(tx, {
        tenantId: input.tenantId,
        name: input.name,
        roles: unique(input.roles ?? [TENANT_ADMIN_ROLE]),
        expiresAt: input.expiresAt ?? null,
        rotatedFromId: null,
        actor,
        type: 'access_key.created',
      });
    });
  }

  async listForTenant(tenantId: string): Promise<AccessKeyEntity[]> {
    await this.requireTenant(tenantId);
    return this.dataSource
      .getRepository(AccessKeyEntity)
      .find({ where: { tenantId }, order: { createdAt: 'DESC' } });
  }

  async revoke(id: string, actor: AuditActor): Promise<AccessKeyEntity> {
    const key = await this.uow.run(async (tx) => {
      const current = await this.lockKey(tx, id);
      if (current.revokedAt) {
        throw new AppError(
          'FAILED_PRECONDITION',
          `access key ${id} was already revoked at ${current.revokedAt.toISOString()}`,
        );
      }
      current.revokedAt = new Date();
      const saved = await tx.manager.save(current);
      await this.audit.record(tx, {
        tenantId: saved.tenantId,
        category: 'ManagementEvent',
        type: 'access_key.revoked',
        actor,
        targetId: saved.id,
        targetDisplayName: saved.name,
      });
      return saved;
    });
    await this.cache.invalidate(key.id);
    return key;
  }

  /**
   * Issues a replacement with the same name and roles; the old key keeps working until
   * `oldKeyValidUntil`, so the IdP can be switched to the new bearer without a gap.
   */
  async rotate(id: string, oldKeyValidUntil: Date, actor: AuditActor): Promise<CreatedAccessKey> {
    if (Number.isNaN(oldKeyValidUntil.getTime())) throw AppError.badInput('oldKeyValidUntil must be a date');
    if (oldKeyValidUntil.getTime() < Date.now())
      throw AppError.badInput('oldKeyValidUntil must not be in the past');
    const created = await this.uow.run(async (tx) => {
      const old = await this.lockKey(tx, id);
      if (old.revokedAt)
        throw new AppError('FAILED_PRECONDITION', `access key ${id} is revoked and cannot be rotated`);
      if (old.expiresAt && old.expiresAt.getTime() <= Date.now()) {
        throw new AppError('FAILED_PRECONDITION', `access key ${id} has expired and cannot be rotated`);
      }
      // The replacement keeps the old key's lifetime policy: same remaining span from now, or none.
      const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
      if (!old.expiresAt || old.expiresAt > oldKeyValidUntil) {
        old.expiresAt = oldKeyValidUntil;
        await tx.manager.save(old);
      }
      return this.insertKey(tx, {
        tenantId: old.tenantId,
        name: old.name,
        roles: old.roles,
        expiresAt: lifetime === null ? null : new Date(Date.now() + lifetime),
        rotatedFromId: old.id,
        actor,
        type: 'access_key.rotated',
        details: { oldKeyId: old.id, oldKeyValidUntil: oldKeyValidUntil.toISOString() },
      });
    });
    await this.cache.invalidate(id);
    return created;
  }

  private async insertKey(
    tx: Tx,
    key: {
      tenantId: string;
      name: string;
      roles: string[];
      expiresAt: Date | null;
      rotatedFromId: string | null;
      actor: AuditActor;
      type: string;
      details?: Record<string, unknown>;
    },
  ): Promise<CreatedAccessKey> {
    const cleartext = generateSecret();
    const accessKey = await tx.manager.save(
      tx.manager.create(AccessKeyEntity, {
        tenantId: key.tenantId,
        name: key.name,
        roles: key.roles,
        expiresAt: key.expiresAt,
        rotatedFromId: key.rotatedFromId,
        secretHash: hashSecret(cleartext),
        secretHint: secretHint(cleartext),
      }),
    );
    await this.audit.record(tx, {
      tenantId: key.tenantId,
      category: 'ManagementEvent',
      type: key.type,
      actor: key.actor,
      targetId: accessKey.id,
      targetDisplayName: accessKey.name,
      details: {
        roles: accessKey.roles,
        expiresAt: accessKey.expiresAt?.toISOString() ?? null,
        ...key.details,
      },
    });
    return { cleartext, accessKey };
  }

  private async lockTenant(tx: Tx, tenantId: string): Promise<void> {
    const tenant = await tx.manager.findOne(TenantEntity, {
      where: { id: tenantId },
      lock: { mode: 'pessimistic_read' },
    });
    if (!tenant) throw AppError.notFound('tenant', tenantId);
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if (!(await this.dataSource.getRepository(TenantEntity).existsBy({ id: tenantId }))) {
      throw AppError.notFound('tenant', tenantId);
    }
  }

  private async lockKey(tx: Tx, id: string): Promise<AccessKeyEntity> {
    const key = await tx.manager.findOne(AccessKeyEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!key) throw AppError.notFound('access key', id);
    return key;
  }

  /** Records use at most once a minute per key, so provisioning bursts do not write per request. */
  async touch(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE access_key SET last_used_at = now()
        WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }
}

const unique = (values: string[]) => [...new Set(values)];
