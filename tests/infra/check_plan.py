#!/usr/bin/env python3
"""Checks on the offline plan of infra/ (terraform show -json of the ci.tfvars plan).

usage: check_plan.py PLAN.json [REPO_ROOT] --api-definition=API.json [--tenant-isolation=on|off] [--tracing=on|off]

Asserts the security- and contract-relevant settings the issue asks for, so a
refactor of infra/ cannot silently drop them. The tenant-isolation header
mapping is checked against the plan's own tenant_isolation_mode variable;
--tenant-isolation also asserts which way the plan was made (infra_test.sh
plans both ways).

API.json is {"definition": local.api_definition, "placeholders":
local.api_arn_placeholders} from `terraform console` (infra_test.sh): the
OpenAPI document the REST API imports, with the function's and the user
pool's ARNs still placeholders (in a plan that creates them, the body itself
is unknown). It is checked against REPO_ROOT/openapi/openapi.yaml: the same
routes, every operation integrated with the function through the right
validator, the authorizer exactly where the contract wants a token, the
gateway responses in the contract's error envelope, and no JSON Schema
keyword API Gateway's draft-4 models cannot take.
"""
import json
import pathlib
import re
import sys

try:
    import jsonschema
    import yaml
except ImportError:  # Debian: python3-yaml, python3-jsonschema (scripts/install-deps.sh test)
    print("check_plan.py needs python3-yaml and python3-jsonschema", file=sys.stderr)
    sys.exit(2)

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


# ---------------------------------------------------------------- the REST API's OpenAPI body

OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COGNITO_SCHEME = "CognitoUserPool"
VALIDATORS = {
    "params-only": {"validateRequestParameters": True, "validateRequestBody": False},
    "all": {"validateRequestParameters": True, "validateRequestBody": True},
}
# The six gateway responses issue 19 asks for: status (None = the type's own)
# and error code (the contract's: bad_request is its code for the gateway's
# catch-all).
REQUIRED_GATEWAY_RESPONSES = {
    "BAD_REQUEST_BODY": ("400", "validation_failed"),
    "BAD_REQUEST_PARAMETERS": ("400", "validation_failed"),
    "UNAUTHORIZED": ("401", "unauthorized"),
    "ACCESS_DENIED": ("403", "forbidden"),
    "DEFAULT_4XX": (None, "bad_request"),
    "DEFAULT_5XX": (None, "internal_error"),
}
# OpenAPI 3.1 members API Gateway's 3.0 import does not know.
TOP_LEVEL_31_ONLY = ("jsonSchemaDialect", "webhooks", "$schema")
# Keywords a model (a request-body schema, JSON Schema draft 4 at API
# Gateway) must not use: JSON Schema 2019-09/2020-12 only, or listed as
# unsupported in API Gateway's "Important notes for REST APIs".
MODEL_KEYWORDS_REFUSED = {
    "const": "draft 6+ (use enum: [value])",
    "examples": "draft 6+ / OpenAPI 3.1 (put examples on the media type)",
    "prefixItems": "2020-12", "$defs": "2019-09+ (use components.schemas)",
    "dependentRequired": "2019-09+", "dependentSchemas": "2019-09+",
    "unevaluatedProperties": "2019-09+", "unevaluatedItems": "2019-09+",
    "if": "draft 7+", "then": "draft 7+", "else": "draft 7+",
    "$id": "not in a model", "$schema": "not in a model", "$anchor": "2019-09+",
    "$dynamicRef": "2020-12", "$dynamicAnchor": "2020-12", "$vocabulary": "2019-09+", "$comment": "draft 7+",
    "contentEncoding": "draft 7+", "contentMediaType": "draft 7+", "contentSchema": "2019-09+",
    "propertyNames": "draft 6+", "contains": "draft 6+", "minContains": "2019-09+", "maxContains": "2019-09+",
    "exclusiveMinimum": "unsupported by API Gateway (and a number, not draft 4's boolean, in 3.1)",
    "exclusiveMaximum": "unsupported by API Gateway (and a number, not draft 4's boolean, in 3.1)",
    "oneOf": "unsupported in API Gateway models", "anyOf": "unsupported in API Gateway models",
    "discriminator": "unsupported by API Gateway", "readOnly": "unsupported by API Gateway",
    "example": "unsupported by API Gateway",
}
SCHEMA_REF = re.compile(r"^#/components/schemas/([A-Za-z0-9]+)$")


def operations(paths):
    """{(path, method): operation} of an OpenAPI paths object."""
    return {(path, method): op for path, item in (paths or {}).items()
            for method, op in (item or {}).items() if method in OPERATIONS}


def schemes(security):
    return {name for requirement in security or [] for name in requirement}


def model_problems(schema, where, models, problems):
    """Keywords of one request model (recursively) API Gateway cannot take."""
    if not isinstance(schema, dict):
        problems.append(f"{where}: a schema must be an object")
        return
    if "$ref" in schema:
        ref = schema["$ref"]
        match = SCHEMA_REF.match(ref) if isinstance(ref, str) else None
        if not match:
            problems.append(f"{where}: $ref {ref!r} is not #/components/schemas/<alphanumeric name>")
        elif match.group(1) not in models:
            problems.append(f"{where}: $ref {ref} is not among the models the body carries (api_model_names depth)")
        siblings = sorted(set(schema) - {"$ref", "description", "title"})
        if siblings:
            problems.append(f"{where}: {siblings} next to $ref are ignored by draft 4 (wrap them in allOf)")
    for keyword, value in schema.items():
        if keyword in MODEL_KEYWORDS_REFUSED:
            problems.append(f"{where}: `{keyword}`: {MODEL_KEYWORDS_REFUSED[keyword]}")
        elif keyword == "format" and value in ("int32", "int64", "decimal") and schema.get("type") == "number":
            problems.append(f"{where}: format {value} on a number is unsupported by API Gateway")
        elif keyword in ("required", "enum") and isinstance(value, list) and not value:
            problems.append(f"{where}: empty `{keyword}` is invalid in draft 4")
        elif keyword == "type":
            types = value if isinstance(value, list) else [value]
            bad = [t for t in types if t not in ("string", "number", "integer", "boolean", "object", "array", "null")]
            if bad or (isinstance(value, list) and len(set(value)) != len(value)):
                problems.append(f"{where}: type {value!r}")
    for keyword in ("properties", "patternProperties", "definitions"):
        for name, sub in (schema.get(keyword) or {}).items():
            model_problems(sub, f"{where}/{keyword}/{name}", models, problems)
    for keyword in ("additionalProperties", "additionalItems", "not"):
        if isinstance(schema.get(keyword), dict):
            model_problems(schema[keyword], f"{where}/{keyword}", models, problems)
    items = schema.get("items")
    for i, sub in enumerate(items if isinstance(items, list) else [items] if items is not None else []):
        model_problems(sub, f"{where}/items" + (f"/{i}" if isinstance(items, list) else ""), models, problems)
    for keyword in ("allOf",):
        for i, sub in enumerate(schema.get(keyword) or []):
            model_problems(sub, f"{where}/{keyword}/{i}", models, problems)


def all_refs(value, where="#"):
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == "$ref":
                yield where, sub
            else:
                yield from all_refs(sub, f"{where}/{key}")
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from all_refs(sub, f"{where}/{i}")


def resolved_parameters(contract, path, op):
    """The contract's parameters of one operation: path-level and own, $ref resolved, by (in, name)."""
    found = {}
    for p in (contract["paths"][path].get("parameters") or []) + (op.get("parameters") or []):
        if "$ref" in p:
            p = contract.get("components", {}).get("parameters", {}).get(p["$ref"].rsplit("/", 1)[-1], p)
        found[(p.get("in"), p.get("name"))] = p
    return found


def check_api(definition, placeholders, contract, plan, resources, variables, isolation, public_tenant,
              body_validation):
    """The REST API's OpenAPI body (api.tf's local.api_definition) against openapi/openapi.yaml."""
    lambda_uri = placeholders["lambda_invoke_arn"]
    pool_arn = placeholders["user_pool_arn"]

    # The REST API resource: imported from the body, overwrite mode, the real
    # ARNs swapped in for the placeholders.
    api = (resources.get("aws_api_gateway_rest_api.this") or {}).get("change", {})
    after, unknown = api.get("after") or {}, api.get("after_unknown") or {}
    check((after.get("endpoint_configuration") or [{}])[0].get("types") == ["REGIONAL"], "REST API: REGIONAL endpoint")
    if isinstance(after.get("body"), str):  # known when the function and pool already exist
        body = json.loads(after["body"])
        check(set(operations(body.get("paths"))) == set(operations(definition["paths"])),
              "the planned body's routes differ from local.api_definition's")
    else:
        check(unknown.get("body") is True, "REST API: no body")
    config = {r["address"]: r for r in plan["configuration"]["root_module"].get("resources", [])}
    expressions = config.get("aws_api_gateway_rest_api.this", {}).get("expressions", {})
    # The provider plans put_rest_api_mode as null on create: read the configuration.
    check(expressions.get("put_rest_api_mode", {}).get("constant_value") == "overwrite",
          "REST API: put_rest_api_mode must be overwrite (the body is the whole API)")
    body_refs = set(expressions.get("body", {}).get("references", []))
    for ref in ("local.api_definition", "aws_lambda_function.api.invoke_arn", "aws_cognito_user_pool.this.arn",
                "local.api_arn_placeholders.lambda_invoke_arn", "local.api_arn_placeholders.user_pool_arn"):
        check(ref in body_refs, f"REST API body must be built from {ref} (references: {sorted(body_refs)})")
    triggers = json.dumps(config.get("aws_api_gateway_deployment.this", {}).get("expressions", {}).get("triggers", {}))
    check("aws_api_gateway_rest_api.this.body" in triggers, "the deployment must be triggered by the REST API's body")

    # Top level: 3.0.1, nothing 3.1-only, API Gateway's extensions.
    check(definition.get("openapi") == "3.0.1", f"body: openapi {definition.get('openapi')!r}, API Gateway needs 3.0.1")
    for key in TOP_LEVEL_31_ONLY:
        check(key not in definition, f"body: 3.1-only member {key}")
    check("summary" not in definition.get("info", {}), "body: info.summary is 3.1-only")
    check("identifier" not in (definition.get("info", {}).get("license") or {}), "body: info.license.identifier is 3.1-only")
    check("pathItems" not in definition.get("components", {}), "body: components.pathItems is 3.1-only")
    check(definition.get("info", {}).get("title") == variables.get("name"), "body: info.title must be var.name (the import renames the API)")
    check(definition.get("x-amazon-apigateway-request-validators") == VALIDATORS,
          f"body: request validators must be exactly {VALIDATORS}")
    check(definition.get("x-amazon-apigateway-binary-media-types") == variables.get("api_binary_media_types"),
          "body: binary media types must equal api_binary_media_types")
    check(definition.get("x-amazon-apigateway-endpoint-configuration") == {"types": ["REGIONAL"]}, "body: REGIONAL endpoint")

    # The Cognito authorizer.
    scheme = definition.get("components", {}).get("securitySchemes", {}).get(COGNITO_SCHEME) or {}
    check((scheme.get("type"), scheme.get("in"), scheme.get("name")) == ("apiKey", "header", "Authorization"),
          f"body: {COGNITO_SCHEME} must be an apiKey in the Authorization header")
    check(scheme.get("x-amazon-apigateway-authtype") == "cognito_user_pools", f"body: {COGNITO_SCHEME} authtype")
    check(scheme.get("x-amazon-apigateway-authorizer") == {"type": "cognito_user_pools", "providerARNs": [pool_arn]},
          f"body: {COGNITO_SCHEME} must be the user pool's Cognito authorizer: {scheme.get('x-amazon-apigateway-authorizer')}")

    # Routes: exactly the contract's (path x method).
    contract_ops, body_ops = operations(contract.get("paths")), operations(definition.get("paths"))
    missing, extra = sorted(set(contract_ops) - set(body_ops)), sorted(set(body_ops) - set(contract_ops))
    check(not missing and not extra,
          f"body routes differ from openapi/openapi.yaml: missing {missing}, not in the contract {extra}")
    check(contract_ops, "openapi/openapi.yaml has no operations")
    for path in contract.get("paths") or {}:
        check((path, "options") in contract_ops, f"openapi/openapi.yaml: {path} has no options operation (CORS preflight)")

    # Every operation: the function, the validator, the authorizer where the
    # contract wants a token (and only /health and the preflights without).
    tenant_header = TENANT_HEADER
    for route in sorted(set(contract_ops) & set(body_ops)):
        path, method = route
        name = f"{method.upper()} {path}"
        cop, op = contract_ops[route], body_ops[route]
        integration = op.get("x-amazon-apigateway-integration") or {}
        for key, want in (("type", "aws_proxy"), ("httpMethod", "POST"), ("uri", lambda_uri),
                          ("timeoutInMillis", 29000), ("passthroughBehavior", "when_no_match")):
            check(integration.get(key) == want, f"{name}: integration {key} {integration.get(key)!r}, want {want!r}")
        want_validator = "all" if "requestBody" in cop and body_validation else "params-only"
        check(op.get("x-amazon-apigateway-request-validator") == want_validator,
              f"{name}: validator {op.get('x-amazon-apigateway-request-validator')!r}, want {want_validator!r}")
        check(op.get("requestBody") == cop.get("requestBody"), f"{name}: requestBody differs from the contract's")

        contract_schemes = schemes(cop.get("security", contract.get("security", [])))
        public = not contract_schemes
        should_be_public = path == "/health" and method == "get" or method == "options"
        check(public == should_be_public,
              f"openapi/openapi.yaml: {name} is {'public' if public else 'authorised'}; only GET /health and "
              f"OPTIONS (preflight) may go without a token")
        check(contract_schemes <= {COGNITO_SCHEME}, f"{name}: unknown security schemes {contract_schemes}")
        check("security" in op, f"{name}: security must be explicit in the body")
        want_security = [] if public else [{COGNITO_SCHEME: []}]
        check(op.get("security") == want_security, f"{name}: security {op.get('security')!r}, want {want_security!r}")

        params = integration.get("requestParameters") or {}
        tenant_keys = [k for k in params if k.lower() == tenant_header.lower()]
        if not isolation:
            check(not tenant_keys, f"{name}: maps X-Amz-Tenant-Id with tenant_isolation_mode off: {params}")
        else:
            want = f"'{public_tenant}'" if public else TENANT_CLAIM
            check(params == {tenant_header: want}, f"{name}: tenant_isolation_mode on needs {tenant_header} = {want}: {params}")

        want_params = resolved_parameters(contract, path, cop)
        got_params = {(p.get("in"), p.get("name")): p for p in op.get("parameters") or []}
        check(set(got_params) == set(want_params),
              f"{name}: parameters {sorted(got_params)}, the contract has {sorted(want_params)}")
        for key in set(got_params) & set(want_params):
            check(bool(got_params[key].get("required")) == bool(want_params[key].get("required")),
                  f"{name}: parameter {key} required differs from the contract")
        check(set(op.get("responses") or {}) == set(cop.get("responses") or {}), f"{name}: response statuses differ")

    # References: only to models the body carries; models draft-4 clean.
    models = definition.get("components", {}).get("schemas") or {}
    for name in models:
        check(re.fullmatch(r"[A-Za-z0-9]+", name), f"model name {name!r}: API Gateway wants alphanumeric names")
    for where, ref in all_refs(definition):
        check(isinstance(ref, str) and SCHEMA_REF.match(ref) and SCHEMA_REF.match(ref).group(1) in models,
              f"body {where}: $ref {ref!r} does not name a model the body carries")
    problems = []
    for name, schema in models.items():
        model_problems(schema, f"#/components/schemas/{name}", models, problems)
    for route, op in body_ops.items():
        for media, content in ((op.get("requestBody") or {}).get("content") or {}).items():
            if "schema" in content:
                model_problems(content["schema"], f"{route[1].upper()} {route[0]} requestBody {media}", models, problems)
    for problem in problems:
        check(False, f"request model: {problem}")

    # Gateway responses: the contract's error envelope (validated against its
    # ErrorEnvelope schema, with API Gateway's substitutions), its codes, CORS.
    enum = set(contract.get("components", {}).get("schemas", {}).get("ErrorCode", {}).get("enum") or [])
    check(enum, "openapi/openapi.yaml: no components.schemas.ErrorCode enum")
    check("ErrorEnvelope" in contract.get("components", {}).get("schemas", {}),
          "openapi/openapi.yaml: no components.schemas.ErrorEnvelope")
    envelope = jsonschema.Draft202012Validator(
        {"$ref": "#/components/schemas/ErrorEnvelope", "components": contract.get("components", {})})
    responses = definition.get("x-amazon-apigateway-gateway-responses") or {}
    for kind in REQUIRED_GATEWAY_RESPONSES:
        check(kind in responses, f"gateway response {kind} is missing")
    origins = variables.get("cors_allow_origins") or []
    for kind, response in responses.items():
        template = (response.get("responseTemplates") or {}).get("application/json")
        try:
            # messageString is substituted as a quoted JSON string, every
            # other $context variable as it is.
            body = json.loads(template.replace("$context.error.messageString", '"Invalid request body"'))
            error = body["error"]
        except (AttributeError, ValueError, KeyError, TypeError):
            check(False, f"gateway response {kind}: application/json template is not the error envelope: {template!r}")
            continue
        problems = sorted(e.message for e in envelope.iter_errors(body))
        check(not problems, f"gateway response {kind}: not the contract's ErrorEnvelope: {problems}")
        check({"code", "message", "requestId"} <= set(error) <= {"code", "message", "requestId", "details"},
              f"gateway response {kind}: keys {sorted(error)}")
        if error.get("code") == "validation_failed":
            check(isinstance(error.get("details"), str), f"gateway response {kind}: details must say what was wrong")
        check("$context.error.validationErrorString" not in template,
              f"gateway response {kind}: validationErrorString is not JSON-escaped, it can break the body")
        check(error.get("code") in enum, f"gateway response {kind}: code {error.get('code')!r} not in the contract's ErrorCode")
        check(isinstance(error.get("message"), str) and error.get("message"), f"gateway response {kind}: message")
        check(error.get("requestId") == "$context.requestId", f"gateway response {kind}: requestId must be $context.requestId")
        status, code = REQUIRED_GATEWAY_RESPONSES.get(kind, (response.get("statusCode"), None))
        check(response.get("statusCode") == status, f"gateway response {kind}: status {response.get('statusCode')!r}, want {status!r}")
        if code:
            check(error.get("code") == code, f"gateway response {kind}: code {error.get('code')!r}, want {code!r}")
        headers = response.get("responseParameters") or {}
        allow_origin = headers.get("gatewayresponse.header.Access-Control-Allow-Origin")
        if len(origins) == 1:
            check(allow_origin == f"'{origins[0]}'", f"gateway response {kind}: CORS origin {allow_origin!r}")
        else:
            check(allow_origin is None, f"gateway response {kind}: CORS origin with {len(origins)} origins configured")
    return (f"{len(body_ops)} operations, {len(models)} models, {len(responses)} gateway responses, "
            f"body validation {'on' if body_validation else 'off'}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    api_definition_path = options.pop("api-definition", None)
    if (not args or not api_definition_path or set(options) - {"tenant-isolation", "tracing"}
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

    # Tenant isolation (issue 16): with the mode on, every integration sets the
    # Invoke call's X-Amz-Tenant-Id, from the Cognito claim where there is an
    # authorizer and a fixed non-UUID tenant where there is none; off, no
    # integration sets it (checked per operation in check_api below).
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

    # API Gateway: the REST API is imported from the OpenAPI document; the
    # per-route resources of the stack before issue 19 are gone.
    for kind in ("aws_api_gateway_resource", "aws_api_gateway_method", "aws_api_gateway_integration",
                 "aws_api_gateway_authorizer", "aws_api_gateway_gateway_response", "aws_api_gateway_model",
                 "aws_api_gateway_request_validator"):
        extra = sorted(a for a, r in resources.items() if r["type"] == kind)
        check(not extra, f"the REST API comes from its OpenAPI body; unexpected {extra}")
    bundle = json.loads(pathlib.Path(api_definition_path).read_text())
    contract = yaml.safe_load((root / "openapi" / "openapi.yaml").read_text())
    body_validation = as_bool(variables.get("api_request_body_validation", True))
    api_summary = check_api(bundle["definition"], bundle["placeholders"], contract, plan, resources, variables,
                            isolation, public_tenant, body_validation)

    api = after("aws_api_gateway_rest_api.this")
    check("*/*" in (api.get("binary_media_types") or []), "binary media types must let gzip bodies through")
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
    print(f"ok: plan checks ({len(resources)} resources; API: {api_summary}; "
          f"tenant isolation {'on' if isolation else 'off'}; "
          f"tracing {tracing_mode}; "
          f"function env: {', '.join(sorted(env_names))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
