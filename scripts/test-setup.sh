#!/usr/bin/env bash
# Everything `npm test` needs before Jest starts, on a fresh machine as on CI: the local NATS
# JetStream (127.0.0.1:4222) and PostgreSQL (127.0.0.1:5432, database `test`) started when they are
# installed but down, and Debian's chromium (the console's browser tests) installed when missing.
# Idempotent: on a machine where everything runs already it only checks.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done; return 1; }
fail() { echo "test setup: $*" >&2; exit 1; }

if ! port_open 4222; then
  [ -x /usr/sbin/nats-server ] || fail "NATS is not listening on 127.0.0.1:4222 and /usr/sbin/nats-server is not installed (apt-get install nats-server)"
  echo "test setup: starting nats-server on 127.0.0.1:4222"
  mkdir -p /var/lib/nats-server
  # setsid: the server outlives this script's process group.
  setsid /usr/sbin/nats-server -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log </dev/null >>/var/log/nats-server.stderr.log 2>&1 &
  wait_port 4222 || fail "nats-server did not start (see /var/log/nats-server.log)"
fi

# nats-server 2.9.10 can panic mid-run (scripts/nats-watchdog.sh): restart it while the tests run.
setsid bash "$(dirname "$0")/nats-watchdog.sh" "$PPID" </dev/null >/dev/null 2>&1 &

if ! port_open 5432; then
  command -v pg_ctlcluster >/dev/null || fail "PostgreSQL is not listening on 127.0.0.1:5432 and pg_ctlcluster is not installed"
  echo "test setup: starting postgres"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || fail "pg_ctlcluster could not start PostgreSQL"
  wait_port 5432 || fail "PostgreSQL did not start"
fi
if command -v psql >/dev/null && ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" 2>/dev/null | grep -q 1; then
  echo "test setup: creating database test"
  psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test' >/dev/null || fail "could not create database test"
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "test setup: installing chromium for the console tests (apt-get)"
  log=/tmp/oars-test-chromium.log
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "could not install chromium (apt-get update && apt-get install -y chromium failed, log above)"
  fi
  [ -x /usr/bin/chromium ] || fail "chromium installed but /usr/bin/chromium is missing"
fi
