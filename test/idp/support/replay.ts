import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Response } from 'supertest';

import type { TestApp } from '../../support/test-app';

/**
 * A recorded IdP flow: the requests an identity provider sends, in order, as its public
 * documentation shows them, with what Roster must answer. See fixtures/README.md.
 */
export interface IdpFixture {
  name: string;
  idp: string;
  /** The public documentation page the requests come from. */
  source: string;
  seeAlso?: string[];
  notes?: string;
  steps: FixtureStep[];
}

export interface FixtureStep {
  name: string;
  /** Optional: a request Roster must serve first (not part of the IdP's flow), e.g. a seed user. */
  setup?: boolean;
  request: {
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    /** Path under /scim/v2, query string included, as the IdP writes it (encoded or not). */
    path: string;
    /**
     * Headers as sent. `null` removes a header the HTTP client would add on its own (Entra sends
     * no User-Agent). `authorization` defaults to the tenant's bearer; `"{{bearer}}"` is that bearer.
     */
    headers?: Record<string, string | null>;
    body?: unknown;
    /** A raw body string, sent byte for byte (for bodies that are not what JSON.stringify makes). */
    rawBody?: string;
  };
  expect: {
    status: number;
    /** JSON paths into the response body (`Resources[0].emails[0].value`, `Resources.length`). */
    json?: Record<string, unknown>;
    /** Response headers that must match a regular expression. */
    headers?: Record<string, string>;
  };
  /** Variables captured from the response body: `{ "user.id": "id" }` makes `{{user.id}}`. */
  capture?: Record<string, string>;
}

/** Matchers inside `expect.json`: a plain value means deep equality. */
type Matcher =
  | { $exists: boolean }
  | { $type: 'string' | 'number' | 'boolean' | 'object' | 'array' }
  | { $contains: unknown }
  | { $notContains: unknown }
  | { $matches: string }
  | { $equalsIgnoreCase: string };

export const FIXTURE_DIR = join(__dirname, '..', 'fixtures');

export function loadFixtures(): Array<{ file: string; fixture: IdpFixture }> {
  return readdirSync(FIXTURE_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      fixture: JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as IdpFixture,
    }));
}

export function loadFixture(file: string): IdpFixture {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as IdpFixture;
}

export interface StepResult {
  step: FixtureStep;
  response: Response;
}

/**
 * Replays a fixture against the running app, step by step, and fails on the first step whose
 * answer differs from what the fixture expects. Returns every response and the captured variables.
 */
export async function replay(
  ctx: TestApp,
  fixture: IdpFixture,
  bearer: string,
  initial: Record<string, string> = {},
): Promise<{ results: StepResult[]; vars: Record<string, string> }> {
  const vars: Record<string, string> = { bearer, ...initial };
  const results: StepResult[] = [];
  for (const [index, step] of fixture.steps.entries()) {
    const where = `${fixture.name} / step ${index + 1} "${step.name}"`;
    const response = await send(ctx, step, vars, where);
    results.push({ step, response });
    const failures = check(step, response, vars);
    if (failures.length > 0) {
      throw new Error(
        `${where}: ${step.request.method} ${substitute(step.request.path, vars, where)}\n  ` +
          `${failures.join('\n  ')}\n  response ${response.status}: ${truncate(response.text ?? '', 1500)}`,
      );
    }
    for (const [name, path] of Object.entries(step.capture ?? {})) {
      const value = readPath(response.body, path);
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new Error(`${where}: cannot capture "${name}" from "${path}" (got ${JSON.stringify(value)})`);
      }
      vars[name] = String(value);
    }
  }
  return { results, vars };
}

async function send(ctx: TestApp, step: FixtureStep, vars: Record<string, string>, where: string) {
  const { method, path, headers = {}, body, rawBody } = step.request;
  const url = `/scim/v2${encodeQuery(substitute(path, vars, where))}`;
  let call = ctx.http[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](url);
  const merged: Record<string, string | null> = { authorization: '{{bearer}}', ...lowerKeys(headers) };
  for (const [name, value] of Object.entries(merged)) {
    call = value === null ? call.unset(name) : call.set(name, substitute(value, vars, where));
  }
  if (rawBody !== undefined) return call.send(substitute(rawBody, vars, where));
  if (body !== undefined) {
    if (merged['content-type'] === undefined) call = call.set('content-type', 'application/scim+json');
    return call.send(JSON.stringify(substituteDeep(body, vars, where)));
  }
  return call;
}

function check(step: FixtureStep, response: Response, vars: Record<string, string>): string[] {
  const failures: string[] = [];
  if (response.status !== step.expect.status) {
    failures.push(`status: expected ${step.expect.status}, got ${response.status}`);
    return failures;
  }
  for (const [name, pattern] of Object.entries(step.expect.headers ?? {})) {
    const actual = response.headers[name.toLowerCase()] as string | undefined;
    if (actual === undefined || !new RegExp(pattern).test(actual)) {
      failures.push(`header ${name}: expected /${pattern}/, got ${JSON.stringify(actual)}`);
    }
  }
  for (const [path, rawExpected] of Object.entries(step.expect.json ?? {})) {
    const expected = substituteDeep(rawExpected, vars, path);
    const actual = readPath(response.body, path);
    const problem = compare(actual, expected);
    if (problem !== undefined) failures.push(`${path}: ${problem}`);
  }
  return failures;
}

function compare(actual: unknown, expected: unknown): string | undefined {
  if (isMatcher(expected)) {
    if ('$exists' in expected) {
      return (actual !== undefined) === expected.$exists
        ? undefined
        : `expected ${expected.$exists ? 'a value' : 'no value'}, got ${JSON.stringify(actual)}`;
    }
    if ('$type' in expected) {
      const type = Array.isArray(actual) ? 'array' : actual === null ? 'null' : typeof actual;
      return type === expected.$type
        ? undefined
        : `expected a ${expected.$type}, got ${JSON.stringify(actual)}`;
    }
    if ('$contains' in expected || '$notContains' in expected) {
      const wanted = '$contains' in expected ? expected.$contains : expected.$notContains;
      if (!Array.isArray(actual)) return `expected an array, got ${JSON.stringify(actual)}`;
      const found = actual.some((item) => isSubset(item, wanted));
      const should = '$contains' in expected;
      return found === should
        ? undefined
        : `expected ${should ? '' : 'no '}element like ${JSON.stringify(wanted)} in ${JSON.stringify(actual)}`;
    }
    if ('$matches' in expected) {
      return typeof actual === 'string' && new RegExp(expected.$matches).test(actual)
        ? undefined
        : `expected /${expected.$matches}/, got ${JSON.stringify(actual)}`;
    }
    if ('$equalsIgnoreCase' in expected) {
      return typeof actual === 'string' && actual.toLowerCase() === expected.$equalsIgnoreCase.toLowerCase()
        ? undefined
        : `expected "${expected.$equalsIgnoreCase}" in any case, got ${JSON.stringify(actual)}`;
    }
  }
  return JSON.stringify(actual) === JSON.stringify(expected)
    ? undefined
    : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

function isMatcher(value: unknown): value is Matcher {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    Object.keys(value)[0].startsWith('$')
  );
}

/** Objects match when every key of `wanted` matches; other values by equality. */
function isSubset(item: unknown, wanted: unknown): boolean {
  if (typeof wanted !== 'object' || wanted === null || Array.isArray(wanted)) {
    return JSON.stringify(item) === JSON.stringify(wanted);
  }
  if (typeof item !== 'object' || item === null) return false;
  return Object.entries(wanted).every(([key, value]) =>
    isSubset((item as Record<string, unknown>)[key], value),
  );
}

/** `Resources[0].emails[0].value`, `Resources.length`, `urn:...:User.department` (URN keys in quotes: `["urn:..."]`). */
export function readPath(body: unknown, path: string): unknown {
  if (path === '' || path === '$') return body;
  const parts = path.match(/\["[^"]+"\]|[^.[\]]+|\[\d+\]/g) ?? [];
  let current: unknown = body;
  for (const raw of parts) {
    const key = raw.startsWith('["') ? raw.slice(2, -2) : raw.startsWith('[') ? raw.slice(1, -1) : raw;
    if (key === 'length' && Array.isArray(current)) {
      current = current.length;
      continue;
    }
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function substitute(text: string, vars: Record<string, string>, where: string): string {
  return text.replace(/\{\{([^}]+)\}\}/g, (_, name: string) => {
    const value = vars[name.trim()];
    if (value === undefined) throw new Error(`${where}: no value for {{${name}}}`);
    return value;
  });
}

function substituteDeep(value: unknown, vars: Record<string, string>, where: string): unknown {
  if (typeof value === 'string') return substitute(value, vars, where);
  if (Array.isArray(value)) return value.map((item) => substituteDeep(item, vars, where));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        substitute(key, vars, where),
        substituteDeep(item, vars, where),
      ]),
    );
  }
  return value;
}

/** Query values are sent percent-encoded, whether the fixture wrote them encoded or readable. */
function encodeQuery(path: string): string {
  const at = path.indexOf('?');
  if (at < 0) return path;
  const query = path
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return encodeURIComponent(safeDecode(pair));
      return `${encodeURIComponent(safeDecode(pair.slice(0, eq)))}=${encodeURIComponent(safeDecode(pair.slice(eq + 1)))}`;
    })
    .join('&');
  return `${path.slice(0, at)}?${query}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function lowerKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
