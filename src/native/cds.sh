#!/usr/bin/env bash
# The collector's class-data-sharing archive (issue 32): the classes a collector loads, parsed and laid out once, so
# that every sidecar maps them instead of loading them again: start to ready about 0.3 s sooner. An archive belongs
# to one JVM build and to the exact jars at their paths (size and time), so it is made where it runs: by the image
# build in the runtime stage (Dockerfile.jvm), by `mvn package` for target/quarkus-app, and by the test node for its
# copy of the application. A training run: the demo model, the collector in front of it under a little traffic,
# stopped; the JVM writes the classes it loaded at exit (-XX:ArchiveClassesAtExit, JDK 13+). The image's JAVA_OPTS
# name the archive; a JVM that cannot use it starts without it, silently (-Xlog:cds shows why).
#   src/native/cds.sh [quarkus-app dir] [java]
set -euo pipefail
app=$(cd "${1:-target/quarkus-app}" && pwd)
java=${2:-java}
archive="$app/collector.jsa"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
rm -f "$archive"

port_of() { # log pattern: waits for the line a role prints when it listens, and prints the port
  for _ in $(seq 1 300); do
    p=$(sed -n "s/$2/\1/p" "$1" | head -1)
    [ -n "$p" ] && { echo "$p"; return 0; }
    sleep 0.1
  done
  echo "cds.sh: no listening line in $1:" >&2; cat "$1" >&2; return 1
}

env -u JAVA_TOOL_OPTIONS "$java" -XX:+UseSerialGC -Xmx64m -jar "$app/quarkus-run.jar" demo-model 0 1 0 > "$work/model.log" 2>&1 &
pids+=($!)
model=$(port_of "$work/model.log" '.*listening on 127.0.0.1:\([0-9]*\).*')

# The GC and heap shape of the injected collector (they decide the compressed pointers the archive is laid out for).
env -u JAVA_TOOL_OPTIONS MM_SHUTDOWN_DRAIN=100ms MM_UPSTREAM_URL="http://127.0.0.1:$model" MM_PORT=0 MM_ADMIN_PORT=0 MM_BIND_ADDRESS=127.0.0.1 \
  "$java" -XX:+UseSerialGC -Xmx48m -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=error -Xlog:cds+dynamic=error \
  -jar "$app/quarkus-run.jar" collector > "$work/collector.log" 2>&1 &
collector=$!
pids+=($collector)
data=$(port_of "$work/collector.log" '.*proxying :\([0-9]*\) to .*')
admin=$(port_of "$work/collector.log" '.*admin on :\([0-9]*\),.*')

env -u JAVA_TOOL_OPTIONS "$java" -XX:+UseSerialGC -Xmx128m -jar "$app/quarkus-run.jar" bench-load \
  "http://127.0.0.1:$data/v1/models/fraud-detector:predict" 400 1 '{"instances":[{"amount":42.5,"hour":13}]}' 0 > /dev/null
for path in /metrics /readyz /healthz; do curl -s -o /dev/null "http://127.0.0.1:$admin$path" || true; done

kill -TERM "$collector"
wait "$collector" 2>/dev/null || true
if [ ! -s "$archive" ]; then
  echo "cds.sh: the collector wrote no archive:" >&2; cat "$work/collector.log" >&2; exit 1
fi
echo "cds.sh: $archive ($(( $(stat -c %s "$archive") / 1024 / 1024 )) MiB, $("$java" -version 2>&1 | head -1))"
