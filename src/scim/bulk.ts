import { BULK_REQUEST_SCHEMA, BULK_RESPONSE_SCHEMA } from './constants';
import { ScimError, type ScimErrorBody, toScimErrorBody } from './errors';
import { cloneJson, getCI, isPlainObject, type JsonObject, safeEntries } from './internal/object';
import { RESOURCE_TYPES } from './schema/resource-types';
import type { ResourceTypeDefinition } from './schema/types';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface BulkOperation {
  readonly method: BulkMethod;
  /** Client handle for a created resource; required for POST (RFC 7644 §3.7). */
  readonly bulkId?: string;
  /** ETag for If-Match semantics on PUT/PATCH/DELETE. */
  readonly version?: string;
  /** `/Users` for POST, `/Users/{id}` (or `/Users/bulkId:x`) otherwise. */
  readonly path: string;
  readonly data?: unknown;
}

export interface BulkRequest {
  /** Stop after this many errors (RFC 7644 §3.7.3); undefined = process everything. */
  readonly failOnErrors?: number;
  readonly operations: readonly BulkOperation[];
}

const METHODS: readonly BulkMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE'];
const BULK_REF = /^bulkId:(.+)$/;

/**
 * Validates a BulkRequest. More than `maxOperations` operations is 413 (maxPayloadSize is the
 * HTTP layer's job: it sees the bytes before we see the JSON).
 */
export function parseBulkRequest(body: unknown, limits: { readonly maxOperations: number }): BulkRequest {
  if (!isPlainObject(body)) throw ScimError.invalidSyntax('BulkRequest body must be a JSON object');
  const schemas = getCI(body, 'schemas');
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())
  ) {
    throw ScimError.invalidSyntax(`BulkRequest must list "${BULK_REQUEST_SCHEMA}" in schemas`);
  }
  const operations = getCI(body, 'Operations');
  if (!Array.isArray(operations))
    throw ScimError.invalidSyntax('BulkRequest must have an "Operations" array');
  if (operations.length > limits.maxOperations) {
    throw ScimError.payloadTooLarge(
      `The BulkRequest has ${operations.length} operations; maxOperations is ${limits.maxOperations}`,
    );
  }
  const failOnErrors = getCI(body, 'failOnErrors');
  if (
    failOnErrors !== undefined &&
    failOnErrors !== null &&
    (!Number.isInteger(failOnErrors) || (failOnErrors as number) < 1)
  ) {
    throw ScimError.invalidValue('"failOnErrors" must be a positive integer');
  }
  const parsed = operations.map((op, i) => parseOperation(op, i));
  const seen = new Set<string>();
  for (const op of parsed) {
    if (op.bulkId === undefined) continue;
    if (seen.has(op.bulkId)) throw ScimError.invalidValue(`bulkId "${op.bulkId}" is used more than once`);
    seen.add(op.bulkId);
  }
  return { ...(typeof failOnErrors === 'number' && { failOnErrors }), operations: parsed };
}

function parseOperation(raw: unknown, i: number): BulkOperation {
  if (!isPlainObject(raw)) throw ScimError.invalidSyntax(`Operations[${i}] must be an object`);
  const method = getCI(raw, 'method');
  const upper = typeof method === 'string' ? method.toUpperCase() : '';
  if (!(METHODS as readonly string[]).includes(upper)) {
    throw ScimError.invalidValue(`Operations[${i}].method must be POST, PUT, PATCH or DELETE`);
  }
  const path = getCI(raw, 'path');
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw ScimError.invalidValue(`Operations[${i}].path must start with "/"`);
  const bulkId = getCI(raw, 'bulkId');
  if (bulkId !== undefined && (typeof bulkId !== 'string' || bulkId.trim() === '')) {
    throw ScimError.invalidValue(`Operations[${i}].bulkId must be a non-empty string`);
  }
  if (upper === 'POST' && bulkId === undefined)
    throw ScimError.invalidValue(`Operations[${i}]: POST requires a bulkId`);
  const version = getCI(raw, 'version');
  if (version !== undefined && typeof version !== 'string')
    throw ScimError.invalidValue(`Operations[${i}].version must be a string`);
  const data = getCI(raw, 'data');
  if (upper !== 'DELETE' && !isPlainObject(data))
    throw ScimError.invalidValue(`Operations[${i}]: ${upper} requires a "data" object`);
  return {
    method: upper as BulkMethod,
    path,
    ...(bulkId !== undefined && { bulkId }),
    ...(version !== undefined && { version }),
    ...(data !== undefined && { data: cloneJson(data) }),
  };
}

/** Resource type and id an operation addresses: `/Users` -> {User}, `/Groups/abc` -> {Group, 'abc'}. */
export function bulkTarget(
  op: BulkOperation,
  resourceTypes: readonly ResourceTypeDefinition[] = RESOURCE_TYPES,
): { resourceType: ResourceTypeDefinition; id?: string } {
  const [, endpoint = '', id, ...rest] = op.path.split('/');
  const resourceType = resourceTypes.find((rt) => rt.endpoint.toLowerCase() === `/${endpoint.toLowerCase()}`);
  if (resourceType === undefined || rest.length > 0)
    throw ScimError.invalidPath(`Unknown bulk path "${op.path}"`);
  const needsId = op.method !== 'POST';
  if (needsId !== (id !== undefined && id !== '')) {
    throw ScimError.invalidPath(`${op.method} ${needsId ? 'needs' : 'takes no'} resource id in "${op.path}"`);
  }
  return id === undefined || id === '' ? { resourceType } : { resourceType, id: decodeURIComponent(id) };
}

/** The bulkIds an operation refers to ("bulkId:x" in its path or anywhere in its data). */
export function bulkReferences(op: BulkOperation): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const match = BULK_REF.exec(value);
      if (match !== null) found.add(match[1]);
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (isPlainObject(value)) {
      for (const [, v] of safeEntries(value)) visit(v);
    }
  };
  op.path.split('/').forEach(visit);
  visit(op.data);
  return [...found];
}

/**
 * Returns a copy of the operation with every "bulkId:x" replaced by the id created for x.
 * A reference to a bulkId with no created resource (unknown, failed, or not yet run) is 409,
 * as RFC 7644 §3.7.3 prescribes.
 */
export function resolveBulkReferences(
  op: BulkOperation,
  createdIds: ReadonlyMap<string, string>,
): BulkOperation {
  const replace = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const match = BULK_REF.exec(value);
      if (match === null) return value;
      const id = createdIds.get(match[1]);
      if (id === undefined) throw ScimError.conflict(`bulkId "${match[1]}" cannot be resolved`);
      return id;
    }
    if (Array.isArray(value)) return value.map(replace);
    if (isPlainObject(value)) {
      const out: JsonObject = {};
      for (const [k, v] of safeEntries(value)) out[k] = replace(v);
      return out;
    }
    return value;
  };
  const path = op.path
    .split('/')
    .map((segment) => {
      const resolved = replace(segment) as string;
      return resolved === segment ? segment : encodeURIComponent(resolved);
    })
    .join('/');
  return { ...op, path, ...(op.data !== undefined && { data: replace(op.data) }) };
}

export interface BulkPlan {
  /** Indexes of operations in an order where every referenced bulkId is created first. */
  readonly order: readonly number[];
  /** Operations that can never run, with why (unknown bulkId, or a reference cycle): answer 409. */
  readonly unresolvable: ReadonlyMap<number, string>;
}

/** Orders operations so creations come before their references; stable otherwise. */
export function planBulkOrder(operations: readonly BulkOperation[]): BulkPlan {
  const creator = new Map<string, number>();
  operations.forEach((op, i) => {
    if (op.method === 'POST' && op.bulkId !== undefined) creator.set(op.bulkId, i);
  });
  const unresolvable = new Map<number, string>();
  const deps = operations.map((op, i) => {
    const refs = bulkReferences(op);
    const missing = refs.find((r) => !creator.has(r));
    if (missing !== undefined)
      unresolvable.set(i, `bulkId "${missing}" does not name a POST in this request`);
    return refs.map((r) => creator.get(r)).filter((j): j is number => j !== undefined && j !== i);
  });
  operations.forEach((op, i) => {
    if (bulkReferences(op).some((r) => creator.get(r) === i))
      unresolvable.set(i, 'operation refers to its own bulkId');
  });
  // Depth-first: each operation runs right after what it needs, otherwise in request order.
  const order: number[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number): boolean => {
    if (unresolvable.has(i)) return false;
    if (state.get(i) === 'done') return true;
    if (state.get(i) === 'visiting') return false; // a cycle
    state.set(i, 'visiting');
    const ok = (deps[i] ?? []).every(visit);
    state.delete(i);
    if (!ok) {
      unresolvable.set(i, 'circular bulkId references, or a dependency that cannot run');
      return false;
    }
    state.set(i, 'done');
    order.push(i);
    return true;
  };
  operations.forEach((_, i) => visit(i));
  return { order, unresolvable };
}

export interface BulkOperationResult {
  method: BulkMethod;
  bulkId?: string;
  version?: string;
  location?: string;
  /** HTTP status as a string, as in the RFC examples. */
  status: string;
  response?: unknown;
}

export function bulkSuccess(
  op: BulkOperation,
  outcome: { status: number; location?: string; version?: string; response?: unknown },
): BulkOperationResult {
  return {
    method: op.method,
    ...(op.bulkId !== undefined && { bulkId: op.bulkId }),
    ...(outcome.version !== undefined && { version: outcome.version }),
    ...(outcome.location !== undefined && { location: outcome.location }),
    status: String(outcome.status),
    ...(outcome.response !== undefined && { response: outcome.response }),
  };
}

export function bulkFailure(
  op: BulkOperation,
  err: ScimError,
  location?: string,
): BulkOperationResult & { response: ScimErrorBody } {
  return {
    method: op.method,
    ...(op.bulkId !== undefined && { bulkId: op.bulkId }),
    ...(location !== undefined && { location }),
    status: String(err.status),
    response: toScimErrorBody(err),
  };
}

export function bulkResponse(results: readonly BulkOperationResult[]) {
  return { schemas: [BULK_RESPONSE_SCHEMA], Operations: [...results] };
}
