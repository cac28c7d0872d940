#!/usr/bin/env bash
# Offline checks of infra/ (Terraform, hashicorp/aws 5.x):
#   infra_test.sh fmt        terraform fmt -check -recursive
#   infra_test.sh validate   init -plugin-dir + validate
#   infra_test.sh plan       init + plan -var-file=ci.tfvars -refresh=false, no AWS call,
#                            twice: as ci.tfvars has it, and with the opt-ins on
#                            (tenant_isolation_mode=true, X-Ray tracing Active) and
#                            the gateway's body validation off
# Each runs on a copy of infra/ (and openapi/, which api.tf reads) in a temp
# dir: nothing (.terraform/, lock file, state) is written into the tree. Exit 77
# (skipped) only when terraform or the provider directory is missing.
set -euo pipefail

readonly HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly ROOT=$(cd "$HERE/../.." && pwd)
readonly INFRA=$ROOT/infra
readonly PLUGIN_DIR=${SHOPPULSE_TF_PLUGIN_DIR:-/opt/tf-plugins}
# check_plan.py reads openapi/openapi.yaml: Debian's python3 has python3-yaml
# (scripts/install-deps.sh test).
PYTHON=$(command -v /usr/bin/python3 || command -v python3)
readonly PYTHON

# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

command -v terraform >/dev/null 2>&1 || skip "terraform is not installed"
[[ -d $PLUGIN_DIR/registry.terraform.io/hashicorp/aws ]] \
  || skip "no hashicorp/aws provider under $PLUGIN_DIR (offline plugin directory)"

work=$(mktemp -d /tmp/shoppulse-infra.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -a "$INFRA" "$work/infra"
# infra/api.tf reads the API contract from ../openapi/openapi.yaml.
cp -a "$ROOT/openapi" "$work/openapi"
rm -rf "$work/infra/.terraform" "$work/infra/.terraform.lock.hcl" "$work/infra"/*.tfstate* "$work/infra/backend.tf"
cd "$work/infra"

# Nothing may reach the network: no checkpoint, no registry, no IMDS, no
# user-level CLI configuration (credentials helpers, mirrors).
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 AWS_EC2_METADATA_DISABLED=true
export TF_CLI_CONFIG_FILE=$work/terraformrc TF_DATA_DIR=$work/infra/.terraform
: >"$TF_CLI_CONFIG_FILE"
unset TF_PLUGIN_CACHE_DIR TF_WORKSPACE TF_LOG
for v in $(env | grep -oE '^TF_VAR_[A-Za-z0-9_]+' || true); do unset "$v"; done
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

tf_init() {
  terraform init -input=false -backend=false -plugin-dir="$PLUGIN_DIR" >"$work/init.log" 2>&1 \
    || { cat "$work/init.log" >&2; fail "terraform init -plugin-dir=$PLUGIN_DIR failed"; }
  echo "ok: terraform init -plugin-dir=$PLUGIN_DIR"
}

case ${1:-} in
  fmt)
    terraform fmt -check -recursive -diff . || fail "terraform fmt -check: run 'terraform fmt -recursive infra'"
    echo "ok: terraform fmt -check -recursive"
    ;;
  validate)
    tf_init
    terraform validate -no-color || fail "terraform validate"
    ;;
  plan)
    tf_init
    # A stand-in for dist/shoppulse-api.zip (ci.tfvars points here).
    printf '#!/bin/sh\nexit 1\n' >bootstrap
    python3 - <<'PY'
import zipfile
with zipfile.ZipFile("placeholder.zip", "w") as z:
    info = zipfile.ZipInfo("bootstrap", date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o755 << 16
    z.writestr(info, open("bootstrap").read())
PY
    # check_plan.py checks the tenant-isolation header mapping against the
    # plan's own tenant_isolation_mode, and that the plan was made that way;
    # and the imported OpenAPI document against openapi/openapi.yaml.
    plan_and_check() {
      local name=$1 isolation=$2 tracing=$3
      shift 3
      terraform plan -input=false -no-color -lock=false -refresh=false -var-file=ci.tfvars "$@" -out="$work/$name.tfplan" \
        >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; fail "offline terraform plan ($name)"; }
      grep -E '^Plan:' "$work/$name.log" || fail "no Plan: line ($name)"
      if grep -E '^(Warning|Error):|│ (Warning|Error):' "$work/$name.log"; then
        cat "$work/$name.log" >&2
        fail "plan printed warnings or errors ($name)"
      fi
      terraform show -json "$work/$name.tfplan" >"$work/$name.json"
      # The OpenAPI document API Gateway imports (api.tf: local.api_definition,
      # the function and user pool ARNs still placeholders). The planned body
      # is unknown until those exist; this is the same document, known now.
      echo 'base64encode(jsonencode({ definition = local.api_definition, placeholders = local.api_arn_placeholders }))' \
        | terraform console -var-file=ci.tfvars "$@" 2>"$work/$name.console.log" | tr -d '"\n' | base64 -d >"$work/$name.api.json" \
        || { cat "$work/$name.console.log" >&2; fail "terraform console: local.api_definition ($name)"; }
      "$PYTHON" "$HERE/check_plan.py" "$work/$name.json" --api-definition="$work/$name.api.json" \
        --tenant-isolation="$isolation" --tracing="$tracing" || fail "plan content checks ($name)"
    }
    plan_and_check ci off off
    # The opt-ins together: tenant isolation and X-Ray tracing; and the
    # opt-out of API Gateway's body validation (params-only everywhere).
    plan_and_check ci-opt-ins on on -var=tenant_isolation_mode=true -var=lambda_tracing_mode=Active -var=api_xray_tracing=true \
      -var=api_request_body_validation=false
    # The plan was made on the copy; the tree is untouched.
    [[ ! -e $INFRA/.terraform && ! -e $INFRA/.terraform.lock.hcl && ! -e $INFRA/terraform.tfstate ]] \
      || echo "note: $INFRA has .terraform/ or state from a manual run (not from this test)"
    ;;
  *)
    sed -n '2,11p' "$HERE/$(basename "$0")" >&2
    exit 2
    ;;
esac
