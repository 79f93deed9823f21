#!/usr/bin/env bash
# `npm run bench`: the SCIM benchmarks of issue 3 on this machine, end to end.
# Installs dependencies, brings up local PostgreSQL and Redis, builds the API into a temporary
# directory, migrates a fresh `roster_bench` database (dropped and recreated on every run; set
# BENCH_DATABASE_URL to use another), starts the API in the background, seeds and measures
# (bench/run.ts), stops the API, prints the results table and writes bench/results/latest.md.
#
# Options (environment):
#   BENCH_USERS          users in the large run (default 1000000; a 10000-user run comes first)
#   BENCH_GROUP_MEMBERS  members of the big group at BENCH_USERS (default 100000)
#   BENCH_DURATION       measured seconds per run (default 10)
#   BENCH_API_WARMUP     seconds of load on a tenant of its own before the first run (default 30;
#                        0 for none); its first 10 s are reported as the cold start
#   BENCH_PORT           API port (default 3100)
#   BENCH_OUTPUT         report path (default bench/results/latest.md)
#   BENCH_SESSIONS       0 skips the session benchmarks of issue 5 (bench/sessions-bench.ts)
#   BENCH_LOAD           node: the Node load generator for every run, instead of wrk for the
#                        16-connection runs
# The audit benchmark of issue 6 (10M events) has its own command: bash scripts/bench-audit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC

log() { printf '[bench] %s\n' "$*" >&2; }

command_line="npm run bench"
for name in BENCH_USERS BENCH_GROUP_MEMBERS BENCH_DURATION BENCH_API_WARMUP; do
  if [ -n "${!name:-}" ]; then command_line="$name=${!name} $command_line"; fi
done
export BENCH_COMMAND="$command_line"

# Dependencies as every other script installs them (with devDependencies: never NODE_ENV=production
# here, or npm prunes the dev tools from the shared node_modules).
env -u NODE_ENV bash scripts/deps.sh

# wrk drives the 16-connection runs (bench/lib/wrk.ts): far lighter than a Node load generator
# on the 2 cores the API and PostgreSQL also use. Without it, bench/lib/load.ts does all runs.
if [ "${BENCH_LOAD:-}" != node ] && ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    log "installing wrk (apt-get)"
    { apt-get install -y --no-install-recommends wrk || { apt-get update && apt-get install -y --no-install-recommends wrk; }; } \
      >/tmp/roster-apt-wrk.log 2>&1 || log "could not install wrk (see /tmp/roster-apt-wrk.log): using the Node generator"
  else
    log "wrk is not installed and this is not root: using the Node generator"
  fi
fi

# A database of its own: never the app's `roster` or the tests' `roster_test*`.
db_name="${BENCH_DB_NAME:-roster_bench}"
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  export DATABASE_URL="$BENCH_DATABASE_URL"
  eval "$(bash scripts/services.sh "$db_name")"
else
  unset DATABASE_URL
  eval "$(bash scripts/services.sh "$db_name")"
  pg_port=$(printf '%s' "$DATABASE_URL" | sed -E 's#.*:([0-9]+)/[^/]*$#\1#')
  log "recreating database $db_name"
  (cd / && runuser -u postgres -- psql -q -p "$pg_port" -c "DROP DATABASE IF EXISTS $db_name WITH (FORCE)") >&2
  # The bench runs CHECKPOINT after seeding (bench/lib/seed.ts): the bench's role may, here only.
  (cd / && runuser -u postgres -- psql -q -p "$pg_port" -c "GRANT pg_checkpoint TO roster") >&2
  unset DATABASE_URL
  eval "$(bash scripts/services.sh "$db_name")"
fi
export DATABASE_URL REDIS_URL

port="${BENCH_PORT:-3100}"
export PORT="$port" HOST=127.0.0.1 LOG_LEVEL="${LOG_LEVEL:-info}" RUN_WORKERS_IN_PROCESS=true
export QUEUE_PREFIX="bench$$" PUBLIC_BASE_URL="http://127.0.0.1:$port"
export PROJECT_ID="Pbench$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export MANAGEMENT_KEY="rmk_bench_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
export BENCH_BASE_URL="http://127.0.0.1:$port"

# Build inside the repository (git-ignored .roster/) so the compiled code finds node_modules.
mkdir -p .roster
build_dir=$(mktemp -d "$PWD/.roster/bench-build.XXXXXX")
api_pid=""
cleanup() {
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then
    log "stopping the API (pid $api_pid)"
    kill "$api_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$api_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$api_pid" 2>/dev/null || true
  fi
  rm -rf "$build_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building into $build_dir"
npx tsc -p tsconfig.build.json --outDir "$build_dir"
log "migrating $db_name"
node "$build_dir/src/cli/bootstrap.js" --migrate-only >&2

if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  log "port $port is already in use: set BENCH_PORT"; exit 1
fi
api_log="$build_dir/api.log"
log "starting the API on 127.0.0.1:$port (log: $api_log)"
NODE_ENV=production node "$build_dir/src/main.js" >"$api_log" 2>&1 &
api_pid=$!
export BENCH_API_PID="$api_pid"
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { cat "$api_log" >&2; log "the API exited"; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$api_log" >&2; log "the API is not ready"; exit 1; }

status=0
npx ts-node --transpile-only bench/run.ts || status=$?
# Issue 5: sessions, on the same API; appended to the same report.
if [ "$status" = 0 ] && [ "${BENCH_SESSIONS:-1}" = 1 ]; then
  log "sessions benchmark"
  npx ts-node --transpile-only bench/sessions-bench.ts >>"${BENCH_OUTPUT:-bench/results/latest.md}" || status=$?
fi
# The report is committed: keep it in the repository's format (npm test runs prettier --check .).
if [ "$status" = 0 ]; then npx prettier --write --log-level warn "${BENCH_OUTPUT:-bench/results/latest.md}" || true; fi
if [ "$status" != 0 ]; then
  log "benchmark failed (exit $status); last API log lines:"
  tail -n 40 "$api_log" >&2 || true
fi
exit "$status"
