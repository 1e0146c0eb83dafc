#!/usr/bin/env bash
# Builds the upstream tools the test suite runs (helm, kubeconform, etcd, kube-apiserver, promtool) from
# their Go modules, at the versions pinned by tools/go/<tool>/go.mod and go.sum, and two probes of our
# own: tls-roots (Go's TLS verification, standard library only) and flux-health (kustomize-controller's
# health checks, on the Flux libraries the controller pins).
#
# The binaries are cached per machine, keyed by this script, the pins and the Go version, in
#   ${TENANT_EDGE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tenant-edge/tools}/<key>/
# and .tools/bin in the project (ignored by git) is linked to that folder, so a fresh clone on a
# warm machine reuses the builds. A cold build takes about 15 minutes on 2 cores, most of it
# kube-apiserver; a warm one takes under a second.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if ! command -v go >/dev/null 2>&1; then
  echo "install-tools: Go is not installed; the test suite needs it to build helm, kubeconform, etcd and kube-apiserver" >&2
  exit 1
fi

# The version a tool module pins for a module path.
version_of() {
  awk -v m="$2" '$1 == m { print $2; exit }' "tools/go/$1/go.mod"
}

# Tools stamp their version at link time; without it Kubernetes reports v0.0.0-master.
kube_version=$(version_of kube-apiserver k8s.io/kubernetes)
kube_minor=$(echo "$kube_version" | cut -d. -f2)
kube_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_ldflags="$kube_ldflags -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor"
  kube_ldflags="$kube_ldflags -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

# tool name, module folder under tools/go, package to build, extra linker flags
tools=(
  "helm|helm|helm.sh/helm/v4/cmd/helm| -X helm.sh/helm/v4/internal/version.version=$(version_of helm helm.sh/helm/v4)"
  "kubeconform|kubeconform|github.com/yannh/kubeconform/cmd/kubeconform| -X main.version=$(version_of kubeconform github.com/yannh/kubeconform)"
  "etcd|etcd|go.etcd.io/etcd/server/v3|"
  "kube-apiserver|kube-apiserver|k8s.io/kubernetes/cmd/kube-apiserver|$kube_ldflags"
  "promtool|promtool|github.com/prometheus/prometheus/cmd/promtool| -X github.com/prometheus/common/version.Version=$(version_of promtool github.com/prometheus/prometheus)"
  "tls-roots|tls-roots|.|"
  "flux-health|flux-health|.|"
)

key=$( { go env GOVERSION GOOS GOARCH; cat scripts/install-tools.sh tools/go/*/go.mod tools/go/*/go.sum tools/go/*/*.go; } | sha256sum | cut -c1-16)
cache_root=${TENANT_EDGE_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tenant-edge/tools}
bin="$cache_root/$key/bin"
mkdir -p "$bin"

export GOTOOLCHAIN=local GOFLAGS=-mod=readonly CGO_ENABLED=0
for entry in "${tools[@]}"; do
  IFS='|' read -r name dir pkg ldflags <<<"$entry"
  if [ -x "$bin/$name" ]; then
    continue
  fi
  echo "install-tools: building $name ($pkg) ..." >&2
  start=$SECONDS
  tmp="$bin/.$name.$$"
  (cd "tools/go/$dir" && go build -trimpath -ldflags="-s -w$ldflags" -o "$tmp" "$pkg")
  mv -f "$tmp" "$bin/$name"
  echo "install-tools: built $name in $((SECONDS - start)) s" >&2
done

mkdir -p .tools
ln -sfn "$bin" .tools/bin.tmp
mv -Tf .tools/bin.tmp .tools/bin

# Prove each binary runs and say which version it is.
{
  echo "helm $(.tools/bin/helm version --template '{{.Version}}')"
  echo "kubeconform $(.tools/bin/kubeconform -v)"
  echo "etcd $(.tools/bin/etcd --version | head -n 1 | awk '{print $3}')"
  echo "kube-apiserver $(.tools/bin/kube-apiserver --version | awk '{print $2}')"
  echo "promtool $(.tools/bin/promtool --version 2>&1 | head -n 1 | awk '{print $3}')"
} >&2
