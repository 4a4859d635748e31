#!/usr/bin/env bash
# Collector overhead, measured against nginx and HAProxy in the same run (issue 13). Paths, alternated round by
# round (the order rotates so no path always runs first or last):
#   direct     the load generator straight to the model
#   nginx      1 worker, upstream keepalive
#   haproxy    1 thread, http-reuse always
#   collector  the collector, started exactly as the operator injects it (OperatorConfig.COLLECTOR_JVM_OPTIONS)
#   collector-epoll  (COLLECTOR_EPOLL=1) the same with its sockets on Linux epoll (MM_TRANSPORT auto; issue 32)
#   collector-c1  (COLLECTOR_C1=1) the same with C1 instead of C2 and no native-heap trimming: the other trade-off
#                 (the default before issue 32: a lower peak and a quicker start, more CPU per request)
#   collector-jdk25  (COLLECTOR_JDK25=<java home>) the injected options on that JDK 25, with an AOT cache
#                    recorded by a training run first (-XX:AOTCacheOutput, JEP 514/515)
#   collector-<name>  (COLLECTOR_VARIANTS='name=options;name2=options') the collector with other JVM options, e.g.
#                    the levers of issue 32 (GC, heap shape, JIT, native-memory trimming)
#   collector-features  (FEATURES=N, 1 to 64) the injected collector reading N numerical input features from every
#                    request (issue 29); every path then gets a body with N features, so the plain collector is
#                    today's collector on the same traffic
# For each path and round: latency at a fixed rate (open loop, RATE req/s for DURATION s), the proxy's CPU per
# 1,000 req/s (/proc/<pid>/stat over that phase), saturation throughput (wrk, 32 connections, SAT s). Then RSS
# of each proxy; the collector's with 100,000 predictions pending (MM_LABEL_TTL 10m; the ring is full), and its
# private memory (what each further pod costs: the JVM's shared files count once per node). Last, start to ready:
# each collector's JVM options started STARTS times (median), until its /readyz answers.
# Every collector runs as the image runs it: with the class-data-sharing archive (src/native/cds.sh) named.
# The model and the proxy share one core, the load generator has the other (taskset).
# Usage: src/bench/collector-bench.sh   (RATE=1000 DURATION=15 SAT=10 ROUNDS=3; installs nginx, haproxy, wrk
# from Debian if missing; builds the jar if missing). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATE=${RATE:-1000}
DURATION=${DURATION:-15}
SAT=${SAT:-10}
ROUNDS=${ROUNDS:-3}
STARTS=${STARTS:-5}
JAR=target/quarkus-app/quarkus-run.jar
MODEL_PORT=18180
NGINX_PORT=18181
HAPROXY_PORT=18182
DATA_PORT=19190
ADMIN_PORT=19191
C1_PORT=19192
C1_ADMIN_PORT=19193
J25_PORT=19194
J25_ADMIN_PORT=19195
BODY='{"instances":[{"amount":42.5,"hour":13,"truth":1}]}'
FEATURES=${FEATURES:-0}
F_PORT=19196
F_ADMIN_PORT=19197
EPOLL_PORT=19198
EPOLL_ADMIN_PORT=19199
if [ "$FEATURES" -gt 0 ]; then
  BODY=$(python3 -c "import json,sys; n=int(sys.argv[1]); print(json.dumps({'instances':[dict({'f%d' % i: round(i * 1.37 + 0.5, 2) for i in range(n)}, truth=1)]}, separators=(',', ':')))" "$FEATURES")
  FEATURE_SPEC=$(python3 -c "import json,sys; print(json.dumps([{'name': 'f%d' % i, 'type': 'numerical'} for i in range(int(sys.argv[1]))], separators=(',', ':')))" "$FEATURES")
fi
PATH_=/v1/models/fraud-detector:predict

missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v haproxy >/dev/null || missing+=(haproxy)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} from Debian ..." >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ -f "$JAR" ] || mvn -q -B package -DskipTests
# What the image adds for every role (Dockerfile.jvm's JAVA_OPTS): the collector's class-data-sharing archive.
[ -f target/quarkus-app/collector.jsa ] || bash src/native/cds.sh target/quarkus-app
IMAGE_OPTS="-XX:SharedArchiveFile=$(pwd)/target/quarkus-app/collector.jsa"
# The exact JVM options the operator injects into the sidecar.
JVM_OPTS=$(sed -n '/COLLECTOR_JVM_OPTIONS = /,/;/p' src/main/java/io/modelmonitor/operator/config/OperatorConfig.java \
  | grep -o '"[^"]*"' | tr -d '"' | tr '\n' ' ' | tr -s ' ' | sed 's/ *$//')
JVM_OPTS=${COLLECTOR_JVM_OPTS:-$JVM_OPTS}
C1_OPTS=$(echo "$JVM_OPTS" | sed 's/-XX:-TieredCompilation/-XX:TieredStopAtLevel=1/; s/ -XX:TrimNativeHeapInterval=[0-9]*//')

PIN_LOAD=""; PIN_SERVERS=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then PIN_LOAD="taskset -c 0"; PIN_SERVERS="taskset -c 1"; fi

WORK=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

$PIN_SERVERS java -XX:+UseSerialGC -Xmx256m -jar "$JAR" demo-model "$MODEL_PORT" 1 0 >/dev/null &
pids+=($!)

mkdir -p "$WORK/nginx"
cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
master_process off;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  upstream model { server 127.0.0.1:$MODEL_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://model; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
$PIN_SERVERS nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" &
pids+=($!); NGINX=$!

cat > "$WORK/haproxy.cfg" <<EOF
global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
frontend f
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend b
backend b
  http-reuse always
  server m 127.0.0.1:$MODEL_PORT
EOF
$PIN_SERVERS haproxy -db -f "$WORK/haproxy.cfg" >/dev/null 2>&1 &
pids+=($!); HAPROXY=$!

load() { $PIN_LOAD java -XX:+UseParallelGC -Xms512m -Xmx512m -jar "$JAR" bench-load "http://127.0.0.1:$1$PATH_" "$2" "$3" "$BODY" "${4:-5}"; }
start_collector() { # port admin-port jvm-options [java] [features] [transport]
  local image=$IMAGE_OPTS; [ "${4:-java}" = java ] || image=""   # the archive is this JDK's; another JDK gets none
  JAVA_TOOL_OPTIONS="$3" MALLOC_ARENA_MAX=2 MM_UPSTREAM_URL="http://127.0.0.1:$MODEL_PORT" MM_PORT=$1 \
    MM_ADMIN_PORT=$2 MM_BIND_ADDRESS=127.0.0.1 MM_LABEL_TTL=10m MM_FEATURES="${5:-}" MM_TRANSPORT="${6:-nio}" \
    $PIN_SERVERS "${4:-java}" $image -jar "$JAR" collector >/dev/null 2>&1 &
  pids+=($!)
}
start_collector $DATA_PORT $ADMIN_PORT "$JVM_OPTS"; COLLECTOR=${pids[-1]}
PATHS=(direct nginx haproxy collector)
declare -A PORT=([direct]=$MODEL_PORT [nginx]=$NGINX_PORT [haproxy]=$HAPROXY_PORT [collector]=$DATA_PORT)
declare -A PID=([direct]="" [nginx]=$NGINX [haproxy]=$HAPROXY [collector]=$COLLECTOR)
declare -A OPTS=([collector]="$JVM_OPTS")
VPORT=19210
IFS=';' read -r -a VARIANTS <<< "${COLLECTOR_VARIANTS:-}"
for v in "${VARIANTS[@]}"; do
  [ -z "$v" ] && continue
  name=collector-${v%%=*}
  start_collector $VPORT $((VPORT + 1)) "${v#*=}"
  PATHS+=("$name"); PORT[$name]=$VPORT; PID[$name]=${pids[-1]}; OPTS[$name]="${v#*=}"
  VPORT=$((VPORT + 2))
done
if [ "${COLLECTOR_C1:-0}" = 1 ]; then
  start_collector $C1_PORT $C1_ADMIN_PORT "$C1_OPTS"
  PATHS+=(collector-c1); PORT[collector-c1]=$C1_PORT; PID[collector-c1]=${pids[-1]}; OPTS[collector-c1]="$C1_OPTS"
fi
if [ "${COLLECTOR_EPOLL:-0}" = 1 ]; then
  start_collector $EPOLL_PORT $EPOLL_ADMIN_PORT "$JVM_OPTS" java "" auto
  PATHS+=(collector-epoll); PORT[collector-epoll]=$EPOLL_PORT; PID[collector-epoll]=${pids[-1]}
fi
if [ "$FEATURES" -gt 0 ]; then
  start_collector $F_PORT $F_ADMIN_PORT "$JVM_OPTS" java "$FEATURE_SPEC"
  PATHS+=(collector-features); PORT[collector-features]=$F_PORT; PID[collector-features]=${pids[-1]}
fi
if [ -n "${COLLECTOR_JDK25:-}" ]; then
  # Training run: the same collector under the same kind of load, its classes and profiles recorded on exit.
  J25="$COLLECTOR_JDK25/bin/java"
  start_collector $J25_PORT $J25_ADMIN_PORT "$JVM_OPTS -XX:AOTCacheOutput=$WORK/collector.aot" "$J25"
  for _ in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/$J25_PORT) 2>/dev/null && break; sleep 0.2; done
  load $J25_PORT "$RATE" 10 0 >/dev/null 2>&1 || true
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  start_collector $J25_PORT $J25_ADMIN_PORT "$JVM_OPTS -XX:AOTCache=$WORK/collector.aot" "$J25"
  PATHS+=(collector-jdk25); PORT[collector-jdk25]=$J25_PORT; PID[collector-jdk25]=${pids[-1]}
fi
for p in "${PATHS[@]}"; do
  up=0
  for _ in $(seq 1 100); do (echo > /dev/tcp/127.0.0.1/${PORT[$p]}) 2>/dev/null && { up=1; break; }; sleep 0.2; done
  [ $up = 1 ] || { echo "$p did not start listening on port ${PORT[$p]}" >&2; exit 1; }
done

ticks() { [ -z "$1" ] && echo 0 || awk '{print $14 + $15}' "/proc/$1/stat"; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
lua="$WORK/post.lua"
printf 'wrk.method = "POST"\nwrk.body = %s\nwrk.headers["Content-Type"] = "application/json"\n' "'$BODY'" > "$lua"

echo "warming up every path (JIT, connections) ..." >&2
for p in "${PATHS[@]}"; do load "${PORT[$p]}" "$RATE" 10 0 >/dev/null; done

HZ=$(getconf CLK_TCK)
RESULTS="$WORK/results.tsv"
echo "| round | path | sent | ok | p50 (µs) | p99 (µs) | proxy CPU (cores per 1,000 req/s) | saturation (req/s) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
for round in $(seq 1 "$ROUNDS"); do
  n=${#PATHS[@]}
  for i in $(seq 0 $((n - 1))); do
    p=${PATHS[$(((i + round - 1) % n))]}
    t0=$(ticks "${PID[$p]}"); s0=$(date +%s.%N)
    r=$(load "${PORT[$p]}" "$RATE" "$DURATION")
    t1=$(ticks "${PID[$p]}"); s1=$(date +%s.%N)
    cpu=$(python3 -c "print(f'{($t1-$t0)/$HZ/($s1-$s0)/($RATE/1000):.3f}')")
    sat=$($PIN_LOAD wrk -t1 -c32 -d"${SAT}s" -s "$lua" "http://127.0.0.1:${PORT[$p]}$PATH_" | awk '/Requests\/sec/ {print $2}')
    echo "| $round | $p | $(field "$r" sent) | $(field "$r" ok) | $(field "$r" p50_us) | $(field "$r" p99_us) | $cpu | $sat |"
    printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$p" "$(field "$r" p50_us)" "$cpu" "$sat" >> "$RESULTS"
  done
done

rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
hwm() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$1/status"; }
private() { awk '/^Private_Dirty/ {print int($2 / 1024)}' "/proc/$1/smaps_rollup"; }
RSS="$WORK/rss.tsv"
for p in "${PATHS[@]}"; do
  [ -n "${PID[$p]}" ] && printf '%s\t%s\t%s\t%s\n' "$p" "$(rss "${PID[$p]}")" "$(hwm "${PID[$p]}")" "$(private "${PID[$p]}")" >> "$RSS"
done

# Start to ready: a fresh collector with each path's options, the others idle, until its /readyz answers.
STARTUP="$WORK/startup.tsv"
for p in "${!OPTS[@]}"; do
  for _ in $(seq 1 "$STARTS"); do
    s0=$(date +%s%N)
    JAVA_TOOL_OPTIONS="${OPTS[$p]}" MALLOC_ARENA_MAX=2 MM_UPSTREAM_URL="http://127.0.0.1:$MODEL_PORT" MM_PORT=19290 \
      MM_ADMIN_PORT=19291 MM_BIND_ADDRESS=127.0.0.1 $PIN_SERVERS java $IMAGE_OPTS -jar "$JAR" collector >/dev/null 2>&1 &
    sp=$!
    until curl -sf -o /dev/null http://127.0.0.1:19291/readyz; do kill -0 $sp 2>/dev/null || break; sleep 0.01; done
    printf '%s\t%s\n' "$p" $((($(date +%s%N) - s0) / 1000000)) >> "$STARTUP"
    kill $sp; wait $sp 2>/dev/null || true
  done
done
echo
echo "pending predictions in the collector: $(curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk '/^modelmonitor_pending_labels / {print $2}')"
echo "collector JVM options: $JVM_OPTS"
[ "${COLLECTOR_C1:-0}" = 1 ] && echo "collector-c1 JVM options: $C1_OPTS"
[ -n "${COLLECTOR_JDK25:-}" ] && echo "collector-jdk25: $("$J25" -version 2>&1 | head -1), the options above plus -XX:AOTCache"
for p in "${!OPTS[@]}"; do [[ $p == collector-c1 || $p == collector ]] || echo "$p JVM options: ${OPTS[$p]}"; done
echo "every collector also had: $IMAGE_OPTS (the image's JAVA_OPTS)"
[ "$FEATURES" -gt 0 ] && echo "collector-features: $FEATURES numerical features read from every request (body: $BODY)"
echo
python3 - "$RESULTS" "$RSS" "$STARTUP" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
rss = {l.split("\t")[0]: l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[2])}
starts = {}
for l in open(sys.argv[3]):
    k, v = l.split("\t")
    starts.setdefault(k, []).append(int(v))
rounds = sorted({r[0] for r in rows})
paths = list(dict.fromkeys(r[1] for r in rows))
p50 = {(r[0], r[1]): float(r[2]) for r in rows}
med = lambda xs: statistics.median(xs)
print("Medians over %d rounds (added p50: the path's p50 minus the direct p50 of the same round):" % len(rounds))
print()
print("| path | added p50 (ms) | CPU cores per 1,000 req/s | saturation (req/s) | RSS now / peak (MiB) | private (MiB) | start to ready (ms) |")
print("| --- | --- | --- | --- | --- | --- | --- |")
summary = {}
for p in paths:
    added = med([p50[(r, p)] - p50[(r, "direct")] for r in rounds]) / 1000
    cpu = med([float(r[3]) for r in rows if r[1] == p])
    sat = med([float(r[4]) for r in rows if r[1] == p])
    summary[p] = (added, cpu, sat)
    mem = " / ".join(rss[p][:2]) if p in rss else ""
    priv = rss[p][2] if p in rss and p.startswith("collector") else ""
    start = f"{med(starts[p]):.0f}" if p in starts else ""
    print(f"| {p} | {'' if p == 'direct' else f'{added:+.2f}'} | {'' if p == 'direct' else f'{cpu:.3f}'} | {sat:,.0f} | {mem} | {priv} | {start} |")
print()
n = summary["nginx"]
for p in [p for p in paths if p.startswith("collector")]:
    c = summary[p]
    start = f"{med(starts[p]):.0f} ms" if p in starts else "-"
    print(f"{p}: CPU {c[1] / n[1]:.2f}x nginx (target <= 1.5x); saturation {c[2] / n[2]:.2f}x nginx (target >= 0.7x); "
          f"added p50 {c[0]:+.2f} ms (target <= +0.10 ms); RSS {rss[p][0]} MiB (target <= 64 MiB); "
          f"start to ready {start} (target < 1,000 ms)")
if "collector-features" in summary:
    f, c = summary["collector-features"], summary["collector"]
    print(f"collector-features: CPU {f[1] / c[1]:.2f}x the collector without features on the same traffic "
          f"(target <= 1.25x); saturation {f[2] / c[2]:.2f}x; RSS {rss['collector-features'][0]} MiB (target <= 80 MiB)")
EOF
