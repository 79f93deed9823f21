import { ENTERPRISE, newUser, USER_SCHEMA } from '../support/scim-client';
import { ScimClient } from '../support/scim-client';
import { startTestApp, TestApp } from '../support/test-app';
import { createGroup, createUser, expectScimError, expectStatus, tenantClient } from './helpers';

const MAX_PAGE = 10;

describe('SCIM sorting and paging', () => {
  let ctx: TestApp;
  beforeAll(async () => {
    ctx = await startTestApp({ env: { SCIM_MAX_PAGE_SIZE: String(MAX_PAGE), SCIM_DEFAULT_PAGE_SIZE: '5' } });
  });
  afterAll(async () => {
    await ctx.close();
  });

  async function seed(scim: ScimClient, names: string[]) {
    const users = [];
    for (const name of names)
      users.push(await createUser(scim, { userName: name, displayName: name.toUpperCase() }));
    return users;
  }

  describe('index paging', () => {
    let scim: ScimClient;
    let names: string[];
    beforeAll(async () => {
      ({ scim } = await tenantClient(ctx));
      names = [
        'delta',
        'Alpha',
        'charlie',
        'echo',
        'bravo',
        'foxtrot',
        'golf',
        'hotel',
        'India',
        'juliet',
        'kilo',
        'lima',
      ];
      await seed(scim, names);
    });

    it('sortBy userName ascending and descending (case-insensitive order)', async () => {
      const expected = [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
      const asc = await scim.get('/Users?sortBy=userName&count=10');
      expectStatus(asc, 200);
      expect(asc.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(expected.slice(0, 10));
      const desc = await scim.get('/Users?sortBy=userName&sortOrder=descending&count=10');
      expect(desc.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(
        [...expected].reverse().slice(0, 10),
      );
      const explicit = await scim.get('/Users?sortBy=USERNAME&sortOrder=ascending&count=3');
      expect(explicit.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(
        expected.slice(0, 3),
      );
    });

    it('sortBy meta.created follows creation order; displayName and sub-attribute paths sort too', async () => {
      const created = await scim.get('/Users?sortBy=meta.created&count=10');
      expect(created.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(names.slice(0, 10));
      const byDisplay = await scim.get('/Users?sortBy=displayName&sortOrder=descending&count=2');
      expect(byDisplay.body.Resources.map((u: { displayName: string }) => u.displayName)).toEqual([
        'LIMA',
        'KILO',
      ]);
      const urn = await scim.get(
        `/Users?sortBy=${encodeURIComponent('urn:ietf:params:scim:schemas:core:2.0:User:userName')}&count=1`,
      );
      expectStatus(urn, 200);
      expect(urn.body.Resources[0].userName).toBe('Alpha');
    });

    it('any singular string or boolean attribute sorts, absent values first when ascending', async () => {
      const { scim: other } = await tenantClient(ctx);
      const make = (userName: string, extra: Record<string, unknown>) =>
        createUser(other, { userName, schemas: [USER_SCHEMA, ENTERPRISE], ...extra });
      await make('u1', {
        title: 'b',
        name: { familyName: 'Zed' },
        active: true,
        [ENTERPRISE]: { department: 'Ops' },
      });
      await make('u2', {
        title: 'A',
        name: { familyName: 'amos' },
        active: false,
        [ENTERPRISE]: { department: 'eng' },
      });
      await make('u3', { name: { familyName: 'Moss' }, active: true });
      const order = async (query: string) =>
        (await other.get(`/Users?${query}`)).body.Resources.map((u: { userName: string }) => u.userName);
      expect(await order('sortBy=title')).toEqual(['u3', 'u2', 'u1']);
      expect(await order('sortBy=title&sortOrder=descending')).toEqual(['u1', 'u2', 'u3']);
      expect(await order('sortBy=name.familyName')).toEqual(['u2', 'u3', 'u1']);
      expect(await order(`sortBy=${encodeURIComponent(`${ENTERPRISE}:department`)}`)).toEqual([
        'u3',
        'u2',
        'u1',
      ]);
      // Ties (two active users) are broken by id, so only the set is fixed.
      expect((await order('sortBy=active&sortOrder=descending&count=2')).sort()).toEqual(['u1', 'u3']);
      expect(await order('sortBy=active&count=1')).toEqual(['u2']);
      // and cursor pages over such a sort neither skip nor repeat
      const first = await other.get('/Users?sortBy=name.familyName&count=2&cursor=');
      const second = await other.get(
        `/Users?sortBy=name.familyName&count=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(
        [...first.body.Resources, ...second.body.Resources].map((u: { userName: string }) => u.userName),
      ).toEqual(['u2', 'u3', 'u1']);
    });

    it('startIndex is 1-based; itemsPerPage equals the rows returned; totalResults counts all matches', async () => {
      const sorted = [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
      const page = await scim.get('/Users?sortBy=userName&startIndex=1&count=4');
      expect(page.body).toMatchObject({ totalResults: 12, startIndex: 1, itemsPerPage: 4 });
      expect(page.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(sorted.slice(0, 4));
      const second = await scim.get('/Users?sortBy=userName&startIndex=5&count=4');
      expect(second.body).toMatchObject({ totalResults: 12, startIndex: 5, itemsPerPage: 4 });
      expect(second.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(sorted.slice(4, 8));
      const last = await scim.get('/Users?sortBy=userName&startIndex=11&count=4');
      expect(last.body).toMatchObject({ totalResults: 12, startIndex: 11, itemsPerPage: 2 });
      expect(last.body.Resources).toHaveLength(2);
      const beyond = await scim.get('/Users?startIndex=50&count=4');
      expectStatus(beyond, 200);
      expect(beyond.body.totalResults).toBe(12);
      expect(beyond.body.itemsPerPage).toBe(0);
      expect(beyond.body.Resources ?? []).toEqual([]);
    });

    it('startIndex below 1 is read as 1 (RFC 7644 §3.4.2.4)', async () => {
      for (const startIndex of [0, -3]) {
        const response = await scim.get(`/Users?sortBy=userName&startIndex=${startIndex}&count=2`);
        expectStatus(response, 200);
        expect(response.body.startIndex).toBe(1);
        expect(response.body.Resources[0].userName).toBe('Alpha');
      }
    });

    it('count=0 returns only totalResults', async () => {
      const response = await scim.get('/Users?count=0');
      expectStatus(response, 200);
      expect(response.body.totalResults).toBe(12);
      expect(response.body.itemsPerPage ?? 0).toBe(0);
      expect(response.body.Resources ?? []).toEqual([]);
      const filtered = await scim.get(`/Users?count=0&filter=${encodeURIComponent('userName sw "a"')}`);
      expect(filtered.body.totalResults).toBe(1);
    });

    it('the default page size applies without count, and the maximum caps any count (and is advertised)', async () => {
      const dflt = await scim.get('/Users');
      expect(dflt.body.itemsPerPage).toBe(5);
      const capped = await scim.get('/Users?count=5000');
      expectStatus(capped, 200);
      expect(capped.body.itemsPerPage).toBe(MAX_PAGE);
      expect(capped.body.Resources).toHaveLength(MAX_PAGE);
      expect(capped.body.totalResults).toBe(12);
      const config = await scim.get('/ServiceProviderConfig');
      expect(config.body.filter.maxResults).toBe(MAX_PAGE);
      expect(config.body.pagination).toMatchObject({ maxPageSize: MAX_PAGE, defaultPageSize: 5 });
    });

    it('groups sort and page the same way', async () => {
      const { scim: other } = await tenantClient(ctx);
      for (const displayName of ['b', 'C', 'a']) await createGroup(other, { displayName });
      const response = await other.get(
        '/Groups?sortBy=displayName&sortOrder=descending&startIndex=2&count=1',
      );
      expect(response.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
      expect(response.body.Resources[0].displayName).toBe('b');
    });

    it('an unsupported sortBy or sortOrder is 400', async () => {
      expectScimError(await scim.get('/Users?sortBy=emails.nope'), 400);
      expectScimError(await scim.get('/Users?sortBy=userName&sortOrder=sideways'), 400);
    });
  });

  describe('cursor paging (RFC 9865)', () => {
    const page = (scim: ScimClient, cursor: string, extra = '') =>
      scim.get(`/Users?count=7&cursor=${encodeURIComponent(cursor)}${extra}`);

    it('starts with an empty cursor, follows nextCursor, and ends without one', async () => {
      const { scim } = await tenantClient(ctx);
      const users = await seed(
        scim,
        Array.from({ length: 16 }, (_, i) => `cursor-${i}@example.com`),
      );
      const seen: string[] = [];
      let cursor = '';
      for (let pages = 0; pages < 10; pages++) {
        const response = await page(scim, cursor);
        expectStatus(response, 200);
        expect(response.body.totalResults).toBe(16);
        expect(response.body.itemsPerPage).toBe(response.body.Resources.length);
        expect(response.body.startIndex).toBeUndefined();
        seen.push(...response.body.Resources.map((u: { id: string }) => u.id));
        if (!response.body.nextCursor) break;
        cursor = response.body.nextCursor;
      }
      expect(seen).toHaveLength(16);
      expect(new Set(seen)).toEqual(new Set(users.map((u) => u.id)));
    });

    it.each([
      ['', 'id'],
      ['&sortBy=userName&sortOrder=descending', 'userName desc'],
    ])('previousCursor walks back page by page to the first page (%s)', async (sort) => {
      const { scim } = await tenantClient(ctx);
      await seed(
        scim,
        Array.from({ length: 17 }, (_, i) => `prev-${String(i).padStart(2, '0')}@example.com`),
      );
      const pages: Array<{ ids: string[]; next?: string; previous?: string }> = [];
      let cursor = '';
      for (;;) {
        const response = await page(scim, cursor, sort);
        expectStatus(response, 200);
        const { Resources, nextCursor, previousCursor } = response.body;
        pages.push({
          ids: Resources.map((u: { id: string }) => u.id),
          next: nextCursor,
          previous: previousCursor,
        });
        if (!nextCursor) break;
        cursor = nextCursor;
      }
      expect(pages.map((p) => p.ids.length)).toEqual([7, 7, 3]);
      expect(pages[0].previous).toBeUndefined();
      // From the last page, previousCursor gives back exactly the earlier pages, in order.
      let back = pages[2].previous as string;
      for (const expected of [pages[1], pages[0]]) {
        const response = await page(scim, back, sort);
        expectStatus(response, 200);
        expect(response.body.Resources.map((u: { id: string }) => u.id)).toEqual(expected.ids);
        expect(response.body.totalResults).toBe(17);
        expect(typeof response.body.nextCursor).toBe('string');
        back = response.body.previousCursor;
      }
      expect(back).toBeUndefined();
      // ...and nextCursor of a page reached backwards continues forwards again.
      const middle = await page(scim, pages[2].previous as string, sort);
      const forward = await page(scim, middle.body.nextCursor, sort);
      expect(forward.body.Resources.map((u: { id: string }) => u.id)).toEqual(pages[2].ids);
      // A previousCursor is tied to its query like any cursor.
      expectScimError(
        await page(scim, pages[2].previous as string, '&sortBy=displayName'),
        400,
        'invalidCursor',
      );
    });

    it('a cursor from another query, or a forged one, is 400 invalidCursor', async () => {
      const { scim } = await tenantClient(ctx);
      await seed(
        scim,
        Array.from({ length: 9 }, (_, i) => `c-${i}@example.com`),
      );
      const first = await page(scim, '', '&sortBy=userName');
      const next = first.body.nextCursor as string;
      expect(typeof next).toBe('string');
      expectScimError(await page(scim, next, '&sortBy=displayName'), 400, 'invalidCursor');
      expectScimError(await page(scim, `${next}x`, '&sortBy=userName'), 400, 'invalidCursor');
      expectScimError(await page(scim, 'bm9wZQ', ''), 400, 'invalidCursor');
    });

    it.each([
      ['', 'id'],
      ['&sortBy=userName', 'userName'],
      ['&sortBy=meta.created&sortOrder=descending', 'meta.created desc'],
    ])('never skips nor repeats a row while others insert and delete concurrently (%s)', async (sort) => {
      const { scim } = await tenantClient(ctx);
      const initial = await seed(
        scim,
        Array.from(
          { length: 40 },
          (_, i) =>
            `stable-${String(i).padStart(2, '0')}-${Math.random().toString(36).slice(2, 6)}@example.com`,
        ),
      );
      // Half the initial users get deleted while paging; the other half must each be seen exactly once.
      const doomed = new Set(initial.filter((_, i) => i % 2 === 1).map((u) => u.id));
      const survivors = initial.filter((u) => !doomed.has(u.id)).map((u) => u.id);
      const inserted: string[] = [];

      let paging = true;
      const writer = (async () => {
        const queue = [...doomed];
        let n = 0;
        while (paging && (queue.length > 0 || n < 40)) {
          const victim = queue.shift();
          const [created, deleted] = await Promise.all([
            scim.post(
              '/Users',
              newUser({ userName: `new-${n++}-${Math.random().toString(36).slice(2, 6)}@example.com` }),
            ),
            victim ? scim.delete(`/Users/${victim}`) : Promise.resolve(undefined),
          ]);
          if (created.status === 201) inserted.push(created.body.id);
          if (deleted) expect(deleted.status).toBe(204);
        }
      })();

      const seen: string[] = [];
      let cursor = '';
      for (let pages = 0; pages < 100; pages++) {
        const response = await page(scim, cursor, sort);
        expectStatus(response, 200);
        seen.push(...response.body.Resources.map((u: { id: string }) => u.id));
        if (!response.body.nextCursor) break;
        cursor = response.body.nextCursor;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      paging = false;
      // The writes really overlapped the paging.
      expect(inserted.length).toBeGreaterThan(0);
      await writer;

      expect(seen.length).toBe(new Set(seen).size); // nothing repeated
      const seenSet = new Set(seen);
      expect(survivors.filter((id) => !seenSet.has(id))).toEqual([]); // nothing skipped
      const known = new Set([...initial.map((u) => u.id), ...inserted]);
      expect(seen.filter((id) => !known.has(id))).toEqual([]);
    });
  });
});
