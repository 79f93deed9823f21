import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A database transaction plus work to run only once it has committed (never inside it). */
export class Tx {
  private readonly afterCommitHooks: Array<() => void> = [];

  constructor(readonly manager: EntityManager) {}

  afterCommit(hook: () => void): void {
    if (!this.afterCommitHooks.includes(hook)) this.afterCommitHooks.push(hook);
  }

  /** @internal */
  runAfterCommit(): void {
    for (const hook of this.afterCommitHooks) hook();
  }
}

/** Every write runs in one of these: rows, audit event and outbox row commit together or not at all. */
@Injectable()
export class UnitOfWork {
  constructor(readonly dataSource: DataSource) {}

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    let tx!: Tx;
    const result = await this.dataSource.transaction(async (manager) => {
      tx = new Tx(manager);
      return work(tx);
    });
    tx.runAfterCommit();
    return result;
  }
}
