#!/usr/bin/env bash
# MISSION.md's "latency flat as stored history grows from 10k to 1M actions": p95 of POST /v1/actions
# at 200 actions/s (open loop, receipts durably appended) against one tenant that already holds N
# stored actions in its stream and in the read models, for each N of BENCH_HISTORY, in the
# production topology (JetStream + Postgres, the API and the projector as separate processes, as
# bench/run-bench.sh runs them: a fresh database and stream prefix, cleaned up afterwards).
#
# For each N, smallest first (history only grows, so each size builds on the previous one):
#   1. the API is stopped; `bench/history-seed.mjs seed` grows the tenant to N actions through the
#      API's own write path in process (SubmitActionHandler + TenantChainWriter: risk, policy
#      decision, requested/approved/executed receipts chained, signed and group-committed), while
#      the projector process projects them;
#   2. `history-seed.mjs wait` until the read models reach the stream head, then VACUUM ANALYZE and
#      CHECKPOINT the database and `sync` (steady state: a history grown over months would have been
#      vacuumed, and the bulk load's dirty pages must not be flushed during the measurement);
#   3. the API starts, and `bench/load-actions.mjs` fires BENCH_RATE actions/s for BENCH_DURATION
#      seconds after BENCH_WARMUP seconds against the same tenant (tenant_alpha, allow path);
#   4. one line: Ed25519 signature time measured just before, stored actions, stream messages,
#      p50/p95/p99, errors, achieved rate, the integrity verifier's lag before and after, and CPU
#      (% of a core) of the API, the projector, NATS and the whole machine over the load run: the
#      machine's figure shows how much else ran (Postgres is shared with other databases, so it is
#      in the machine's figure only).
# A final line per verifier mode compares the largest size's median p95 with the smallest's; a
# measurement during which nats-server restarted is flagged and left out of it.
#
# The integrity verifier (in the projector process) re-checks every receipt, rate-limited
# (OARS_INTEGRITY_MAX_RECEIPTS_PER_SECOND, default 1,000/s; 100/s while the streams grow faster).
# After seeding N actions (3 receipts each) it is ~3N receipts behind and works through that backlog
# at its full rate during the measurement, which it would not do with a history grown over time.
# BENCH_INTEGRITY says what to measure:
#   on      (default) the verifier as deployed, backlog and all; its lag is printed
#   paused  the projector runs with OARS_INTEGRITY_{MAX,MIN}_RECEIPTS_PER_SECOND=1 (1 receipt/s)
#   both    each size twice: on, then paused (the projector restarts between the two)
#
# Usage: bench/history-growth.sh
# Knobs: BENCH_HISTORY ("10000 1000000"), BENCH_DURATION (20), BENCH_WARMUP (3), BENCH_RATE (200),
#   BENCH_INTEGRITY (on), BENCH_REPEAT (1: measurements per size and mode; the comparison takes
#   each size's median p95), BENCH_CATCHUP_TIMEOUT seconds (7200: seeding and projection catch-up per
#   size), BENCH_SEED_WINDOW (1024 submissions in flight while seeding), BENCH_SETTLE_DB (1: VACUUM
#   ANALYZE + CHECKPOINT + sync before measuring a size; 0 skips), BENCH_PORT, BENCH_NATS_URL,
#   BENCH_PG_URL (postgres://postgres@127.0.0.1:5432, no database name), BENCH_READY_TIMEOUT (60),
#   BENCH_SKIP_BUILD=1 (use the existing dist/), BENCH_KEEP=1 (keep the database and streams).
# Disk: ~1.9 KB per receipt in JetStream and ~3.3 KB in Postgres, so ~16 GB for 1M actions. Time on
# a 2-core machine: ~11 min to seed and project 1M actions, ~35 s per measurement (docs/benchmarks.md).
# Exit code: 0 when every measurement completed without errors, 1 otherwise (p95 is reported, not judged).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

HISTORY="${BENCH_HISTORY:-10000 1000000}"
DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-3}"
RATE="${BENCH_RATE:-200}"
INTEGRITY="${BENCH_INTEGRITY:-on}"
CATCHUP_TIMEOUT="${BENCH_CATCHUP_TIMEOUT:-7200}"
SEED_WINDOW="${BENCH_SEED_WINDOW:-1024}"
SETTLE_DB="${BENCH_SETTLE_DB:-1}"
REPEAT="${BENCH_REPEAT:-1}"
NATS="${BENCH_NATS_URL:-nats://127.0.0.1:4222}"
PG_BASE="${BENCH_PG_URL:-postgres://postgres@127.0.0.1:5432}"
READY_TIMEOUT="${BENCH_READY_TIMEOUT:-60}"
TENANT=tenant_alpha

case "$INTEGRITY" in on) MODES=(on) ;; paused) MODES=(paused) ;; both) MODES=(on paused) ;;
  *) echo "BENCH_INTEGRITY must be on, paused or both, got \"$INTEGRITY\"" >&2; exit 2 ;; esac
previous=0
for n in $HISTORY; do
  [[ "$n" =~ ^[0-9]+$ ]] && ((n > previous)) || { echo "BENCH_HISTORY must be ascending positive integers, got \"$HISTORY\"" >&2; exit 2; }
  previous=$n
done

[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_REPEAT must be a positive integer, got \"$REPEAT\"" >&2; exit 2; }
NATS_PID=""

# Per run: a fresh database, stream and subject prefixes, and signing-key secret (unless given).
RUN_ID="$(node bench/probe.mjs hex 4)"
STREAM_PREFIX="BENCH${RUN_ID^^}"
DB_NAME="oars_bench_$RUN_ID"
KEY_SECRET="${OARS_KEY_ENCRYPTION_SECRET:-bench_$(node bench/probe.mjs hex 24)}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/oars-history.XXXXXX")"
SERVER_PID="" PROJECTOR_PID="" PROJECTOR_MODE="" PORT="" FAILED=0 RESULTS=()

log() { printf '\n### %s\n' "$*" >&2; }

free_port() { node bench/probe.mjs free-port; }
http_status() { node bench/probe.mjs status "$1"; }
# Machine speed, as bench/run-bench.sh measures it: one Ed25519 signature (node:crypto), in µs.
cpu_speed() { node bench/probe.mjs signature; }

JS_ENV=(OARS_EVENT_STORE=jetstream NATS_URL="$NATS" DATABASE_URL="$PG_BASE/$DB_NAME" OARS_REGION=bench
  OARS_STREAM_PREFIX="$STREAM_PREFIX" OARS_SUBJECT_PREFIX="bench$RUN_ID" OARS_KEY_ENCRYPTION_SECRET="$KEY_SECRET")

# Other work on a shared machine may restart nats-server: wait for it (bounded) before each step.
wait_nats() {
  local deadline=$((SECONDS + 60))
  until node bench/cleanup-streams.mjs --url "$NATS" --prefix "$STREAM_PREFIX" --dry-run 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "NATS is not reachable at $NATS" >&2; return 1; }
    sleep 1
  done
}

history_seed() { wait_nats && env "${JS_ENV[@]}" LOG_LEVEL=warn node bench/history-seed.mjs "$@" --tenant "$TENANT"; }

start_projector() { # <on|paused>
  local mode="$1" extra=()
  [ "$mode" = paused ] && extra=(OARS_INTEGRITY_MAX_RECEIPTS_PER_SECOND=1 OARS_INTEGRITY_MIN_RECEIPTS_PER_SECOND=1)
  log "starting projector (integrity verifier $mode), log: $WORK/projector.log"
  env "${JS_ENV[@]}" "${extra[@]}" LOG_LEVEL="${LOG_LEVEL:-warn}" OARS_PROJECTOR_METRICS_PORT="$(free_port)" \
    node dist/apps/projector/src/main.js >>"$WORK/projector.log" 2>&1 &
  PROJECTOR_PID=$!
  PROJECTOR_MODE="$mode"
}

stop_pid() { # <pid>: TERM, then KILL after 15 s
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# CPU ticks (USER_HZ) as one JSON object: the whole machine (busy and total, all cores) and each
# named process (`name=pid` arguments), so a line can say how busy the machine was besides us.
cpu_snapshot() {
  local out machine pid name
  machine="$(awk '/^cpu /{b=$2+$3+$4+$7+$8; print "\"busy\":" b ",\"total\":" b+$5+$6}' /proc/stat)"
  out="{\"at\":$(date +%s%N),$machine"
  for name in "$@"; do
    pid="${name#*=}"
    [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && out="$out,\"${name%%=*}\":$(sed -E 's/^.*\) //' "/proc/$pid/stat" | awk '{print $12+$13}')"
  done
  printf '%s}\n' "$out"
}

stop_projector() { stop_pid "$PROJECTOR_PID"; PROJECTOR_PID=""; PROJECTOR_MODE=""; }
stop_server() { stop_pid "$SERVER_PID"; SERVER_PID=""; }

start_server() {
  PORT="${BENCH_PORT:-$(free_port)}"
  log "starting API on port $PORT (no projector), log: $WORK/api.log"
  env -u DATABASE_URL -u NATS_URL "${JS_ENV[@]}" OARS_RUN_PROJECTOR=false PORT="$PORT" OARS_RATE_LIMIT_RPM=0 LOG_LEVEL="${LOG_LEVEL:-warn}" \
    node dist/apps/api/src/main.js >>"$WORK/api.log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + READY_TIMEOUT))
  until [ "$(http_status "http://127.0.0.1:$PORT/health/ready")" = "200" ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null || ((SECONDS >= deadline)); then
      echo "API not ready; last log lines:" >&2
      tail -n 40 "$WORK/api.log" >&2
      return 1
    fi
    sleep 0.2
  done
}

cleanup() {
  stop_server
  stop_projector
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    echo "kept database $DB_NAME and streams $STREAM_PREFIX* (BENCH_KEEP=1); remove with:" >&2
    echo "  node bench/cleanup-streams.mjs --url $NATS --prefix $STREAM_PREFIX; psql $PG_BASE/postgres -c 'DROP DATABASE \"$DB_NAME\" WITH (FORCE)'" >&2
  else
    wait_nats || true
    node bench/cleanup-streams.mjs --url "$NATS" --prefix "$STREAM_PREFIX" || true
    psql "$PG_BASE/postgres" -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS \"$DB_NAME\" WITH (FORCE)" || true
  fi
  if [ "$FAILED" = 1 ]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'FAILED=1' ERR
trap 'FAILED=1; exit 130' INT TERM

# One measurement line from the status before, the load result and the status after (JSON files).
result_line() { # <history N> <integrity mode> <signature µs> <seed JSON or ""> <before> <load> <after> <cpu before> <cpu after>
  CLK_TCK="$(getconf CLK_TCK)" CORES="$(nproc)" node -e '
    const [n, mode, sig, seedFile, beforeFile, loadFile, afterFile, cpu0File, cpu1File] = process.argv.slice(1);
    const fs = require("fs");
    const read = (f) => (f && fs.existsSync(f) && fs.statSync(f).size ? JSON.parse(fs.readFileSync(f, "utf8")) : null);
    const [seed, before, load, after, c0, c1] = [seedFile, beforeFile, loadFile, afterFile, cpu0File, cpu1File].map(read);
    const f = (v) => Math.round(v).toLocaleString("en-US");
    const ms = (v) => (v === null ? "-" : v.toFixed(2));
    const gb = (b) => (b / 1e9).toFixed(2);
    const l = load.latencyMs;
    const errs = load.errorCount === 0 ? "0" : `${load.errorCount} (${Object.entries(load.errors).map(([k, v]) => `${k}=${v}`).join(" ")})`;
    // CPU over the whole load run (warmup included), in % of one core, and per request sent.
    const secs = (c1.at - c0.at) / 1e9;
    const hz = Number(process.env.CLK_TCK);
    const pct = (k) => (k in c0 && k in c1 ? (((c1[k] - c0[k]) / hz / secs) * 100).toFixed(0) : "-");
    const machine = (((c1.busy - c0.busy) / (c1.total - c0.total)) * Number(process.env.CORES) * 100).toFixed(0);
    const ours = ["api", "projector", "nats"].filter((k) => k in c0 && k in c1).reduce((t, k) => t + (c1[k] - c0[k]), 0);
    const perAction = (ours / hz) * 1e6 / Math.max(1, load.requestsTotal);
    const cpu = `; CPU % of a core: API ${pct("api")}, projector ${pct("projector")}, NATS ${pct("nats")}, whole machine ${machine} of ${Number(process.env.CORES) * 100}; ` +
      `API+projector+NATS ${(perAction / 1000).toFixed(2)} ms per action = ${(perAction / Number(sig)).toFixed(0)} signatures`;
    const replaced = seed && seed.failed ? `, ${f(seed.failed)} failed submissions replaced` : "";
    const seeded = seed ? `; seeding ${f(seed.seeded)} took ${seed.seconds.toFixed(0)} s (${seed.secondsPer100k.toFixed(1)} s per 100k${replaced})` : "";
    process.stdout.write(
      `history ${f(Number(n))} (integrity ${mode}): signature ${sig} µs; stored actions ${f(before.storedActions)}, stream messages ${f(before.streamMessages)} ` +
      `(${gb(before.streamBytes)} GB stream, ${gb(before.databaseBytes)} GB database); p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, p99 ${ms(l.p99)} ms; ` +
      `errors ${errs}; achieved ${load.actionsPerSecond.toFixed(1)}/s of ${load.targetRate}/s; integrity lag ${f(before.integrityLag)} -> ${f(after.integrityLag)} receipts ` +
      `(findings ${after.integrityFindings}), dead letters ${after.deadLetters}${cpu}${seeded}\n`);' "$@"
}

measure() { # <history N> <integrity mode> <seed JSON file> <round>
  local n="$1" mode="$2" seed_file="$3" tag="$1-$2-$4"
  if [ "$PROJECTOR_MODE" != "$mode" ]; then
    stop_projector
    start_projector "$mode"
    history_seed wait --timeout "$CATCHUP_TIMEOUT" >/dev/null
  fi
  if ! start_server; then FAILED=1; RESULTS+=("history $n (integrity $mode): API did not become ready"); return; fi
  history_seed status >"$WORK/before-$tag.json"
  local sig
  sig="$(cpu_speed)"
  log "measuring: $RATE/s open loop for ${DURATION}s after ${WARMUP}s warmup, history $n, integrity verifier $mode (signature $sig µs)"
  NATS_PID="$(pgrep -o -x nats-server || true)" # a local nats-server, if any (looked up each time: it may restart)
  cpu_snapshot api="$SERVER_PID" projector="$PROJECTOR_PID" nats="$NATS_PID" >"$WORK/cpu0-$tag.json"
  node bench/load-actions.mjs --url "http://127.0.0.1:$PORT" --tenant "$TENANT" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" \
    --pid "$SERVER_PID" --label "history $n, integrity $mode" --json >"$WORK/load-$tag.json" || true
  local restarted=""
  if [ "$(pgrep -o -x nats-server || true)" != "$NATS_PID" ]; then restarted="NATS RESTARTED DURING THIS RUN, not compared: "; NATS_PID=""; fi
  cpu_snapshot api="$SERVER_PID" projector="$PROJECTOR_PID" nats="$NATS_PID" >"$WORK/cpu1-$tag.json"
  history_seed status >"$WORK/after-$tag.json"
  stop_server
  if [ ! -s "$WORK/load-$tag.json" ]; then FAILED=1; RESULTS+=("history $n (integrity $mode): load generator failed"); return; fi
  local line
  line="$restarted$(result_line "$n" "$mode" "$sig" "$seed_file" "$WORK/before-$tag.json" "$WORK/load-$tag.json" "$WORK/after-$tag.json" "$WORK/cpu0-$tag.json" "$WORK/cpu1-$tag.json")"
  printf '%s\n' "$line" >&2
  RESULTS+=("$line")
  node -e 'process.exit(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).errorCount === 0 ? 0 : 1)' "$WORK/load-$tag.json" || FAILED=1
}

if [ "${BENCH_SKIP_BUILD:-0}" != "1" ]; then
  log "npm run build"
  npm run build
fi
[ -f dist/apps/api/src/main.js ] || { echo "dist/apps/api/src/main.js is missing: run npm run build" >&2; exit 1; }
node bench/cleanup-streams.mjs --url "$NATS" --prefix "$STREAM_PREFIX" --dry-run 2>/dev/null || { echo "NATS is not reachable at $NATS" >&2; exit 1; }
psql "$PG_BASE/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"$DB_NAME\""
SPEED_BEFORE="$(cpu_speed)"
log "run $RUN_ID: database $DB_NAME, streams $STREAM_PREFIX*, history sizes: $HISTORY, integrity: $INTEGRITY; signature $SPEED_BEFORE µs"

start_projector "${MODES[0]}"
RUN_T0=$SECONDS
for n in $HISTORY; do
  stop_server
  # The measured modes of the previous size may have left the projector paused: seed with the first mode's.
  if [ "$PROJECTOR_MODE" != "${MODES[0]}" ]; then stop_projector; start_projector "${MODES[0]}"; fi
  log "seeding $TENANT to $n actions"
  t0=$SECONDS
  history_seed seed --to "$n" --window "$SEED_WINDOW" --timeout "$CATCHUP_TIMEOUT" >"$WORK/seed-$n.json" || { FAILED=1; RESULTS+=("history $n: seeding failed"); break; }
  log "waiting for the read models to reach the stream head"
  history_seed wait --timeout "$CATCHUP_TIMEOUT" >/dev/null || { FAILED=1; RESULTS+=("history $n: projector did not catch up"); break; }
  log "seeded and projected in $((SECONDS - t0)) s"
  if [ "$SETTLE_DB" = 1 ]; then
    t0=$SECONDS
    psql "$PG_BASE/$DB_NAME" -v ON_ERROR_STOP=1 -qc 'VACUUM ANALYZE' -c 'CHECKPOINT'
    sync
    log "VACUUM ANALYZE + CHECKPOINT + sync took $((SECONDS - t0)) s"
  fi
  seed_file="$WORK/seed-$n.json"
  for ((round = 1; round <= REPEAT; round++)); do
    for mode in "${MODES[@]}"; do
      measure "$n" "$mode" "$seed_file" "$round"
      seed_file=""
    done
  done
done

printf '\n### history growth (%s/s open loop, %ss measured after %ss warmup, %s cores, node %s; one Ed25519 signature took %s µs before, %s µs after; %s s in all)\n' \
  "$RATE" "$DURATION" "$WARMUP" "$(nproc)" "$(node --version)" "$SPEED_BEFORE" "$(cpu_speed)" "$((SECONDS - RUN_T0))"
printf '%s\n' "${RESULTS[@]}"
for mode in "${MODES[@]}"; do
  node -e '
    const [mode, ...lines] = process.argv.slice(1);
    // Per size the median p95 of its rounds (BENCH_REPEAT); the largest size against the smallest.
    const bySize = new Map();
    for (const l of lines) {
      const m = /^history ([\d,]+) \(integrity (\w+)\).* p95 ([\d.]+) ms/.exec(l);
      if (m && m[2] === mode) bySize.set(m[1], [...(bySize.get(m[1]) ?? []), Number(m[3])]);
    }
    if (bySize.size < 2) process.exit(0);
    const median = (v) => { const s = [...v].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
    const sizes = [...bySize.keys()];
    const [a, b] = [sizes[0], sizes[sizes.length - 1]];
    const [pa, pb] = [median(bySize.get(a)), median(bySize.get(b))];
    const of = (k) => (bySize.get(k).length > 1 ? ` (median of ${bySize.get(k).length})` : "");
    process.stdout.write(`comparison (integrity ${mode}): p95 ${pb.toFixed(2)} ms at ${b}${of(b)} / ${pa.toFixed(2)} ms at ${a}${of(a)} = ${(pb / pa).toFixed(2)}x\n`);' "$mode" "${RESULTS[@]}"
done
exit "$FAILED"
