import { Inject, Injectable, Logger } from '@nestjs/common';

import { APP_CONFIG, AppConfig } from '../../config/config';
import {
  bulkFailure,
  BulkOperation,
  BulkOperationResult,
  bulkResponse,
  bulkSuccess,
  bulkTarget,
  GROUP_RESOURCE_TYPE,
  parseBulkRequest,
  planBulkOrder,
  resolveBulkReferences,
  ScimError,
  ScimResource,
} from '../../scim';
import { ScimGroupsService } from '../scim-groups/scim-groups.service';
import { Preconditions, ScimCaller } from '../scim-transport/scim-caller';
import { ScimUsersService } from '../scim-users/scim-users.service';

/**
 * RFC 7644 §3.7 /Bulk. Operations run in dependency order (a group whose member is `bulkId:x`
 * runs after x is created), each in its own transaction with its own status; `failOnErrors`
 * stops the run after that many failures. Unresolvable references answer 409.
 */
@Injectable()
export class ScimBulkService {
  private readonly logger = new Logger('ScimBulk');

  constructor(
    private readonly users: ScimUsersService,
    private readonly groups: ScimGroupsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(caller: ScimCaller, body: unknown): Promise<ReturnType<typeof bulkResponse>> {
    const request = parseBulkRequest(body, { maxOperations: this.config.SCIM_MAX_BULK_OPERATIONS });
    const plan = planBulkOrder(request.operations);
    const results = new Map<number, BulkOperationResult>();
    const created = new Map<string, string>();
    let errors = 0;
    const stopAt = request.failOnErrors;

    for (const [index, reason] of plan.unresolvable) {
      results.set(index, bulkFailure(request.operations[index], ScimError.conflict(reason)));
      errors++;
    }
    for (const index of plan.order) {
      if (stopAt !== undefined && errors >= stopAt) break;
      const op = request.operations[index];
      try {
        const outcome = await this.execute(caller, resolveBulkReferences(op, created));
        if (op.method === 'POST' && op.bulkId !== undefined && outcome.id) created.set(op.bulkId, outcome.id);
        results.set(index, bulkSuccess(op, outcome));
      } catch (error) {
        errors++;
        results.set(index, bulkFailure(op, this.asScimError(error)));
      }
    }
    // Answer in request order; operations never reached (failOnErrors) are left out, as the RFC shows.
    const ordered = [...results.entries()].sort(([a], [b]) => a - b).map(([, result]) => result);
    return bulkResponse(ordered);
  }

  private async execute(
    caller: ScimCaller,
    op: BulkOperation,
  ): Promise<{ status: number; id?: string; location?: string; version?: string; response?: unknown }> {
    const { resourceType, id } = bulkTarget(op);
    const isGroup = resourceType === GROUP_RESOURCE_TYPE;
    const preconditions: Preconditions = op.version ? { ifMatch: op.version } : {};
    const done = (status: number, result: { resource: ScimResource; version: number }) => ({
      status,
      id: result.resource.id,
      location: String(result.resource.meta?.location),
      version: `W/"${result.version}"`,
    });
    switch (op.method) {
      case 'POST':
        return done(
          201,
          isGroup ? await this.groups.create(caller, op.data) : await this.users.create(caller, op.data),
        );
      case 'PUT':
        return done(
          200,
          isGroup
            ? await this.groups.replace(caller, id ?? '', op.data, preconditions, false)
            : await this.users.replace(caller, id ?? '', op.data, preconditions),
        );
      case 'PATCH':
        return done(
          200,
          isGroup
            ? await this.groups.patch(caller, id ?? '', op.data, preconditions, false)
            : await this.users.patch(caller, id ?? '', op.data, preconditions),
        );
      case 'DELETE':
        if (isGroup) await this.groups.delete(caller, id ?? '', preconditions);
        else await this.users.delete(caller, id ?? '', preconditions);
        return { status: 204 };
    }
  }

  private asScimError(error: unknown): ScimError {
    if (error instanceof ScimError) return error;
    this.logger.error(`bulk operation failed: ${(error as Error)?.stack ?? String(error)}`);
    return new ScimError(500, 'internal error in this operation; the others are unaffected');
  }
}
