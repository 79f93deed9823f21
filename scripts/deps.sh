#!/usr/bin/env bash
# Installs npm dependencies when they are missing or older than package.json / the lockfile.
# `npm ci` fails on these machines (see README), so this uses `npm install`.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.roster-installed
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || { [ -f package-lock.json ] && [ package-lock.json -nt "$stamp" ]; }; then
  echo "[deps] npm install" >&2
  npm install --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi
