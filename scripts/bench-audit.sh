#!/usr/bin/env bash
# Audit search and diagnoseUser benchmark (issue 6): seeds AUDIT_BENCH_EVENTS (default 10,000,000)
# audit events across AUDIT_BENCH_TENANTS (default 1,000) tenants into its own database
# (roster_audit_bench, dropped and recreated), then measures through the GraphQL API.
# Report: stdout and bench/results/audit-latest.md. Smaller run: AUDIT_BENCH_EVENTS=200000.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
env -u NODE_ENV bash scripts/deps.sh >&2
eval "$(bash scripts/services.sh roster)"
export DATABASE_URL REDIS_URL
mkdir -p bench/results
npx ts-node --transpile-only bench/audit-bench.ts | tee bench/results/audit-latest.md
