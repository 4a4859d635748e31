#!/usr/bin/env bash
# A language model's token stream through the collector, against nginx proxying the same stream, in the same run
# (issue 30). The demo LLM (vLLM's event format, one token per event) answers 24 tokens, its first after FIRST ms and
# one every GAP ms. Paths, alternated round by round: direct, nginx (1 worker, proxy_buffering off, upstream
# keepalive), collector (started exactly as the operator injects it, MM_PROTOCOL=openai MM_TASK=generation).
#   1. time to first token as the client sees it: CONCURRENCY clients, one stream after another, DURATION s; the
#      proxy's CPU over that phase per 1,000 output events (tokens) per second
#   2. RSS of each proxy with HOLD streams open at once (a slower model, one token a second, so none ends)
# The model and the proxy share one core, the load generator (src/bench/sse_load.py) has the other (taskset).
# Usage: src/bench/llm-stream-bench.sh   (FIRST=20 GAP=5 CONCURRENCY=20 DURATION=15 ROUNDS=3 HOLD=1000; installs
# nginx from Debian if missing; builds the jar if missing). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
FIRST=${FIRST:-20}
GAP=${GAP:-5}
CONCURRENCY=${CONCURRENCY:-20}
DURATION=${DURATION:-15}
ROUNDS=${ROUNDS:-3}
HOLD=${HOLD:-1000}
JAR=target/quarkus-app/quarkus-run.jar
MODEL=18280; SLOW_MODEL=18281; NGINX=18282; NGINX_SLOW=18283
DATA=19290; ADMIN=19291; SLOW_DATA=19292; SLOW_ADMIN=19293

command -v nginx >/dev/null || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
[ -f "$JAR" ] || mvn -q -B package -DskipTests
ulimit -n "$(ulimit -Hn)"  # 1,000 held streams take 2,000 descriptors in a proxy
JVM_OPTS=$(sed -n '/COLLECTOR_JVM_OPTIONS = /,/;/p' src/main/java/io/modelmonitor/operator/config/OperatorConfig.java \
  | grep -o '"[^"]*"' | tr -d '"' | tr '\n' ' ' | tr -s ' ' | sed 's/ *$//')
PIN_LOAD=""; PIN_SERVERS=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then PIN_LOAD="taskset -c 0"; PIN_SERVERS="taskset -c 1"; fi

WORK=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

$PIN_SERVERS java -XX:+UseSerialGC -Xmx256m -jar "$JAR" demo-llm $MODEL "$FIRST" "$GAP" >/dev/null & pids+=($!)
$PIN_SERVERS java -XX:+UseSerialGC -Xmx512m -jar "$JAR" demo-llm $SLOW_MODEL 100 1000 >/dev/null & pids+=($!)

mkdir -p "$WORK/nginx"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
master_process off;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
worker_rlimit_nofile 16384;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body; proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi; uwsgi_temp_path $WORK/nginx/uwsgi; scgi_temp_path $WORK/nginx/scgi;
  upstream model { server 127.0.0.1:$MODEL; keepalive 64; }
  upstream slow { server 127.0.0.1:$SLOW_MODEL; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX;
    location / { proxy_pass http://model; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
  server {
    listen 127.0.0.1:$NGINX_SLOW backlog=4096;
    location / { proxy_pass http://slow; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
CONF
$PIN_SERVERS nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" & pids+=($!); NGINX_PID=$!

start_collector() { # data-port admin-port model-port
  JAVA_TOOL_OPTIONS="$JVM_OPTS" MALLOC_ARENA_MAX=2 MM_UPSTREAM_URL="http://127.0.0.1:$3" MM_PORT=$1 MM_ADMIN_PORT=$2 \
    MM_BIND_ADDRESS=127.0.0.1 MM_PROTOCOL=openai MM_TASK=generation $PIN_SERVERS java -jar "$JAR" collector >/dev/null 2>&1 &
  pids+=($!)
}
start_collector $DATA $ADMIN $MODEL; COLLECTOR_PID=${pids[-1]}
start_collector $SLOW_DATA $SLOW_ADMIN $SLOW_MODEL; SLOW_COLLECTOR_PID=${pids[-1]}
for port in $MODEL $SLOW_MODEL $NGINX $DATA $SLOW_DATA; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v1/models" >/dev/null && break; sleep 0.2; done
done

declare -A PORT=([direct]=$MODEL [nginx]=$NGINX [collector]=$DATA)
declare -A PID=([direct]="" [nginx]=$NGINX_PID [collector]=$COLLECTOR_PID)
ticks() { [ -z "$1" ] && echo 0 || awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
# Warm-up: the JIT and the connections, not measured.
for p in direct nginx collector; do $PIN_LOAD python3 src/bench/sse_load.py ttft 127.0.0.1 "${PORT[$p]}" "$CONCURRENCY" 5 >/dev/null; done

RESULTS="$WORK/results.tsv"
PATHS=(direct nginx collector)
for r in $(seq "$ROUNDS"); do
  for i in 0 1 2; do
    p=${PATHS[$(( (i + r) % 3 ))]}
    before=$(ticks "${PID[$p]}")
    out=$($PIN_LOAD python3 src/bench/sse_load.py ttft 127.0.0.1 "${PORT[$p]}" "$CONCURRENCY" "$DURATION")
    after=$(ticks "${PID[$p]}")
    printf '%s\t%s\t%s\n' "$p" "$out" "$(( after - before ))" >> "$RESULTS"
  done
done

rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$1/status"; }
HELD="$WORK/held.tsv"
for p in nginx collector; do
  port=$([ "$p" = nginx ] && echo $NGINX_SLOW || echo $SLOW_DATA)
  pid=$([ "$p" = nginx ] && echo "$NGINX_PID" || echo "$SLOW_COLLECTOR_PID")
  idle=$(rss "$pid")
  $PIN_LOAD python3 src/bench/sse_load.py hold 127.0.0.1 "$port" "$HOLD" 12 > "$WORK/hold-$p.json" &
  sleep 9
  held=$(rss "$pid")
  wait $!
  printf '%s\t%s\t%s\t%s\n' "$p" "$idle" "$held" "$(cat "$WORK/hold-$p.json")" >> "$HELD"
done

python3 - "$RESULTS" "$HELD" "$DURATION" "$HZ" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    p, out, ticks = line.rstrip("\n").split("\t")
    rows.setdefault(p, []).append((json.loads(out), int(ticks)))
duration, hz = float(sys.argv[3]), int(sys.argv[4])
med = lambda xs: statistics.median(xs)
direct = med([o["ttft_p50_ms"] for o, _ in rows["direct"]])
print("| path | TTFT p50 (ms) | added p50 (ms) | TTFT p99 (ms) | tokens/s | CPU per 1,000 tokens/s (% of a core) |")
print("| --- | --- | --- | --- | --- | --- |")
for p in ("direct", "nginx", "collector"):
    p50 = med([o["ttft_p50_ms"] for o, _ in rows[p]])
    p99 = med([o["ttft_p99_ms"] for o, _ in rows[p]])
    rate = med([o["events_per_s"] for o, _ in rows[p]])
    cpu = "-" if p == "direct" else "%.1f" % med([t / hz / duration * 100 / (o["events_per_s"] / 1000) for o, t in rows[p]])
    print("| %s | %.2f | %s | %.2f | %.0f | %s |" % (p, p50, "-" if p == "direct" else "%+.2f" % (p50 - direct), p99, rate, cpu))
print()
print("| proxy | RSS idle (MiB) | RSS with streams open (MiB) | streams open |")
print("| --- | --- | --- | --- |")
for line in open(sys.argv[2]):
    p, idle, held, out = line.rstrip("\n").split("\t")
    print("| %s | %s | %s | %d |" % (p, idle, held, json.loads(out)["opened"]))
PY
