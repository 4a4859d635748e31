#!/usr/bin/env bash
# PrometheusSourceTest runs a real Prometheus server, AlertmanagerRoutingTest a real Prometheus and Alertmanager.
# `mvn verify` calls this before the tests: on the project's machines (Debian, as root) it installs them from Debian
# when they are missing; anywhere else it says, in one line, what is missing and how to get it, and the build stops
# there rather than in a stack trace.
set -euo pipefail
missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null || missing+=(prometheus-alertmanager)
[ ${#missing[@]} = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} from Debian (the tests need real servers) ..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "${missing[*]} not on the PATH; PrometheusSourceTest and AlertmanagerRoutingTest need them: apt-get install ${missing[*]} (Debian/Ubuntu) or releases from https://prometheus.io/download" >&2
exit 1
