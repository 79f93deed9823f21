import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { printAdminSchema } from './schema-printer';

describe('schema.gql', () => {
  it('is the schema the code generates (run `npm run schema:print` after changing the API)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema.gql'), 'utf8');
    expect(await printAdminSchema()).toBe(committed);
  });
});
