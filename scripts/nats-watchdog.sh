#!/usr/bin/env bash
# Keeps the local nats-server (127.0.0.1:4222) up while a test run lasts: nats-server 2.9.10
# sometimes panics (a nil dereference in jsMsgGetRequest, seen while test files create and delete
# streams side by side) and the rest of the run would fail on ECONNREFUSED. Started by
# scripts/test-setup.sh with the PID of the `npm test` shell; exits when that shell does. The server
# keeps its streams in its store directory, and the clients reconnect by themselves.
#   scripts/nats-watchdog.sh <pid to watch>
set -uo pipefail
watched="$1"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/4222") 2>/dev/null; }
while kill -0 "$watched" 2>/dev/null; do
  if ! port_open && [ -x /usr/sbin/nats-server ]; then
    echo "$(date -u +%FT%TZ) nats-watchdog: 127.0.0.1:4222 is down, starting nats-server" >>/var/log/nats-watchdog.log
    mkdir -p /var/lib/nats-server
    setsid /usr/sbin/nats-server -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log </dev/null >>/var/log/nats-server.stderr.log 2>&1 &
    sleep 2
  fi
  sleep 0.5
done
