/**
 * How a read locks its row until commit. `write` (FOR NO KEY UPDATE) serialises writers of one
 * resource yet lets others reference it (FOR KEY SHARE, as membership inserts do), so a PATCH of
 * group A adding B never deadlocks against a PATCH of B adding A. `delete` (FOR UPDATE) waits
 * for those references to commit.
 */
export type RowLock = 'none' | 'write' | 'delete';

/** `true` is the older spelling of 'delete' (FOR UPDATE), kept for existing callers. */
export function lockClause(lock: RowLock | boolean): string {
  switch (lock === true ? 'delete' : lock === false ? 'none' : lock) {
    case 'none':
      return '';
    case 'write':
      return 'FOR NO KEY UPDATE';
    case 'delete':
      return 'FOR UPDATE';
  }
}
