#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh machine. Installs dependencies, starts local PostgreSQL
# and Redis unless DATABASE_URL/REDIS_URL are set, then: lint, format, type-check, migration
# drift, unit tests, e2e tests against the real PostgreSQL and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC NODE_ENV=test

step() { printf '\n== %s\n' "$*"; }

step "dependencies"
bash scripts/deps.sh

step "PostgreSQL and Redis"
eval "$(ROSTER_FAST_PG=1 bash scripts/services.sh roster_test)"
export DATABASE_URL REDIS_URL

step "lint"
npx eslint . --max-warnings 0

step "format"
npx prettier --check . --log-level warn

step "type-check"
npx tsc -p tsconfig.json --noEmit

step "migrations against entities"
npx ts-node --transpile-only scripts/check-migrations.ts

mkdir -p .roster
step "unit tests"
npx jest --config jest.unit.config.js --json --outputFile=.roster/jest-unit.json

step "e2e tests"
npx jest --config jest.e2e.config.js --json --outputFile=.roster/jest-e2e.json

# One plain closing line over both suites, for CI and for people.
node -e '
  const runs = [".roster/jest-unit.json", ".roster/jest-e2e.json"].map((file) => require("./" + file));
  const sum = (key) => runs.reduce((total, run) => total + run[key], 0);
  console.log(`\n${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed`);
'
