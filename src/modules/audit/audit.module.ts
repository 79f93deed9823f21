import { Global, Module } from '@nestjs/common';

import { AuditRecorder } from './audit.recorder';
import { AuditResolver } from './audit.resolver';
import { AuditBuffer } from './audit-buffer';
import { AuditQueryService } from './audit-query.service';
import { AuditRetentionService } from './audit-retention.service';
import { ScimRequestAuditor } from './scim-request-auditor';

/**
 * The audit log. Other modules get the write-only recorder (and the buffer, for events that
 * describe no change); support staff search it through `auditEvents`.
 */
@Global()
@Module({
  providers: [
    AuditRecorder,
    AuditBuffer,
    AuditQueryService,
    AuditRetentionService,
    AuditResolver,
    ScimRequestAuditor,
  ],
  exports: [AuditRecorder, AuditBuffer, AuditQueryService, AuditRetentionService, ScimRequestAuditor],
})
export class AuditModule {}
