#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing.
# Usage: scripts/install-deps.sh [build|test|all]   (default: all)
set -euo pipefail

# postgresql-server-dev-15: libpgcommon_shlib.a and libpgport_shlib.a, which
# the static libpq.a needs (package.sh links bootstrap statically).
build_packages=(
  g++ cmake make pkg-config ccache
  libssl-dev libpq-dev postgresql-server-dev-15 nlohmann-json3-dev zlib1g-dev
  libcpp-httplib-dev libjwt-dev
)
# libcurl4-openssl-dev: bench.sh builds the baseline commit, whose bootstrap
# still used libcurl; strace: files a cold start opens (cold_start_bench);
# python3-yaml, python3-jsonschema: tools/openapi/contract.py reads the OpenAPI
# document and checks exchanges with a JSON Schema 2020-12 validator;
# tests/infra/check_plan.py reads it too (python3-yaml), and run.sh converts it
# to JSON for /openapi.json (scripts/openapi-to-json.py); chromium: the docs
# page's headless browser test (tests/e2e docs.browser; playwright-core drives
# Debian's browser and never downloads one). Node.js and the npm tools come
# from scripts/install-npm-tools.sh.
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 postgresql-client-15
  curl zip unzip ca-certificates python3 binutils strace
  clang libclang-rt-14-dev libcurl4-openssl-dev python3-yaml python3-jsonschema
  chromium
)

case "${1:-all}" in
  build) wanted=("${build_packages[@]}") ;;
  test|all) wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "install-deps: missing packages and not root (no sudo): ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
