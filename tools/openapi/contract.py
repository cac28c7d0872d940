#!/usr/bin/python3
"""Checks the code against the OpenAPI contract (openapi/openapi.yaml).

  contract.py exchanges --spec SPEC FILE_OR_DIR...   every recorded exchange obeys the document
  contract.py routes --spec SPEC --route-table CMD   the router serves exactly the document's operations
  contract.py examples --spec SPEC                   every example in the document obeys its own schema

An exchange is one JSON line, as tools/replay (--exchanges) and the API tests
(SHOPPULSE_CONTRACT_EXCHANGES_DIR) write them:
  {"source": "...", "event": <API Gateway proxy event>, "response": <the function's proxy response>}
  or "functionError" instead of "response" when the function failed the invocation.

For each exchange the request is checked against its operation (path and
query parameters, claims, body with duplicate members refused) and the
response against the operation's entry for its status: an undocumented
status, body field, error code or significant header is a failure. A request
the document calls invalid must get a 4xx; a request that got a 2xx must be
one the document allows. Requests outside the document must get the router's
404 / 405 envelope.

Uses Debian's python3-yaml and python3-jsonschema (Draft 2020-12).
Exit status: 0 clean, 1 violations, 2 usage or input error.
"""

import argparse
import base64
import gzip
import json
import pathlib
import re
import subprocess
import sys
import urllib.parse

import jsonschema
import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Response headers whose presence is part of the contract: one the document
# does not list for that response is drift.
SIGNIFICANT_HEADERS = re.compile(
    r"^(location|retry-after|allow|content-encoding|cache-control|vary|www-authenticate|access-control-.*)$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ROLES = ("admin", "analyst", "viewer")


class DuplicateMember(ValueError):
    pass


def strict_json(text):
    """json.loads that refuses duplicate member names and NaN/Infinity, as the API does."""

    def pairs(items):
        seen = {}
        for key, value in items:
            if key in seen:
                raise DuplicateMember(f"duplicate member {key!r}")
            seen[key] = value
        return seen

    def constant(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)


# --- the document -----------------------------------------------------------


class Spec:
    def __init__(self, path):
        self.path = pathlib.Path(path)
        with open(self.path, encoding="utf-8") as handle:
            self.raw = yaml.safe_load(handle)
        if not str(self.raw.get("openapi", "")).startswith("3.1"):
            raise SystemExit(f"contract: {path} is not an OpenAPI 3.1 document")
        self.doc = self.resolve(self.raw)
        self.global_security = self.doc.get("security", [])
        self.templates = []  # (regex, template, path item)
        for template, item in self.doc["paths"].items():
            pattern = "^" + re.sub(r"\\{([^/}]+)\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            self.templates.append((re.compile(pattern), template, item))

    def lookup(self, pointer):
        if not pointer.startswith("#/"):
            raise SystemExit(f"contract: only local $ref are supported, not {pointer}")
        node = self.raw
        for part in pointer[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def resolve(self, node, stack=()):
        """The document with every local $ref replaced by its target. A $ref
        with sibling keywords (3.1) keeps both: allOf for schemas, merge else."""
        if isinstance(node, list):
            return [self.resolve(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            pointer = node["$ref"]
            if pointer in stack:
                raise SystemExit(f"contract: recursive $ref {pointer}")
            target = self.resolve(self.lookup(pointer), stack + (pointer,))
            siblings = {k: self.resolve(v, stack) for k, v in node.items() if k != "$ref"}
            if not siblings:
                return target
            if "/schemas/" in pointer:
                return {"allOf": [target], **siblings}
            return {**target, **siblings}
        return {key: self.resolve(value, stack) for key, value in node.items()}

    def operations(self):
        for template, item in self.doc["paths"].items():
            for method in METHODS:
                if method in item:
                    yield template, method, item[method], item

    def match(self, path):
        for regex, template, item in self.templates:
            found = regex.match(path)
            if found:
                return template, item, found.groupdict()
        return None


def validator(schema):
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def schema_errors(schema, value):
    return sorted(
        ("/".join(str(p) for p in error.absolute_path) or "(root)") + ": " + error.message
        for error in validator(schema).iter_errors(value))


def coerce(schema, text):
    """A query/path/header string as the type its schema wants, when it parses."""
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types and re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if "number" in types and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", text):
        return float(text)
    if "boolean" in types and text in ("true", "false"):
        return text == "true"
    return text


# --- the request, as the function sees it -----------------------------------


class Request:
    """What the contract is about, taken out of an API Gateway event."""

    def __init__(self, event):
        self.problems = []  # why the event itself is unusable
        context = event.get("requestContext") or {}
        if event.get("version") == "2.0" and isinstance(context.get("http"), dict):
            self.format = "v2"
            self.method = str(context["http"].get("method", "")).upper()
            self.path = event.get("rawPath") or context["http"].get("path") or ""
            self.query = {}
            for key, value in urllib.parse.parse_qsl(event.get("rawQueryString") or "", keep_blank_values=True):
                self.query.setdefault(key, []).append(value)
            self.headers = {k.lower(): [str(v)] for k, v in (event.get("headers") or {}).items() if v is not None}
            authorizer = context.get("authorizer") or {}
            self.claims = ((authorizer.get("jwt") or {}).get("claims")) or {}
        else:
            self.format = "v1"
            self.method = str(event.get("httpMethod", "")).upper()
            self.path = event.get("path") or ""
            multi = event.get("multiValueQueryStringParameters")
            single = event.get("queryStringParameters") or {}
            self.query = {k: list(v) for k, v in multi.items()} if multi else {k: [v] for k, v in single.items()}
            self.headers = {k.lower(): [str(v)] for k, v in (event.get("headers") or {}).items() if v is not None}
            for key, values in (event.get("multiValueHeaders") or {}).items():
                if values:
                    self.headers[key.lower()] = [str(v) for v in values]
            self.claims = ((context.get("authorizer") or {}).get("claims")) or {}
        stage = context.get("stage")
        # The function serves a stage-prefixed path (HTTP API, custom domains) as the bare path.
        if stage and stage != "$default" and self.path.startswith(f"/{stage}/"):
            self.path = self.path[len(stage) + 1:]
        self.body = None
        raw = event.get("body")
        if raw is not None:
            if event.get("isBase64Encoded"):
                try:
                    raw = base64.b64decode(raw, validate=True)
                except ValueError:
                    self.problems.append("body: not base64")
                    raw = b""
            else:
                raw = raw.encode("utf-8", "surrogatepass")
            if self.header("content-encoding", "").lower() == "gzip":
                try:
                    raw = gzip.decompress(raw)
                except (OSError, EOFError):
                    self.problems.append("body: Content-Encoding gzip but not gzip")
            self.body = raw

    def header(self, name, default=None):
        values = self.headers.get(name)
        return values[-1] if values else default


def check_claims(request):
    """The claims API Gateway's Cognito authorizer passed on, as the security scheme states them."""
    problems = []
    tenant = request.claims.get("custom:tenant_id")
    if not isinstance(tenant, str) or not UUID.match(tenant):
        problems.append("claims: custom:tenant_id is missing or not a UUID")
    sub = request.claims.get("sub")
    if not isinstance(sub, str) or not 1 <= len(sub) <= 128:
        problems.append("claims: sub is missing or not 1..128 characters")
    role = request.claims.get("custom:role")
    if role not in (None, "") and role not in ROLES:
        problems.append("claims: custom:role is not a known role")
    return problems


def check_parameters(request, parameters, path_values):
    problems = []
    for parameter in parameters:
        name, where, schema = parameter["name"], parameter["in"], parameter.get("schema", {})
        if where == "path":
            values = [urllib.parse.unquote(path_values.get(name, ""))]
        elif where == "query":
            values = request.query.get(name, [])
        elif where == "header":
            values = request.headers.get(name.lower(), [])
        else:
            continue
        if not values:
            if parameter.get("required"):
                problems.append(f"{where} parameter {name}: required")
            continue
        if len(values) > 1:
            problems.append(f"{where} parameter {name}: given {len(values)} times")
            continue
        for error in schema_errors(schema, coerce(schema, values[0])):
            problems.append(f"{where} parameter {name}: {error}")
    return problems


def media_type(value):
    return (value or "").split(";")[0].strip().lower()


def json_media(media):
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def check_body(request, body_spec):
    if not body_spec:
        return []
    if request.body is None or request.body == b"":
        return ["body: required"] if body_spec.get("required") else []
    media = media_type(request.header("content-type"))
    content = body_spec.get("content", {})
    if not json_media(media) or "application/json" not in content:
        return [f"body: Content-Type {media or '(none)'} is not a documented media type"]
    try:
        value = strict_json(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return [f"body: not acceptable JSON ({error})"]
    return [f"body: {error}" for error in schema_errors(content["application/json"].get("schema", {}), value)]


# --- the response -----------------------------------------------------------


class Response:
    def __init__(self, proxy):
        self.status = proxy.get("statusCode")
        self.headers = {}
        for key, value in (proxy.get("headers") or {}).items():
            self.headers.setdefault(key.lower(), []).append(str(value))
        for key, values in (proxy.get("multiValueHeaders") or {}).items():
            self.headers[key.lower()] = [str(v) for v in values]
        body = proxy.get("body") or ""
        self.raw = base64.b64decode(body) if proxy.get("isBase64Encoded") else body.encode("utf-8")
        if self.header("content-encoding", "").lower() == "gzip":
            self.raw = gzip.decompress(self.raw)

    def header(self, name, default=None):
        values = self.headers.get(name)
        return values[-1] if values else default


def check_response(response, documented):
    """`documented`: the operation's entry for this status."""
    problems = []
    headers = {name.lower(): spec for name, spec in (documented.get("headers") or {}).items()}
    for name, spec in headers.items():
        values = response.headers.get(name, [])
        if not values:
            if spec.get("required"):
                problems.append(f"header {name}: required")
            continue
        schema = spec.get("schema", {})
        for value in values:
            for error in schema_errors(schema, coerce(schema, value)):
                problems.append(f"header {name}: {error}")
    for name in response.headers:
        if SIGNIFICANT_HEADERS.match(name) and name not in headers:
            problems.append(f"header {name}: not documented for this response")
    content = documented.get("content") or {}
    if not content:
        if response.raw:
            problems.append("body: this response has no body in the document")
        return problems
    media = media_type(response.header("content-type"))
    if media not in content:
        return problems + [f"Content-Type {media or '(none)'} is not documented for this response"]
    try:
        value = strict_json(response.raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return problems + [f"body: not JSON ({error})"]
    problems += [f"body: {error}" for error in schema_errors(content[media].get("schema", {}), value)]
    return problems


def error_envelope_problems(spec, response, codes):
    envelope = spec.doc["components"]["schemas"]["ErrorEnvelope"]
    try:
        value = strict_json(response.raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        return [f"body: not JSON ({error})"]
    problems = [f"body: {error}" for error in schema_errors(envelope, value)]
    code = value.get("error", {}).get("code") if isinstance(value, dict) else None
    if code not in codes:
        problems.append(f"error code {code!r}, expected one of {sorted(codes)}")
    return problems


def check_exchange(spec, exchange):
    """Violations of one exchange, as strings."""
    if "functionError" in exchange:
        return [f"the function failed the invocation ({exchange['functionError']}): API Gateway answers an "
                "undocumented 502"]
    event, proxy = exchange.get("event"), exchange.get("response")
    if not isinstance(event, dict) or not isinstance(proxy, dict):
        return ["the exchange has no event or no proxy response object"]
    request, response = Request(event), Response(proxy)
    where = f"{request.method} {request.path} -> {response.status}"
    if request.problems or not request.method or not request.path.startswith("/"):
        # Not a request API Gateway would send: only a 4xx is right.
        ok = isinstance(response.status, int) and 400 <= response.status < 500
        return [] if ok else [f"{where}: malformed event ({request.problems}) answered {response.status}"]

    found = spec.match(request.path)
    if found is None:
        if response.status != 404:
            return [f"{where}: the document has no such path, expected the router's 404"]
        return [f"{where}: {p}" for p in error_envelope_problems(spec, response, {"not_found"})]
    template, item, path_values = found
    operation = item.get(request.method.lower())
    if operation is None:
        documented = sorted(m.upper() for m in METHODS if m in item and m != "options")
        if response.status != 405:
            return [f"{where}: {template} has no {request.method} in the document, expected 405"]
        problems = error_envelope_problems(spec, response, {"method_not_allowed"})
        allow = [m.strip() for m in (response.header("allow") or "").split(",") if m.strip()]
        if sorted(allow) != documented:
            problems.append(f"Allow {allow} is not the document's methods {documented}")
        return [f"{where}: {p}" for p in problems]

    request_problems = list(check_parameters(request, item.get("parameters", []) + operation.get("parameters", []),
                                             path_values))
    security = operation.get("security", spec.global_security)
    if security:
        request_problems += check_claims(request)
    request_problems += check_body(request, operation.get("requestBody"))

    problems = []
    status = str(response.status)
    documented = operation["responses"].get(status) or operation["responses"].get("default")
    if documented is None:
        problems.append(f"status {status} is not documented for {request.method} {template} "
                        f"(documented: {', '.join(sorted(operation['responses']))})")
    else:
        problems += check_response(response, documented)
    if request_problems and not 400 <= response.status < 500:
        problems.append(f"the document calls the request invalid ({'; '.join(request_problems)}) "
                        f"but the function answered {status}")
    return [f"{request.method} {template} -> {status}: {p}" for p in problems]


def load_exchanges(paths):
    files = []
    for path in map(pathlib.Path, paths):
        files += sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise SystemExit(f"contract: no exchange files in {' '.join(paths)}")
    for file in files:
        with open(file, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield f"{file.name}:{number}", json.loads(line)


def command_exchanges(spec, args):
    checked, failures = 0, 0
    for where, exchange in load_exchanges(args.files):
        checked += 1
        problems = check_exchange(spec, exchange)
        for problem in problems:
            failures += 1
            print(f"FAIL {exchange.get('source', where)} ({where}): {problem}")
    if checked < args.min_exchanges:
        print(f"FAIL only {checked} exchanges recorded, expected at least {args.min_exchanges}")
        return 1
    print(f"contract: {checked} exchanges checked against {spec.path.name}, {failures} violations")
    return 1 if failures else 0


def command_routes(spec, args):
    output = subprocess.run([args.route_table], check=True, capture_output=True, text=True).stdout
    served = {(r["method"].upper(), r["path"]): r["access"] for r in json.loads(output)["routes"]}
    documented = {}
    for template, method, operation, _ in spec.operations():
        if method != "options":
            public = operation.get("security", spec.global_security) == []
            documented[(method.upper(), template)] = "public" if public else "tenant"
    problems = []
    for route in sorted(set(served) - set(documented)):
        problems.append(f"the router serves {route[0]} {route[1]}, which the document does not describe")
    for route in sorted(set(documented) - set(served)):
        problems.append(f"the document describes {route[0]} {route[1]}, which the router does not serve")
    for route in sorted(set(served) & set(documented)):
        if served[route] != documented[route]:
            problems.append(f"{route[0]} {route[1]}: the router's access is {served[route]}, the document's "
                            f"security says {documented[route]}")
    # The function answers a CORS preflight on every path it routes.
    for template, item in spec.doc["paths"].items():
        if "options" not in item:
            problems.append(f"{template}: no options (CORS preflight) operation")
        elif item["options"].get("security", spec.global_security) != []:
            problems.append(f"{template}: the preflight must need no token")
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"contract: {len(served)} routes served, {len(documented)} documented, {len(problems)} differences")
    return 1 if problems else 0


def command_examples(spec, args):
    problems = []

    def check(where, schema, value):
        problems.extend(f"{where}: {error}" for error in schema_errors(schema, value))

    for template, method, operation, item in spec.operations():
        name = f"{method.upper()} {template}"
        for parameter in item.get("parameters", []) + operation.get("parameters", []):
            if "example" in parameter:
                check(f"{name} parameter {parameter['name']}", parameter["schema"], parameter["example"])
        bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
        bodies += [(status, response.get("content", {})) for status, response in operation["responses"].items()]
        for label, content in bodies:
            for media, entry in content.items():
                for example_name, example in (entry.get("examples") or {}).items():
                    check(f"{name} {label} example {example_name}", entry["schema"], example["value"])
    for problem in problems:
        print(f"FAIL {problem}")
    print(f"contract: examples checked, {len(problems)} violations")
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["exchanges", "routes", "examples"])
    parser.add_argument("--spec", required=True)
    parser.add_argument("--route-table", help="routes: the route_table executable")
    parser.add_argument("--min-exchanges", type=int, default=1,
                        help="exchanges: fail when fewer were recorded (a recorder that stopped recording)")
    parser.add_argument("files", nargs="*", help="exchanges: .jsonl files or folders of them")
    args = parser.parse_intermixed_args()
    spec = Spec(args.spec)
    if args.command == "exchanges":
        return command_exchanges(spec, args)
    if args.command == "routes":
        if not args.route_table:
            parser.error("routes needs --route-table")
        return command_routes(spec, args)
    return command_examples(spec, args)


if __name__ == "__main__":
    sys.exit(main())
