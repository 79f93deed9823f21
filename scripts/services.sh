#!/usr/bin/env bash
# Brings up a local PostgreSQL and Redis on loopback when DATABASE_URL / REDIS_URL are not set,
# installing them with apt-get where they are missing. Idempotent and fast when both are up.
# Prints `export NAME=value` lines for the caller to eval; everything else goes to stderr.
#   usage: eval "$(bash scripts/services.sh <database-name>)"
set -euo pipefail

db_name="${1:-roster}"
db_user="roster"
db_password="roster"
redis_port="${ROSTER_REDIS_PORT:-6379}"
log() { printf '[services] %s\n' "$*" >&2; }

apt_updated=""
apt_install() {
  if [ "$(id -u)" != "0" ]; then
    log "cannot install $* without root: install it, or set DATABASE_URL/REDIS_URL"; exit 1
  fi
  local apt_log=/tmp/roster-apt.log
  log "installing $* (apt-get, log in $apt_log)"
  if [ -z "$apt_updated" ]; then apt-get update >"$apt_log" 2>&1 || { cat "$apt_log" >&2; exit 1; }; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$apt_log" 2>&1 \
    || { tail -n 30 "$apt_log" >&2; exit 1; }
}

as_postgres() { (cd / && runuser -u postgres -- "$@"); }

# Debian creates clusters with shared_buffers=128MB, sized for a small box: at a million users most
# lookups then copy their heap page in from the OS cache. A quarter of RAM, at most 8GB, is the
# usual start (ROSTER_PG_SHARED_BUFFERS overrides it, e.g. 512MB). The setting lives in conf.d,
# so ALTER SYSTEM still wins. A running cluster is restarted once, when the file first changes.
size_postgres() {
  local version=$1 cluster=$2 status=$3
  local dir="/etc/postgresql/$version/$cluster/conf.d"
  [ -d "$dir" ] && [ -w "$dir" ] || return 0
  local mb limit
  mb=$(( $(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 / 4 ))
  # In a container /proc/meminfo shows the host: the cgroup's limit, when there is one, is the RAM.
  limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || echo max)
  if [[ "$limit" =~ ^[0-9]+$ ]] && [ $(( limit / 1024 / 1024 / 4 )) -lt "$mb" ]; then mb=$(( limit / 1024 / 1024 / 4 )); fi
  if [ "$mb" -gt 8192 ]; then mb=8192; fi
  if [ "$mb" -lt 128 ]; then mb=128; fi
  local wanted="# Written by Roster's scripts/services.sh (a quarter of RAM, at most 8GB).
shared_buffers = '${ROSTER_PG_SHARED_BUFFERS:-${mb}MB}'"
  if [ "$(cat "$dir/roster.conf" 2>/dev/null)" = "$wanted" ]; then return 0; fi
  printf '%s\n' "$wanted" > "$dir/roster.conf"
  if [ "$status" = "online" ]; then
    log "restarting PostgreSQL $version/$cluster to apply ${ROSTER_PG_SHARED_BUFFERS:-${mb}MB} of shared_buffers"
    pg_ctlcluster "$version" "$cluster" restart >&2
  fi
}

ensure_postgres() {
  if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt_install postgresql postgresql-client
  fi
  local version cluster port status
  read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1) || true
  if [ -z "${version:-}" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
    log "creating PostgreSQL cluster $version/main"
    LANG=C.UTF-8 LC_ALL=C.UTF-8 pg_createcluster "$version" main >&2
    read -r version cluster port status _ < <(pg_lsclusters --no-header | head -n 1)
  fi
  size_postgres "$version" "$cluster" "$status"
  if [ "$status" != "online" ]; then
    log "starting PostgreSQL $version/$cluster on port $port"
    pg_ctlcluster "$version" "$cluster" start >&2
  fi
  # Role and database, created once.
  if ! as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname='$db_user'" | grep -q 1; then
    as_postgres psql -q -p "$port" -c "CREATE ROLE $db_user LOGIN CREATEDB PASSWORD '$db_password'" >&2
  fi
  if ! as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname='$db_name'" | grep -q 1; then
    as_postgres psql -q -p "$port" -c "CREATE DATABASE $db_name OWNER $db_user ENCODING 'UTF8' TEMPLATE template0" >&2
  fi
  if [ "${ROSTER_FAST_PG:-}" = "1" ]; then
    # Test speed only: durability does not matter for a throwaway test database.
    if [ "$(as_postgres psql -p "$port" -tAc 'SHOW fsync')" != "off" ]; then
      as_postgres psql -q -p "$port" -c "ALTER SYSTEM SET fsync = off" -c "ALTER SYSTEM SET synchronous_commit = off" -c "SELECT pg_reload_conf()" >&2
    fi
  fi
  echo "export DATABASE_URL=postgres://$db_user:$db_password@127.0.0.1:$port/$db_name"
}

ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server
  fi
  if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
    log "starting Redis on 127.0.0.1:$redis_port"
    mkdir -p /var/lib/roster-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --dir /var/lib/roster-redis \
      --appendonly yes --save '' --logfile /var/lib/roster-redis/redis.log >&2
    for _ in $(seq 1 50); do
      redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
      sleep 0.1
    done
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 || { log "Redis did not start on port $redis_port"; exit 1; }
  fi
  echo "export REDIS_URL=redis://127.0.0.1:$redis_port"
}

if [ -z "${DATABASE_URL:-}" ]; then ensure_postgres; fi
if [ -z "${REDIS_URL:-}" ]; then ensure_redis; fi
