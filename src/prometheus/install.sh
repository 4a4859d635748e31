#!/usr/bin/env bash
# PrometheusSourceTest runs a real Prometheus server. `mvn verify` calls this before the tests: on the project's
# machines (Debian, as root) it installs Prometheus from Debian when it is missing; anywhere else it says, in one
# line, what is missing and how to get it, and the build stops there rather than in a stack trace.
set -euo pipefail
command -v prometheus >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing prometheus from Debian (PrometheusSourceTest needs a real server) ..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
  exit 0
fi
echo "prometheus is not on the PATH; PrometheusSourceTest needs it: apt-get install prometheus (Debian/Ubuntu) or a release from https://prometheus.io/download" >&2
exit 1
