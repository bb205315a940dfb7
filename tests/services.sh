#!/usr/bin/env bash
# Installs (Debian packages) and starts, on 127.0.0.1 only, the servers the tests use.
# Idempotent: run it again and it leaves running servers alone. Needs root (CI and the dev machines are).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

wait_for() { for _ in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

need=()
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
# A real browser for the tests of the pages the server serves.
[ -x /usr/bin/chromium ] || need+=(chromium)
# Python's own unpickler checks the carbon pickle encoder.
[ -x /usr/bin/python3 ] || need+=(python3)
# The build fetches the SignalR browser client for the live page from the npm registry.
command -v npm >/dev/null || need+=(npm)
# Time-series servers: the tests start their own carbon-cache and influxd (loopback, temp dirs, stopped by PID)
# and read points back with whisper-fetch and InfluxDB's /query.
command -v influxd >/dev/null || need+=(influxdb)
command -v carbon-cache >/dev/null || need+=(graphite-carbon)
command -v whisper-fetch >/dev/null || need+=(python3-whisper)
# InfluxDB 2.x's write API (InfluxDB.Client) is tested against VictoriaMetrics (/api/v2/write, read at /api/v1/export);
# the tests start their own on a loopback port in a temp folder. Its package enables a systemd unit, which does not
# start here (no systemd, policy-rc.d).
command -v victoria-metrics >/dev/null || need+=(victoria-metrics)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# PostgreSQL: the Debian cluster, listening on localhost only (its default), a role that may create
# the per-test databases.
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  pg_createcluster 15 main >/dev/null
  cluster="15 main"
fi
# shellcheck disable=SC2086
pg_ctlcluster $cluster start 2>/dev/null || true
wait_for pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL did not start" >&2; exit 1; }
su postgres -c "psql -v ON_ERROR_STOP=1 -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='alignak') THEN CREATE ROLE alignak LOGIN CREATEDB PASSWORD 'alignak'; END IF; END \\\$\\\$;\""
# Tests drop their databases WITH (FORCE); an autovacuum worker still in one can only be ended with this role.
su postgres -c "psql -v ON_ERROR_STOP=1 -qc \"GRANT pg_signal_backend TO alignak\""
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='alignak'\"" | grep -q 1 || su postgres -c "createdb -O alignak alignak"
echo "PostgreSQL ready on 127.0.0.1:5432 (role alignak)"
