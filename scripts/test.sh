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

step "unit tests"
npx jest --config jest.unit.config.js

step "e2e tests"
npx jest --config jest.e2e.config.js
