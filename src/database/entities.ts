import { AccessKeyEntity } from '../modules/access-keys/access-key.entity';
import { AuditEventEntity } from '../modules/audit/audit-event.entity';
import { OutboxMessageEntity } from '../modules/outbox/outbox-message.entity';
import { TenantEntity } from '../modules/tenants/tenant.entity';

/** Every entity, listed once: the app, the migration CLI and the drift check share this list. */
export const ENTITIES = [TenantEntity, AccessKeyEntity, AuditEventEntity, OutboxMessageEntity];
