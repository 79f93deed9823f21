import { PATCH_OP_SCHEMA } from '../constants';
import { ScimError } from '../errors';
import { getCI, isPlainObject } from '../internal/object';
import type { PatchOperation, PatchOpName } from './types';

const OPS: readonly PatchOpName[] = ['add', 'remove', 'replace'];

/**
 * Validates a PatchOp request body (RFC 7644 §3.5.2) and returns its normalised operations.
 * Key names and op names are accepted in any case ("Replace", "ADD"), as IdPs send them.
 * An empty Operations array is a valid no-op.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('PATCH body must be a JSON object');
  const schemas = getCI(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
  ) {
    throw ScimError.invalidSyntax(`PATCH body must list "${PATCH_OP_SCHEMA}" in schemas`);
  }
  const operations = getCI(body, 'Operations');
  if (!Array.isArray(operations)) throw ScimError.invalidSyntax('PATCH body must have an "Operations" array');
  return operations.map((op, i) => normaliseOperation(op, i));
}

export function normaliseOperation(raw: unknown, index: number): PatchOperation {
  if (!isPlainObject(raw)) throw ScimError.invalidSyntax(`Operations[${index}] must be an object`);
  const op = getCI(raw, 'op');
  const name = typeof op === 'string' ? op.trim().toLowerCase() : undefined;
  if (name === undefined || !(OPS as readonly string[]).includes(name)) {
    throw ScimError.invalidSyntax(`Operations[${index}].op must be "add", "remove" or "replace"`);
  }
  const path = getCI(raw, 'path');
  if (path !== undefined && path !== null && typeof path !== 'string') {
    throw ScimError.invalidPath(`Operations[${index}].path must be a string`);
  }
  const value = getCI(raw, 'value');
  if (name !== 'remove' && value === undefined) {
    throw ScimError.invalidValue(`Operations[${index}] (${name}) needs a "value"`);
  }
  const trimmed = typeof path === 'string' && path.trim() !== '' ? path.trim() : undefined;
  return {
    op: name as PatchOpName,
    ...(trimmed !== undefined && { path: trimmed }),
    ...(value !== undefined && { value }),
  };
}
