#!/usr/bin/env bash
# Builds the real control plane the cluster tests run against -- kube-apiserver, kube-controller-manager, kubectl
# and etcd -- from source through the Go module proxy, at the Kubernetes release pinned in go.mod next to this
# script, and caches them outside the work tree:
#
#   ${MM_KUBE_CACHE:-~/.cache/model-monitor/kube}/<version>/{etcd,kube-apiserver,kube-controller-manager,kubectl}
#
# A second run with the same inputs (go.mod, go.sum, cmd/, this script, the Go version) costs nothing. Prints the
# binaries' directory as its last line. Cold (nothing cached, every module downloaded) it took 7.5 minutes on
# 2 cores; see the README's "A real control plane".
set -euo pipefail
cd "$(dirname "$0")"

command -v go >/dev/null || { echo "build.sh: Go is required to build the control plane (https://go.dev/dl)" >&2; exit 1; }

version=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3} $1 == "k8s.io/kubernetes" && $2 ~ /^v/ {print $2}' go.mod | head -1)
[[ $version =~ ^v([0-9]+)\.([0-9]+)\.[0-9]+$ ]] || { echo "build.sh: no k8s.io/kubernetes release in go.mod" >&2; exit 1; }
major=${BASH_REMATCH[1]}
minor=${BASH_REMATCH[2]}

cache=${MM_KUBE_CACHE:-$HOME/.cache/model-monitor/kube}
out=$cache/$version
inputs=$( (cat go.mod go.sum build.sh; find cmd -type f -print0 | sort -z | xargs -0 cat; go version) | sha256sum | cut -c1-16)
binaries=(etcd kube-apiserver kube-controller-manager kubectl)

cached() {
  [[ -f $out/.inputs && $(cat "$out/.inputs") == "$inputs" ]] || return 1
  for b in "${binaries[@]}"; do [[ -x $out/$b ]] || return 1; done
}

if cached; then
  echo "control plane $version: cached" >&2
  echo "$out"
  exit 0
fi

echo "control plane $version: building kube-apiserver, kube-controller-manager, kubectl and etcd from source" \
  "(cold: about 8 minutes on 2 cores)" >&2
start=$(date +%s)
mkdir -p "$out"
tmp=$(mktemp -d "$cache/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The version stamps that Kubernetes' own build (hack/lib/version.sh) writes, so that /version, kubectl version
# and Helm's .Capabilities.KubeVersion see a real release instead of v0.0.0-master.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
GOFLAGS=-buildvcs=false CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl \
  ./cmd/etcd
for b in "${binaries[@]}"; do mv -f "$tmp/$b" "$out/$b"; done
echo "$inputs" > "$out/.inputs"
echo "control plane $version: built in $(( $(date +%s) - start )) s" >&2
echo "$out"
