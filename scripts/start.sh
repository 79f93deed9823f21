#!/usr/bin/env bash
# `npm start`: from a fresh Debian machine to a serving Roster in one command.
# Installs dependencies, brings up local PostgreSQL and Redis unless DATABASE_URL/REDIS_URL are
# set, builds, migrates, creates a demo tenant and key on first run, prints the values to paste
# into Okta or Entra, then serves the API with the worker in the same process.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/deps.sh

# PROJECT_ID and MANAGEMENT_KEY: the environment wins; otherwise generated once and kept in
# .roster/local.env (git-ignored, mode 600) so the management bearer survives restarts.
mkdir -p .roster
if [ -f .roster/local.env ]; then
  # shellcheck disable=SC1091
  while IFS='=' read -r name value; do
    [ -z "${!name:-}" ] && export "$name=$value"
  done < .roster/local.env
fi
if [ -z "${PROJECT_ID:-}" ] || [ -z "${MANAGEMENT_KEY:-}" ]; then
  export PROJECT_ID="${PROJECT_ID:-P$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
  export MANAGEMENT_KEY="${MANAGEMENT_KEY:-rmk_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')}"
  umask 077
  printf 'PROJECT_ID=%s\nMANAGEMENT_KEY=%s\n' "$PROJECT_ID" "$MANAGEMENT_KEY" > .roster/local.env
fi

eval "$(bash scripts/services.sh roster)"
export DATABASE_URL REDIS_URL

npx tsc -p tsconfig.build.json --incremental --tsBuildInfoFile .roster/build.tsbuildinfo
node dist/src/cli/bootstrap.js
RUN_WORKERS_IN_PROCESS=true exec node dist/src/main.js
