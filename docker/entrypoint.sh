#!/bin/sh
# Container entrypoint for Roster (run under tini, which is PID 1 and forwards signals).
#   api      (default) migrate, then serve HTTP: SCIM, GraphQL admin, sessions, health, metrics
#   worker   BullMQ jobs and the outbox relay; never migrates (start it once the api is healthy)
#   migrate  migrations and audit partitions only, then exit (a one-off job before a rollout)
#   *        anything else is run as given, e.g. `sh` or `node dist/src/cli/bootstrap.js`
# Migrations go through docker/migrate, which holds a PostgreSQL advisory lock so that
# replicas starting together migrate one after another instead of colliding.
set -eu

# The image keeps the app in /app with this script in /app/docker; work from the app root.
cd "$(dirname "$0")/.."

role="${1:-api}"
if [ "$#" -gt 0 ]; then shift; fi

case "$role" in
  api)
    node docker/migrate
    # exec: node replaces the shell, so SIGTERM from tini reaches it and Nest drains.
    exec node dist/src/main.js "$@"
    ;;
  worker)
    exec node dist/src/worker.js "$@"
    ;;
  migrate)
    exec node docker/migrate "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
