/**
 * Weak ETags derived from the resource version number (RFC 7644 §3.14), and evaluation of
 * If-Match / If-None-Match (RFC 9110 §13.1). Weak comparison: `W/"3"` matches `"3"`.
 */

export function etagFromVersion(version: number): string {
  return `W/"${version}"`;
}

/** The version inside `W/"<n>"` or `"<n>"`, or undefined if it is not one of ours. */
export function versionFromEtag(etag: string): number | undefined {
  const tag = opaqueTag(etag.trim());
  return tag !== undefined && /^\d{1,15}$/.test(tag) ? Number(tag) : undefined;
}

/** `W/"x"` or `"x"` -> `x`; anything else undefined. */
function opaqueTag(etag: string): string | undefined {
  const match = /^(?:W\/)?"([^"]*)"$/.exec(etag);
  return match?.[1];
}

/** The entity tags of a header value: `*`, or a comma-separated list. */
export function parseEtagList(header: string): '*' | string[] {
  if (header.trim() === '*') return '*';
  const tags: string[] = [];
  for (const match of header.matchAll(/(?:W\/)?"([^"]*)"/g)) tags.push(match[1]);
  return tags;
}

/**
 * If-Match: the write may go ahead when the header is absent, `*` with an existing resource, or
 * lists the current version. `currentVersion` undefined means the resource does not exist.
 */
export function ifMatchSatisfied(header: string | undefined, currentVersion: number | undefined): boolean {
  if (header === undefined || header.trim() === '') return true;
  if (currentVersion === undefined) return false;
  const tags = parseEtagList(header);
  return tags === '*' || tags.includes(String(currentVersion));
}

/**
 * If-None-Match: satisfied when the header is absent, or when no listed tag is current
 * (`*`: when the resource does not exist). Unsatisfied means 304 for GET, 412 for writes.
 */
export function ifNoneMatchSatisfied(
  header: string | undefined,
  currentVersion: number | undefined,
): boolean {
  if (header === undefined || header.trim() === '') return true;
  if (currentVersion === undefined) return true;
  const tags = parseEtagList(header);
  return tags !== '*' && !tags.includes(String(currentVersion));
}

export type PreconditionOutcome = { readonly ok: true } | { readonly ok: false; readonly status: 304 | 412 };

/** Both headers for one request; `read` is true for GET/HEAD (If-None-Match then yields 304). */
export function evaluatePreconditions(
  headers: { readonly ifMatch?: string; readonly ifNoneMatch?: string },
  currentVersion: number | undefined,
  read: boolean,
): PreconditionOutcome {
  if (!ifMatchSatisfied(headers.ifMatch, currentVersion)) return { ok: false, status: 412 };
  if (!ifNoneMatchSatisfied(headers.ifNoneMatch, currentVersion))
    return { ok: false, status: read ? 304 : 412 };
  return { ok: true };
}
