import { Injectable } from '@nestjs/common';

import { Tx } from '../../database/unit-of-work';

export interface GroupRenamed {
  tenantId: string;
  groupId: string;
  from: string;
  to: string;
}

type RenameListener = (tx: Tx, change: GroupRenamed) => Promise<void>;

/**
 * SCIM modules never import role mapping; role mapping listens here instead. Listeners run in
 * the rename's own transaction, so a mapping follows its group atomically.
 */
@Injectable()
export class GroupEvents {
  private readonly renameListeners: RenameListener[] = [];

  onRenamed(listener: RenameListener): void {
    this.renameListeners.push(listener);
  }

  async renamed(tx: Tx, change: GroupRenamed): Promise<void> {
    for (const listener of this.renameListeners) await listener(tx, change);
  }
}
