#!/usr/bin/env bash
# ctest openapi.lint: Redocly CLI lints the contract with the repo's rules
# (openapi/redocly.yaml: every rule an error or off, exceptions in
# openapi/.redocly.lint-ignore.yaml). Any error fails the test. The CLI is the
# pinned one of tools/npm, which ./test.sh installs first
# (scripts/install-npm-tools.sh): missing, it is a failure, not a skip.
#   openapi_lint_test.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly ROOT
# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"
cd "$ROOT"

readonly REDOCLY=tools/npm/node_modules/.bin/redocly
[[ -x $REDOCLY ]] || fail "$REDOCLY is missing: run scripts/install-npm-tools.sh (./test.sh does)"

# No usage data and no version check: the lint is offline.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
"$REDOCLY" lint openapi/openapi.yaml --config openapi/redocly.yaml --format=codeframe ||
  fail "redocly lint found errors in openapi/openapi.yaml (see above)"
