import { randomUUID } from 'node:crypto';

import { Queue } from 'bullmq';

import { UnitOfWork } from '../../src/database/unit-of-work';
import { Outbox } from '../../src/modules/outbox/outbox.service';
import { appQueue, eventually, startTestApp, TestApp } from '../support/test-app';

describe('outbox', () => {
  let ctx: TestApp;
  let queue: Queue;

  beforeAll(async () => {
    ctx = await startTestApp();
    queue = appQueue(ctx);
  });
  afterAll(async () => {
    await queue.close();
    await ctx.close();
  });

  const outboxIdsFor = async (tenantId: string): Promise<string[]> =>
    (await ctx.db.query(`SELECT id FROM outbox_message WHERE payload->>'tenantId' = $1`, [tenantId])).map(
      (row: { id: string }) => row.id,
    );

  it('publishes a job only after the transaction commits, with jobId = outbox id, and the worker runs it', async () => {
    const uow = ctx.app.get(UnitOfWork);
    const outbox = ctx.app.get(Outbox);
    const tenantId = randomUUID();

    let idInsideTransaction = '';
    await uow.run(async (tx) => {
      await outbox.add(tx, 'tenant.purge', { tenantId }, null);
      const [row] = await tx.manager.query(`SELECT id FROM outbox_message WHERE payload->>'tenantId' = $1`, [
        tenantId,
      ]);
      idInsideTransaction = row.id;
      // Give a relay every chance to publish early: the row is invisible until commit.
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(await queue.getJob(`outbox-${row.id}`)).toBeUndefined();
    });

    const job = await eventually(
      () => queue.getJob(`outbox-${idInsideTransaction}`),
      5_000,
      'the job to be published',
    );
    expect(job.name).toBe('tenant.purge');
    expect(job.data).toEqual({ tenantId });
    await eventually(
      async () => (await queue.getJob(`outbox-${idInsideTransaction}`))?.finishedOn,
      5_000,
      'the job to run',
    );
    const [row] = await ctx.db.query(`SELECT published_at FROM outbox_message WHERE id = $1`, [
      idInsideTransaction,
    ]);
    expect(row.published_at).not.toBeNull();
  });

  it('never publishes anything for a rolled-back transaction', async () => {
    const uow = ctx.app.get(UnitOfWork);
    const outbox = ctx.app.get(Outbox);
    const tenantId = randomUUID();
    let rolledBackId = '';
    await expect(
      uow.run(async (tx) => {
        await outbox.add(tx, 'tenant.purge', { tenantId }, null);
        const [row] = await tx.manager.query(
          `SELECT id FROM outbox_message WHERE payload->>'tenantId' = $1`,
          [tenantId],
        );
        rolledBackId = row.id;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    // A later committed row proves the relay ran past the rolled-back id.
    const witness = randomUUID();
    await uow.run((tx) => outbox.add(tx, 'tenant.purge', { tenantId: witness }, null));
    const [witnessId] = await outboxIdsFor(witness);
    await eventually(() => queue.getJob(`outbox-${witnessId}`), 5_000, 'the witness job');
    expect(await outboxIdsFor(tenantId)).toEqual([]);
    expect(await queue.getJob(`outbox-${rolledBackId}`)).toBeUndefined();
  });
});
