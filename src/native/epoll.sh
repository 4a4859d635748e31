#!/usr/bin/env bash
# The collector's epoll transport needs Netty's native library, which Netty unpacks into a temporary directory at
# start: the injected sidecar's root filesystem is read-only, so there is none. `mvn package` calls this after the
# Quarkus build: it puts the library beside the jars (target/quarkus-app/lib/native), where the collector loads it
# from (Transport.java), and the image copies it with lib/.
set -euo pipefail
app=${1:-target/quarkus-app}
jar=$(ls "$app"/lib/main/io.netty.netty-transport-native-epoll-*-linux-x86_64.jar 2>/dev/null | head -1 || true)
if [ -z "$jar" ]; then
  echo "no netty-transport-native-epoll linux-x86_64 jar in $app/lib/main: the collector would run on NIO" >&2
  exit 1
fi
rm -rf "$app/lib/native"
mkdir -p "$app/lib/native"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"
(cd "$work" && jar xf "$jar" META-INF/native/libnetty_transport_native_epoll_x86_64.so)
mv "$work/META-INF/native/libnetty_transport_native_epoll_x86_64.so" "$app/lib/native/"
