#!/usr/bin/env python3
"""Checks on the offline plan of infra/ (terraform show -json of the ci.tfvars plan).

usage: check_plan.py PLAN.json [REPO_ROOT] [--tenant-isolation=on|off] [--tracing=on|off]

Asserts the security- and contract-relevant settings the issue asks for, so a
refactor of infra/ cannot silently drop them. The tenant-isolation header
mapping is checked against the plan's own tenant_isolation_mode variable;
--tenant-isolation also asserts which way the plan was made (infra_test.sh
plans both ways).
"""
import json
import pathlib
import re
import sys

failures = []


def as_bool(value):
    """A bool variable as the plan records it: true, or "true" when given with -var."""
    return value is True or value == "true"


def check(condition, message):
    if not condition:
        failures.append(message)


TENANT_HEADER = "integration.request.header.X-Amz-Tenant-Id"
TENANT_CLAIM = "context.authorizer.claims.custom:tenant_id"
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    if (not args or set(options) - {"tenant-isolation", "tracing"}
            or any(value not in ("on", "off") for value in options.values())):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    plan = json.loads(pathlib.Path(args[0]).read_text())
    root = pathlib.Path(args[1]) if len(args) > 1 else pathlib.Path(__file__).resolve().parents[2]
    variables = {k: v.get("value") for k, v in plan.get("variables", {}).items()}

    resources = {}
    for r in plan["resource_changes"]:
        if r.get("mode") == "data":
            continue
        resources[r["address"]] = r
        check(r["change"]["actions"] == ["create"], f"{r['address']}: expected create, got {r['change']['actions']}")

    def after(address):
        check(address in resources, f"missing resource {address}")
        return resources.get(address, {}).get("change", {}).get("after") or {}

    # Lambda: the zip's wrapper, OS-only runtime, in the VPC, JSON logs.
    fn = after("aws_lambda_function.api")
    check(fn.get("handler") == "bootstrap", "API function handler must be bootstrap")
    check(fn.get("runtime") == "provided.al2", "default runtime must be provided.al2")
    check(fn.get("architectures") == ["x86_64"], "architecture must be x86_64")
    check(fn.get("source_code_hash"), "source_code_hash must come from the zip")
    check(fn.get("logging_config", [{}])[0].get("log_format") == "JSON", "function logs must be JSON")
    check(fn.get("reserved_concurrent_executions") is not None, "reserved concurrency must be set (variable)")
    check(fn.get("vpc_config"), "function must be in the VPC")
    # X-Ray (README "Tracing"): opt-in; on = Active tracing on the function,
    # the permission to send segments, and the API stage traced.
    tracing_mode = variables.get("lambda_tracing_mode")
    check(tracing_mode in ("PassThrough", "Active"), f"lambda_tracing_mode must be PassThrough or Active, got {tracing_mode!r}")
    if "tracing" in options:
        want = "Active" if options["tracing"] == "on" else "PassThrough"
        check(tracing_mode == want, f"plan made with lambda_tracing_mode={tracing_mode}, expected {want}")
        check(as_bool(variables.get("api_xray_tracing")) is (options["tracing"] == "on"),
              f"plan made with api_xray_tracing={variables.get('api_xray_tracing')}")
    check((fn.get("tracing_config") or [{}])[0].get("mode") == tracing_mode,
          f"function tracing_config must follow lambda_tracing_mode: {fn.get('tracing_config')}")
    stages = [r for r in resources.values() if r.get("type") == "aws_api_gateway_stage"]
    check(stages, "no API Gateway stage")
    for stage in stages:
        check(bool(stage["change"]["after"].get("xray_tracing_enabled")) == as_bool(variables.get("api_xray_tracing")),
              f"{stage['address']}: xray_tracing_enabled must follow api_xray_tracing")
    # The role's policy is only known after apply, and the plan's JSON drops
    # dynamic blocks: check the source for the X-Ray statement, conditioned
    # on the tracing mode.
    lambda_tf = (root / "infra" / "lambda.tf").read_text()
    xray = re.search(r'dynamic "statement" \{\s*for_each\s*=\s*var\.lambda_tracing_mode == "Active"[^}]*?'
                     r'"xray:PutTraceSegments",\s*"xray:PutTelemetryRecords"', lambda_tf)
    check(xray is not None,
          "infra/lambda.tf must grant xray:PutTraceSegments and PutTelemetryRecords when lambda_tracing_mode is Active")
    mig = after("aws_lambda_function.migrate")
    check(mig.get("timeout") == 900, "migration function timeout must be 900 s")
    check(mig.get("reserved_concurrent_executions") == 1, "one migration at a time")

    # Log groups with retention.
    for address, r in resources.items():
        if r["type"] == "aws_cloudwatch_log_group":
            check((r["change"]["after"] or {}).get("retention_in_days", 0) > 0, f"{address}: retention")

    # API Gateway: authorizer on everything but /health and OPTIONS.
    methods = {a: r["change"]["after"] for a, r in resources.items() if r["type"] == "aws_api_gateway_method"}
    check(len(methods) == 4, f"expected 4 methods, got {sorted(methods)}")
    for address, m in methods.items():
        public = "health" in address or m["http_method"] == "OPTIONS"
        want = "NONE" if public else "COGNITO_USER_POOLS"
        check(m["authorization"] == want, f"{address}: authorization {m['authorization']}, want {want}")
    for address, r in resources.items():
        if r["type"] == "aws_api_gateway_integration":
            i = r["change"]["after"]
            check(i["type"] == "AWS_PROXY" and i["integration_http_method"] == "POST", f"{address}: proxy integration")

    # Tenant isolation (issue 16): with the mode on, every integration sets the
    # Invoke call's X-Amz-Tenant-Id, from the Cognito claim where there is an
    # authorizer and a fixed non-UUID tenant where there is none; off, no
    # integration sets it.
    # The plan records -var values as given (strings), defaults and tfvars typed.
    isolation = variables.get("tenant_isolation_mode")
    isolation = {"true": True, "false": False}.get(isolation, isolation) if isinstance(isolation, str) else isolation
    check(isinstance(isolation, bool), f"variable tenant_isolation_mode must be a bool, got {isolation!r}")
    if "tenant-isolation" in options:
        want_on = options["tenant-isolation"] == "on"
        check(isolation is want_on, f"plan made with tenant_isolation_mode={isolation}, expected {want_on}")
    public_tenant = variables.get("tenant_isolation_public_tenant_id")
    check(isinstance(public_tenant, str) and public_tenant and not UUID.match(public_tenant),
          f"tenant_isolation_public_tenant_id must be a non-empty non-UUID name, got {public_tenant!r}")
    integrations = {a: r for a, r in resources.items() if r["type"] == "aws_api_gateway_integration"}
    check(len(integrations) == len(methods), f"one integration per method: {sorted(integrations)}")
    for address, r in integrations.items():
        params = r["change"]["after"].get("request_parameters") or {}
        tenant_keys = [k for k in params if k.lower() == TENANT_HEADER.lower()]
        method = methods.get(f'aws_api_gateway_method.this["{r.get("index")}"]')
        check(method is not None, f"{address}: no method for this integration")
        if not isolation:
            check(not tenant_keys, f"{address}: maps X-Amz-Tenant-Id with tenant_isolation_mode off: {params}")
            continue
        check(tenant_keys == [TENANT_HEADER], f"{address}: tenant_isolation_mode on needs {TENANT_HEADER}: {params}")
        value = params.get(TENANT_HEADER)
        if method is not None and method["authorization"] == "COGNITO_USER_POOLS":
            check(value == TENANT_CLAIM, f"{address}: authorised route must send the caller's claim, got {value!r}")
        else:
            check(value == f"'{public_tenant}'",
                  f"{address}: public route must send the fixed tenant '{public_tenant}', got {value!r}")

    api = after("aws_api_gateway_rest_api.this")
    check("*/*" in (api.get("binary_media_types") or []), "binary media types must let gzip bodies through")
    auth = after("aws_api_gateway_authorizer.cognito")
    check(auth.get("type") == "COGNITO_USER_POOLS", "Cognito user pool authorizer")
    stage = after("aws_api_gateway_stage.this")
    check(stage.get("access_log_settings") and stage["access_log_settings"][0].get("format"), "stage access logging")
    settings = after("aws_api_gateway_method_settings.all").get("settings", [{}])[0]
    check(settings.get("throttling_rate_limit", 0) > 0 and settings.get("throttling_burst_limit", 0) > 0,
          "stage throttling")

    # Cognito: tenant and role claims, not writable by users.
    pool = after("aws_cognito_user_pool.this")
    names = {s["name"] for s in pool.get("schema", [])}
    check({"tenant_id", "role"} <= names, f"user pool custom attributes: {names}")
    check(pool.get("admin_create_user_config", [{}])[0].get("allow_admin_create_user_only") is True,
          "no self sign-up")
    client = after("aws_cognito_user_pool_client.web")
    check(client.get("generate_secret") is False, "public app client (no secret)")
    check(not any(a.startswith("custom:") for a in client.get("write_attributes") or []),
          "users must not write custom:tenant_id / custom:role")
    check({"custom:tenant_id", "custom:role"} <= set(client.get("read_attributes") or []), "claims readable")

    # Database: PostgreSQL 15, encrypted, private, TLS forced, behind a TLS proxy.
    db = after("aws_db_instance.this[0]")
    check(db.get("engine") == "postgres" and str(db.get("engine_version", "")).startswith("15"), "PostgreSQL 15")
    check(db.get("storage_encrypted") is True, "RDS storage encrypted")
    check(db.get("publicly_accessible") is False, "RDS not public")
    check(db.get("manage_master_user_password") is True, "RDS-managed master password")
    params = {p["name"]: p["value"] for p in after("aws_db_parameter_group.this[0]").get("parameter", [])}
    check(params.get("rds.force_ssl") == "1", "rds.force_ssl=1")
    proxy = after("aws_db_proxy.this[0]")
    check(proxy.get("require_tls") is True, "RDS Proxy requires TLS")
    check(proxy.get("engine_family") == "POSTGRESQL", "proxy engine family")
    check("aws_db_proxy_target.this[0]" in resources, "proxy target")
    secret_version = resources.get("aws_secretsmanager_secret_version.db_app[0]", {})
    check(secret_version, "app secret version")
    check((secret_version.get("change", {}).get("after") or {}).get("secret_string") in (None, ""),
          "app secret must be write-only (not in the plan/state)")
    subnets = [a for a in resources if a.startswith("aws_subnet.")]
    check(any("isolated" in a for a in subnets) and any("private" in a for a in subnets), "private + isolated subnets")

    # Alarms.
    metrics = {(r["change"]["after"]["namespace"], r["change"]["after"]["metric_name"])
               for r in resources.values() if r["type"] == "aws_cloudwatch_metric_alarm"}
    for want in [("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"), ("AWS/ApiGateway", "5XXError")]:
        check(want in metrics, f"alarm on {want}")

    # Outputs.
    outputs = plan.get("planned_values", {}).get("outputs", {})
    for name in ["api_url", "user_pool_id", "user_pool_client_id", "function_name", "migrate_function_name"]:
        check(name in outputs, f"output {name}")

    # Least privilege: no wildcard actions in any policy document.
    config = plan["configuration"]["root_module"]
    for res in config.get("resources", []):
        if res.get("type") != "aws_iam_policy_document":
            continue
        text = json.dumps(res.get("expressions", {}))
        for action in re.findall(r'"([a-z0-9-]+:[A-Za-z*]+)"', text):
            check("*" not in action, f"{res['address']}: wildcard action {action}")

    # Every variable the API function gets is in README.md's configuration table.
    readme = root / "README.md"
    main_tf = (root / "infra" / "main.tf").read_text()
    block = main_tf[main_tf.index("api_environment = merge("):main_tf.index("migrate_environment = merge(")]
    env_names = set(re.findall(r"^\s*\{?\s*([A-Z][A-Z0-9_]+)\s*=", block, re.M))
    check(env_names, "no environment variables found in infra/main.tf")
    if readme.exists():
        table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", readme.read_text(), re.M))
        table |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", "\n".join(
            line for line in readme.read_text().splitlines() if line.startswith("| `"))))
        unknown = sorted(env_names - table)
        check(not unknown, f"infra sets variables missing from README's configuration table: {unknown}")

    if failures:
        for f in failures:
            print(f"FAIL: {f}")
        return 1
    print(f"ok: plan checks ({len(resources)} resources; tenant isolation {'on' if isolation else 'off'}; "
          f"tracing {tracing_mode}; "
          f"function env: {', '.join(sorted(env_names))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
