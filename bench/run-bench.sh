#!/usr/bin/env bash
# Starts OARS itself and runs the benchmark scenarios that the targets in MISSION.md name:
#   embedded   64 closed-loop clients                          target >= 300 actions/s, 0 errors
#   jetstream  open loop 200 actions/s                         target p95 <= 10 ms, 0 errors
#              open loop 500 actions/s                         projection delay p95 <= 200 ms (receipt
#                                                              timestamp -> read-model commit, from the
#                                                              projector's histogram; bench/projection-delay.mjs)
#              open loop 1,000 actions/s over 64 connections   target p95 <= 25 ms, 0 errors (the
#                                                              sustained-load target: 64 concurrent clients at 1,000/s)
#              64 closed-loop clients                          capacity: target >= 1,000 actions/s, 0 errors
#                                                              (closed loop, p95 = 64 / throughput: p95 <= 25 ms
#                                                              would need >= 2,560/s, so it is reported, not judged)
# Usage: bench/run-bench.sh [all|embedded|jetstream]      (default: all)
# Exit code 0 when every scenario met its target, 1 otherwise.
#
# Server environment used (names as in libs/config/src/config.ts; adjust here if they change):
#   node dist/apps/api/src/main.js      the API entry point, produced by `npm run build`
#   PORT                                 HTTP port (the server binds 127.0.0.1 outside production)
#   OARS_EVENT_STORE=embedded|jetstream  event store adapter
#   OARS_DATA_DIR                        embedded mode: data directory (a fresh temp dir per run);
#                                        DATABASE_URL and NATS_URL are removed so PGlite is used
#   NATS_URL                             jetstream mode: NATS server
#   DATABASE_URL                         jetstream mode: a fresh database; the server migrates it
#   OARS_REGION=bench                    region
#   OARS_STREAM_PREFIX=BENCH<id>         prefix of every stream the server creates; cleanup deletes
#                                        streams named <prefix>*, KV_<prefix>* and OBJ_<prefix>*
#   OARS_SUBJECT_PREFIX=bench<id>        subject prefix, so the run cannot overlap other streams' subjects
#   OARS_RATE_LIMIT_RPM=0                disables the server's rate limiter
#   OARS_KEY_ENCRYPTION_SECRET           secret for signing keys at rest (random per run unless set)
#   GET /health/ready answers 200 once the server takes traffic; dev_admin_token is accepted, so
#   NODE_ENV must not be production. Other variables (LOG_LEVEL, OARS_RUN_PROJECTOR, ...) reach the
#   server as they are in the environment.
#
# Knobs: BENCH_PORT (default: a free port), BENCH_NATS_URL (nats://127.0.0.1:4222),
#   BENCH_PG_URL (postgres://postgres@127.0.0.1:5432, no database name), BENCH_DURATION (20),
#   BENCH_WARMUP (3), BENCH_READY_TIMEOUT seconds (60), BENCH_SKIP_BUILD=1 (use the existing dist/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SCENARIOS="${1:-all}"
case "$SCENARIOS" in all|embedded|jetstream) ;; *) echo "usage: $0 [all|embedded|jetstream]" >&2; exit 2 ;; esac

NATS="${BENCH_NATS_URL:-nats://127.0.0.1:4222}"
PG_BASE="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-3}"
READY_TIMEOUT="${BENCH_READY_TIMEOUT:-60}"
RUN_ID="$(node -e 'process.stdout.write(require("crypto").randomBytes(4).toString("hex"))')"
KEY_SECRET="${OARS_KEY_ENCRYPTION_SECRET:-bench_$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))')}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/oars-bench.XXXXXX")"
SERVER_PID=""
PROJECTOR_PID=""
PORT=""
DB_NAME=""
STREAM_PREFIX=""
SUMMARY=()
FAILED=0

log() { printf '\n### %s\n' "$*" >&2; }

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

http_status() {
  node -e '
    const req = require("http").get(process.argv[1], { timeout: 2000 }, (res) => { res.resume(); console.log(res.statusCode); });
    req.on("timeout", () => req.destroy());
    req.on("error", () => console.log(0));' "$1"
}

start_server() { # <log name> then VAR=value pairs for the server
  local name="$1"; shift
  PORT="${BENCH_PORT:-$(free_port)}"
  log "starting server ($name) on port $PORT, log: $WORK/$name.log"
  env -u DATABASE_URL -u NATS_URL "$@" PORT="$PORT" OARS_RATE_LIMIT_RPM=0 OARS_KEY_ENCRYPTION_SECRET="$KEY_SECRET" \
    node dist/apps/api/src/main.js >"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + READY_TIMEOUT))
  until [ "$(http_status "http://127.0.0.1:$PORT/health/ready")" = "200" ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited before it was ready; last log lines:" >&2
      tail -n 40 "$WORK/$name.log" >&2
      SERVER_PID=""
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "server not ready after ${READY_TIMEOUT}s; last log lines:" >&2
      tail -n 40 "$WORK/$name.log" >&2
      return 1
    fi
    sleep 0.2
  done
  log "server ready (pid $SERVER_PID)"
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  local deadline=$((SECONDS + 15))
  while kill -0 "$SERVER_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

cleanup_streams() {
  [ -n "$STREAM_PREFIX" ] || return 0
  if command -v nats >/dev/null 2>&1; then
    local name
    for name in $(nats --server "$NATS" stream ls --names 2>/dev/null); do
      case "$name" in "$STREAM_PREFIX"*|"KV_$STREAM_PREFIX"*|"OBJ_$STREAM_PREFIX"*)
        nats --server "$NATS" stream rm --force "$name" && echo "deleted stream $name" >&2 ;;
      esac
    done
  else
    node bench/cleanup-streams.mjs --url "$NATS" --prefix "$STREAM_PREFIX" || true
  fi
  STREAM_PREFIX=""
}

drop_database() {
  [ -n "$DB_NAME" ] || return 0
  psql "$PG_BASE/postgres" -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" || true
  DB_NAME=""
}

cleanup() {
  stop_server
  [ -n "$PROJECTOR_PID" ] && kill -TERM "$PROJECTOR_PID" 2>/dev/null
  cleanup_streams
  drop_database
  if [ "$FAILED" = 1 ]; then
    rm -rf "$WORK/data-embedded"
    echo "server logs kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_load() { # <label> then load-actions options
  local label="$1"; shift
  log "scenario: $label"
  local rc=0
  node bench/load-actions.mjs --url "http://127.0.0.1:$PORT" --label "$label" --pid "$SERVER_PID" \
    --duration "$DURATION" --warmup "$WARMUP" "$@" | tee "$WORK/result.txt" || rc=$?
  local figures
  figures="$(grep -E '^(throughput|latency ms|errors) ' "$WORK/result.txt" | sed -E 's/ +/ /g' | paste -sd ';' - | sed 's/;/; /g' || true)"
  if [ "$rc" -eq 0 ]; then SUMMARY+=("PASS  $label: $figures"); else SUMMARY+=("FAIL  $label: $figures"); FAILED=1; fi
}

projection_delay() { # <label> <max p95 ms> <projector metrics URL> <load label> then load-actions options
  local label="$1" max="$2" url="$3" load_label="$4"; shift 4
  if ! node bench/projection-delay.mjs snapshot --url "$url" --file "$WORK/delay-before.json"; then
    SUMMARY+=("FAIL  $label: cannot read $url"); FAILED=1; return
  fi
  run_load "$load_label" "$@"
  local rc=0
  node bench/projection-delay.mjs report --url "$url" --file "$WORK/delay-before.json" --max-p95 "$max" | tee "$WORK/delay.txt" || rc=$?
  local figures
  figures="$(grep '^projection delay' "$WORK/delay.txt" | sed -E 's/ +/ /g' || true)"
  if [ "$rc" -eq 0 ]; then SUMMARY+=("PASS  $label: $figures"); else SUMMARY+=("FAIL  $label: $figures"); FAILED=1; fi
}

bench_embedded() {
  local data="$WORK/data-embedded"
  mkdir -p "$data"
  if start_server embedded OARS_EVENT_STORE=embedded OARS_DATA_DIR="$data"; then
    run_load "embedded, 64 clients (>= 300/s, 0 errors)" --concurrency 64 --min-throughput 300 --max-errors 0
  else
    SUMMARY+=("FAIL  embedded: server did not become ready"); FAILED=1
  fi
  stop_server
}

bench_jetstream() {
  STREAM_PREFIX="BENCH${RUN_ID^^}"
  node bench/cleanup-streams.mjs --url "$NATS" --prefix "$STREAM_PREFIX" --dry-run 2>/dev/null \
    || { echo "NATS is not reachable at $NATS" >&2; SUMMARY+=("FAIL  jetstream: NATS not reachable"); FAILED=1; STREAM_PREFIX=""; return; }
  DB_NAME="oars_bench_$RUN_ID"
  psql "$PG_BASE/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$DB_NAME\""
  # Production topology: the API process (no projector) and the projector process (read models,
  # timers, execution and integrity consumers) run separately.
  local js_env=(OARS_EVENT_STORE=jetstream NATS_URL="$NATS" DATABASE_URL="$PG_BASE/$DB_NAME"
    OARS_REGION=bench OARS_STREAM_PREFIX="$STREAM_PREFIX" OARS_SUBJECT_PREFIX="bench$RUN_ID")
  local projector_metrics_port
  projector_metrics_port="$(free_port)"
  env "${js_env[@]}" OARS_KEY_ENCRYPTION_SECRET="$KEY_SECRET" LOG_LEVEL="${LOG_LEVEL:-warn}" OARS_PROJECTOR_METRICS_PORT="$projector_metrics_port" \
    node dist/apps/projector/src/main.js >"$WORK/projector.log" 2>&1 &
  PROJECTOR_PID=$!
  if start_server jetstream "${js_env[@]}" OARS_RUN_PROJECTOR=false; then
    run_load "jetstream, 200/s open loop (p95 <= 10 ms, 0 errors)" --rate 200 --max-p95 10 --max-errors 0
    run_load "jetstream, 64 closed-loop clients (>= 1000/s, 0 errors)" \
      --concurrency 64 --min-throughput 1000 --max-errors 0
    run_load "jetstream, 1000/s open loop over 64 connections (p95 <= 25 ms, 0 errors)" \
      --rate 1000 --concurrency 64 --max-p95 25 --max-errors 0
    # Last, the projector's own histogram (receipt timestamp -> read-model commit) over a 500/s run and
    # its catch-up; the report waits for the projector to have applied everything.
    projection_delay "jetstream, 500/s: projection delay (p95 <= 200 ms)" 200 \
      "http://127.0.0.1:$projector_metrics_port/metrics" "jetstream, 500/s open loop (0 errors)" --rate 500 --max-errors 0
  else
    SUMMARY+=("FAIL  jetstream: server did not become ready"); FAILED=1
  fi
  stop_server
  kill -TERM "$PROJECTOR_PID" 2>/dev/null || true
  wait "$PROJECTOR_PID" 2>/dev/null || true
  PROJECTOR_PID=""
  cleanup_streams
  drop_database
}

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  log "npm run build"
  npm run build
fi
[ -f dist/apps/api/src/main.js ] || { echo "dist/apps/api/src/main.js is missing: run npm run build" >&2; exit 1; }

# Machine speed, before and after: this figure moves with the host's load (a shared VM's vCPUs can
# slow down by half), so it tells whether two runs' figures can be compared at all.
cpu_speed() {
  node -e 'const c=require("crypto");const {privateKey}=c.generateKeyPairSync("ed25519");const m=Buffer.alloc(77);
    for(let i=0;i<500;i++)c.sign(null,m,privateKey);const t=process.hrtime.bigint();for(let i=0;i<5000;i++)c.sign(null,m,privateKey);
    process.stdout.write((Number(process.hrtime.bigint()-t)/5000/1000).toFixed(1))'
}
SPEED_BEFORE="$(cpu_speed)"

case "$SCENARIOS" in
  embedded) bench_embedded ;;
  jetstream) bench_jetstream ;;
  all) bench_embedded; bench_jetstream ;;
esac

printf '\n### summary (%ss measured after %ss warmup, %s cores, node %s; machine speed: one Ed25519 signature took %s µs before, %s µs after)\n' \
  "$DURATION" "$WARMUP" "$(nproc)" "$(node --version)" "$SPEED_BEFORE" "$(cpu_speed)"
printf '%s\n' "${SUMMARY[@]}"
exit "$FAILED"
