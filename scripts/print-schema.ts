// npm run schema:print -- writes schema.gql, the committed admin API schema.
import 'reflect-metadata';

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { printAdminSchema } from '../src/graphql/schema-printer';

void printAdminSchema().then((sdl) => {
  writeFileSync(join(__dirname, '..', 'schema.gql'), sdl);
  console.log('wrote schema.gql');
});
