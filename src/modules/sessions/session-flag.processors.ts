import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { JobHandler, JobProcessor } from '../../infra/queue/job-handler.decorator';
import { JobPayloads } from '../../infra/queue/job-names';

const MEMBER_BATCH = 5_000;

/**
 * Marks live sessions so their next validate says `refreshRequired`. Re-running only moves the
 * mark forward, so at-least-once delivery is harmless.
 */
@Injectable()
@JobHandler('sessions.flag')
export class FlagSessionsProcessor implements JobProcessor<'sessions.flag'> {
  constructor(private readonly dataSource: DataSource) {}

  async handle({ tenantId, userIds }: JobPayloads['sessions.flag']): Promise<void> {
    await flagUsers(this.dataSource, tenantId, userIds);
  }
}

/**
 * Flags every member of a group, walking the membership rows in id order in batches, so a group
 * of 100,000 is never held in memory and no statement locks all of its sessions at once.
 */
@Injectable()
@JobHandler('sessions.flag-group-members')
export class FlagGroupMembersProcessor implements JobProcessor<'sessions.flag-group-members'> {
  constructor(private readonly dataSource: DataSource) {}

  async handle({ tenantId, groupId }: JobPayloads['sessions.flag-group-members']): Promise<void> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.dataSource.query<Array<{ user_id: string }>>(
        `SELECT member_user_id AS user_id FROM scim_group_member
          WHERE tenant_id = $1 AND group_id = $2 AND member_user_id > $3
          ORDER BY member_user_id LIMIT $4`,
        [tenantId, groupId, after, MEMBER_BATCH],
      );
      if (rows.length === 0) return;
      await flagUsers(
        this.dataSource,
        tenantId,
        rows.map((row) => row.user_id),
      );
      if (rows.length < MEMBER_BATCH) return;
      after = rows[rows.length - 1].user_id;
    }
  }
}

/** Revokes the sessions of users who lost access; idempotent (already revoked ones stay as they are). */
@Injectable()
@JobHandler('sessions.revoke')
export class RevokeSessionsProcessor implements JobProcessor<'sessions.revoke'> {
  constructor(private readonly dataSource: DataSource) {}

  async handle({ tenantId, userIds, reason }: JobPayloads['sessions.revoke']): Promise<void> {
    await this.dataSource.query(
      `UPDATE session SET revoked_at = now(), revoked_reason = $3
        WHERE tenant_id = $1 AND user_id = ANY($2::uuid[]) AND revoked_at IS NULL`,
      [tenantId, userIds, reason],
    );
  }
}

async function flagUsers(dataSource: DataSource, tenantId: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  await dataSource.query(
    `UPDATE session SET refresh_required_at = now()
      WHERE tenant_id = $1 AND user_id = ANY($2::uuid[]) AND revoked_at IS NULL AND expires_at > now()`,
    [tenantId, userIds],
  );
}
