#!/usr/bin/env bash
# Collector overhead benchmark. In one run, on this machine, it compares requests sent straight to a fast
# stub model with requests sent through the collector:
#   1. fixed rate (open loop, RATE req/s for DURATION s), alternating direct / collector ROUNDS times:
#      latency p50/p99 and the collector's CPU per 1,000 req/s (from /proc/<pid>/stat);
#   2. saturation (wrk, closed loop, 32 connections): throughput and latency;
#   3. the collector's resident memory (VmRSS now, VmHWM peak) with the JVM options the operator injects.
# Usage: src/bench/collector-bench.sh            (RATE=1000 DURATION=20 ROUNDS=2 by default)
# Needs: a JDK, Maven (to build the jar if missing), wrk (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-1000}
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-2}
JAR=target/quarkus-app/quarkus-run.jar
MODEL_PORT=${MODEL_PORT:-18180}
DATA_PORT=${DATA_PORT:-19190}
ADMIN_PORT=${ADMIN_PORT:-19191}
BODY='{"instances":[{"amount":42.5,"hour":13,"truth":1}]}'
PATH_=/v1/models/fraud-detector:predict

command -v wrk >/dev/null || { echo "wrk is required: apt-get install -y wrk" >&2; exit 1; }
[ -f "$JAR" ] || mvn -q -B package -DskipTests
# The exact JVM options the operator injects into the sidecar (OperatorConfig.COLLECTOR_JVM_OPTIONS).
JVM_OPTS=$(sed -n '/COLLECTOR_JVM_OPTIONS = /,/;/p' src/main/java/io/modelmonitor/operator/OperatorConfig.java \
  | grep -o '"[^"]*"' | tr -d '"' | tr '\n' ' ' | tr -s ' ' | sed 's/ *$//')
JVM_OPTS=${COLLECTOR_JVM_OPTS:-$JVM_OPTS}

# Two cores: the load generator gets one, the model and the collector share the other, in both paths alike.
PIN_LOAD=""; PIN_SERVERS=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then PIN_LOAD="taskset -c 0"; PIN_SERVERS="taskset -c 1"; fi

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

$PIN_SERVERS java -XX:+UseSerialGC -Xmx256m -jar "$JAR" demo-model "$MODEL_PORT" 1 0 >/dev/null &
pids+=($!)
JAVA_TOOL_OPTIONS="$JVM_OPTS" MALLOC_ARENA_MAX=2 MM_UPSTREAM_URL="http://127.0.0.1:$MODEL_PORT" MM_PORT=$DATA_PORT \
  MM_ADMIN_PORT=$ADMIN_PORT MM_BIND_ADDRESS=127.0.0.1 MM_LABEL_TTL=10m $PIN_SERVERS java -jar "$JAR" collector >/dev/null 2>&1 &
COLLECTOR=$!
pids+=($COLLECTOR)
for port in $MODEL_PORT $DATA_PORT $ADMIN_PORT; do
  for _ in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
done

load() { $PIN_LOAD java -XX:+UseParallelGC -Xms512m -Xmx512m -jar "$JAR" bench-load "http://127.0.0.1:$1$PATH_" "$2" "$3" "$BODY" "${4:-5}"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$COLLECTOR/stat"; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

echo "warming up the model and the collector (JIT) ..." >&2
load $DATA_PORT "$RATE" 10 0 >/dev/null

HZ=$(getconf CLK_TCK)
echo "| round | path | sent | ok | p50 (µs) | p99 (µs) | p99.9 (µs) | collector CPU (cores per 1,000 req/s) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for round in $(seq 1 "$ROUNDS"); do
  direct=$(load $MODEL_PORT "$RATE" "$DURATION")
  echo "| $round | direct | $(field "$direct" sent) | $(field "$direct" ok) | $(field "$direct" p50_us) | $(field "$direct" p99_us) | $(field "$direct" p999_us) | |"
  t0=$(cpu_ticks); s0=$(date +%s.%N)
  via=$(load $DATA_PORT "$RATE" "$DURATION")
  t1=$(cpu_ticks); s1=$(date +%s.%N)
  cpu=$(python3 -c "print(f'{($t1-$t0)/$HZ/($s1-$s0)/($RATE/1000):.3f}')")
  echo "| $round | collector | $(field "$via" sent) | $(field "$via" ok) | $(field "$via" p50_us) | $(field "$via" p99_us) | $(field "$via" p999_us) | $cpu |"
done

lua=$(mktemp)
printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' "'$BODY'" > "$lua"
echo
echo "| saturation (wrk -t2 -c32 -d15s) | req/s | p50 | p99 |"
echo "| --- | --- | --- | --- |"
for target in "direct $MODEL_PORT" "collector $DATA_PORT"; do
  set -- $target
  out=$($PIN_LOAD wrk -t2 -c32 -d15s --latency -s "$lua" "http://127.0.0.1:$2$PATH_")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  echo "| $1 | $rps | $p50 | $p99 |"
done
rm -f "$lua"

echo
rss=$(awk '/VmRSS/ {print $2}' "/proc/$COLLECTOR/status")
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$COLLECTOR/status")
echo "collector RSS after the runs: $((rss / 1024)) MiB (peak $((hwm / 1024)) MiB); pending labels: $(curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk '/^modelmonitor_pending_labels / {print $2}')"
echo "JVM options: $JVM_OPTS"
