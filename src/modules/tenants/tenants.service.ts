import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AppError } from '../../common/app-error';
import { decodeCursor, encodeCursor } from '../../common/cursor';
import { UnitOfWork } from '../../database/unit-of-work';
import { AuditActor, AuditRecorder } from '../audit/audit.recorder';
import { Outbox } from '../outbox/outbox.service';
import { TenantEntity } from './tenant.entity';
import { CreateTenantInput, UpdateTenantInput } from './tenant.inputs';
import { TenantConnection } from './tenant.model';
import { TenantEvents } from './tenant-events';

export const MAX_PAGE = 200;

@Injectable()
export class TenantsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly outbox: Outbox,
    private readonly events: TenantEvents,
  ) {}

  async create(input: CreateTenantInput, actor: AuditActor): Promise<TenantEntity> {
    return this.uow.run(async (tx) => {
      const tenant = await tx.manager.save(
        tx.manager.create(TenantEntity, {
          name: input.name,
          jitProvisioning: input.jitProvisioning ?? false,
        }),
      );
      await this.audit.record(tx, {
        tenantId: tenant.id,
        category: 'ManagementEvent',
        type: 'tenant.created',
        actor,
        targetId: tenant.id,
        targetDisplayName: tenant.name,
      });
      return tenant;
    });
  }

  async get(id: string): Promise<TenantEntity> {
    const tenant = await this.dataSource.getRepository(TenantEntity).findOneBy({ id });
    if (!tenant) throw AppError.notFound('tenant', id);
    return tenant;
  }

  async list(first: number, after?: string): Promise<TenantConnection> {
    if (first < 1 || first > MAX_PAGE) throw AppError.badInput(`first must be between 1 and ${MAX_PAGE}`);
    const cursor = after ? decodeCursor(after) : undefined;
    const query = this.dataSource
      .getRepository(TenantEntity)
      .createQueryBuilder('t')
      .orderBy('t.created_at', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(first + 1);
    if (cursor) query.where('(t.created_at, t.id) > (:at, :id)', { at: cursor.at, id: cursor.id });
    const [rows, totalCount] = await Promise.all([
      query.getMany(),
      this.dataSource.getRepository(TenantEntity).count(),
    ]);
    const nodes = rows.slice(0, first);
    const last = nodes[nodes.length - 1];
    const hasNextPage = rows.length > first;
    return {
      nodes,
      totalCount,
      hasNextPage,
      endCursor: last && hasNextPage ? encodeCursor({ at: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }

  async update(input: UpdateTenantInput, actor: AuditActor): Promise<TenantEntity> {
    const changed = (['name', 'jitProvisioning', 'scimEnabled'] as const).filter(
      (field) => input[field] !== undefined,
    );
    if (changed.length === 0)
      throw AppError.badInput('nothing to update: give name, jitProvisioning or scimEnabled');
    const tenant = await this.uow.run(async (tx) => {
      const current = await tx.manager.findOne(TenantEntity, {
        where: { id: input.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current) throw AppError.notFound('tenant', input.id);
      for (const field of changed) Object.assign(current, { [field]: input[field] });
      const saved = await tx.manager.save(current);
      await this.audit.record(tx, {
        tenantId: saved.id,
        category: 'ManagementEvent',
        type: 'tenant.updated',
        actor,
        targetId: saved.id,
        targetDisplayName: saved.name,
        changedAttributes: changed,
        details: Object.fromEntries(changed.map((field) => [field, input[field]])),
      });
      return saved;
    });
    // scimEnabled is read by the SCIM guard from the key cache.
    if (input.scimEnabled !== undefined) await this.events.changed(tenant.id);
    return tenant;
  }

  /**
   * Deletes the tenant and, by cascade, everything it owns in the same transaction. Its audit
   * events (a partitioned table with no foreign key) are purged afterwards by the `tenant.purge` job.
   */
  async delete(id: string, actor: AuditActor): Promise<TenantEntity> {
    const deleted = await this.uow.run(async (tx) => {
      const tenant = await tx.manager.findOne(TenantEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!tenant) throw AppError.notFound('tenant', id);
      await tx.manager.delete(TenantEntity, { id });
      // Recorded deployment-wide (no tenant), so the purge does not erase the record of the deletion.
      await this.audit.record(tx, {
        tenantId: null,
        category: 'ManagementEvent',
        type: 'tenant.deleted',
        actor,
        targetId: tenant.id,
        targetDisplayName: tenant.name,
      });
      await this.outbox.add(tx, 'tenant.purge', { tenantId: id }, null);
      return tenant;
    });
    await this.events.changed(id);
    return deleted;
  }
}
