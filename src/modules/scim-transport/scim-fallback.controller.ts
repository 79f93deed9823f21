import { All, Controller, UseGuards } from '@nestjs/common';

import { ScimError } from '../../scim/errors';
import { ScimBearerGuard } from '../access-keys/scim-bearer.guard';

/** Any path under /scim/v2 that no SCIM controller serves: a SCIM 404, after authentication. */
@Controller('scim/v2')
@UseGuards(ScimBearerGuard)
export class ScimFallbackController {
  @All('*')
  unknownEndpoint(): never {
    throw ScimError.notFound('no such SCIM endpoint; see /scim/v2/ResourceTypes for what is served');
  }
}
