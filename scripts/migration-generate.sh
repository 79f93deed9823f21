#!/usr/bin/env bash
# usage: npm run migration:generate -- WhatItDoes
# Writes migrations/<timestamp>-WhatItDoes.ts from the drift between entities and database;
# add the class to migrations/index.ts afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: npm run migration:generate -- WhatItDoes}"
eval "$(bash scripts/services.sh roster)"
npx typeorm-ts-node-commonjs -d ormconfig.ts migration:run
npx typeorm-ts-node-commonjs -d ormconfig.ts migration:generate "migrations/$name" --pretty
