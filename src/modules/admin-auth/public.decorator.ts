import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = Symbol('PUBLIC_ROUTE');

/**
 * Marks a controller that deliberately has no guard (health, metrics, JWKS, token endpoints
 * that authenticate by their body). The guard-coverage test accepts only this or a guard.
 */
export const Public = (reason: string) => SetMetadata(PUBLIC_ROUTE, reason);
