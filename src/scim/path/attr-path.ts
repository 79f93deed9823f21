import { ScimError } from '../errors';
import { isForbiddenKey } from '../internal/object';

/**
 * A reference to one attribute: `[schema:]attr[.subAttr]`.
 * Before schema validation `schema` is whatever the client wrote (or undefined); after
 * validation (parseFilter/parsePatchPath with a resource type, resolveAttribute) names are in
 * schema case and `schema` is always the full URN the attribute belongs to (the core schema URN
 * for core and common attributes such as id and meta).
 */
export interface AttrPath {
  readonly schema?: string;
  readonly attr: string;
  readonly subAttr?: string;
}

export type PathErrorFactory = (detail: string) => ScimError;

const NAME = /^(?:\$ref|[A-Za-z][A-Za-z0-9_-]*)$/;
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]*(?::[A-Za-z0-9()+,\-.=@;$_!*'%]+)+$/i;

/**
 * Parses `attrPath` of RFC 7644 §3.4.2.2 (no brackets). The URN prefix is everything up to the
 * last colon: attribute names never contain one, while URNs contain dots ("2.0").
 */
export function parseAttrPath(text: string, fail: PathErrorFactory = ScimError.invalidPath): AttrPath {
  rejectForbidden(text, fail);
  let schema: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(':');
    schema = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (!URN.test(schema)) throw fail(`Invalid schema URN in attribute path "${text}"`);
  }
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((p) => !NAME.test(p))) {
    throw fail(`Invalid attribute path "${text}"`);
  }
  const [attr, subAttr] = parts as [string, string | undefined];
  // Plain assignments: conditional spreads are slow in V8, and every filter and projection parses paths.
  const path: { schema?: string; attr: string; subAttr?: string } =
    schema === undefined ? { attr } : { schema, attr };
  if (subAttr !== undefined) path.subAttr = subAttr;
  return path;
}

/** Refuses `__proto__`, `constructor` and `prototype` anywhere in a path, whatever the case. */
export function rejectForbidden(text: string, fail: PathErrorFactory): void {
  if (text.split(/[.:[\]\s"]+/).some((segment) => isForbiddenKey(segment))) {
    throw fail(`Attribute path "${truncate(text)}" uses a reserved name`);
  }
}

/** `name.givenName` for core attributes, `urn:...:User:manager.value` for extension ones. */
export function formatAttrPath(path: AttrPath, coreSchema?: string): string {
  const local = path.subAttr === undefined ? path.attr : `${path.attr}.${path.subAttr}`;
  if (path.schema === undefined || (coreSchema !== undefined && path.schema === coreSchema)) return local;
  return `${path.schema}:${local}`;
}

export function truncate(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
