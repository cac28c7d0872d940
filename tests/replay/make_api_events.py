#!/usr/bin/env python3
"""Generates the api-rest-v1 and api-http-v2 replay suites' events from the
real API Gateway captures in tests/data/events (see SOURCES.md there): each
event is a copy of a real capture with only method, path, query, body and the
Cognito claims changed. Re-run after editing the request list, then record
goldens with `replay --update` and review them before committing."""
import copy
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "events"
ACME, GLOBEX = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
ADMIN = {"sub": "dev-acme-admin", "custom:tenant_id": ACME, "custom:role": "admin"}
ANALYST = {"sub": "dev-acme-analyst", "custom:tenant_id": ACME, "custom:role": "analyst"}
VIEWER = {"sub": "dev-acme-viewer", "custom:tenant_id": ACME, "custom:role": "viewer"}
GLOBEX_ANALYST_ID = "b2000000-0000-4000-8000-000000000002"
ACME_ANALYST_ID = "a1000000-0000-4000-8000-000000000002"
ACME_VIEWER_ID = "a1000000-0000-4000-8000-000000000003"
ACME_ADMIN_ID = "a1000000-0000-4000-8000-000000000001"

# (name, method, path, query, claims, body); a str body is sent as it is
# (JSON a dict cannot hold, e.g. a repeated member name).
REQUESTS = [
    ("01-health", "GET", "/health", {}, None, None),
    ("02-unauthenticated-users", "GET", "/users", {}, None, None),
    ("03-list-users-page", "GET", "/users", {"limit": "3"}, ADMIN, None),
    ("04-list-users-bad-limit", "GET", "/users", {"limit": "500"}, ADMIN, None),
    ("05-get-user", "GET", f"/users/{ACME_ANALYST_ID}", {}, ADMIN, None),
    ("06-get-user-masked-for-viewer", "GET", f"/users/{ACME_ANALYST_ID}", {}, VIEWER, None),
    ("07-get-other-tenants-user", "GET", f"/users/{GLOBEX_ANALYST_ID}", {}, ADMIN, None),
    ("10-create-user", "POST", "/users", {}, ADMIN,
     {"email": "replay.user@acme.example", "name": "Replay User", "role": "analyst"}),
    ("11-create-user-duplicate", "POST", "/users", {}, ADMIN,
     {"email": "REPLAY.USER@acme.example", "name": "Replay Twin", "role": "viewer"}),
    ("12-create-user-invalid", "POST", "/users", {}, ADMIN, {"email": "nope", "name": "", "role": "owner"}),
    ("13-create-user-as-viewer", "POST", "/users", {}, VIEWER,
     {"email": "x@acme.example", "name": "X", "role": "viewer"}),
    ("14-patch-own-name", "PATCH", f"/users/{ACME_ANALYST_ID}", {}, ANALYST, {"name": "Andy Replayed"}),
    ("15-patch-other-tenant", "PATCH", f"/users/{GLOBEX_ANALYST_ID}", {}, ADMIN, {"role": "admin"}),
    ("16-delete-user", "DELETE", f"/users/{ACME_VIEWER_ID}", {}, ADMIN, None),
    ("17-delete-self", "DELETE", f"/users/{ACME_ADMIN_ID}", {}, ADMIN, None),
    # Both refused and nothing written: the events after them see the same data.
    ("18-patch-duplicate-member", "PATCH", f"/users/{ACME_ANALYST_ID}", {}, ADMIN,
     '{"role": "viewer", "role": "admin"}'),
    ("19-demote-last-admin", "PATCH", f"/users/{ACME_ADMIN_ID}", {}, ADMIN, {"role": "viewer"}),
    ("20-audit-logs-filtered", "GET", "/audit-logs", {"action": "user.deleted", "resourceId": ACME_VIEWER_ID}, ADMIN, None),
    ("21-audit-logs-as-analyst", "GET", "/audit-logs", {}, ANALYST, None),
    ("22-audit-logs-bad-from", "GET", "/audit-logs", {"from": "last tuesday"}, ADMIN, None),
    ("30-embed-registered", "POST", "/quicksight/embed-url", {}, ANALYST,
     {"dashboardId": "sales-overview", "sessionLifetimeMinutes": 30}),
    ("31-embed-not-visible", "POST", "/quicksight/embed-url", {}, VIEWER, {"dashboardId": "finance-executive"}),
    ("40-wrong-method", "PUT", "/users", {}, ADMIN, {}),
    # Hostile and out-of-contract input: each is refused with a 4xx and writes
    # nothing; contract.replay checks each answer against openapi/openapi.yaml.
    ("41-list-users-limit-zero", "GET", "/users", {"limit": "0"}, ADMIN, None),
    ("42-list-users-limit-text", "GET", "/users", {"limit": "ten"}, ADMIN, None),
    ("43-list-users-forged-cursor", "GET", "/users", {"cursor": "eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA"}, ADMIN, None),
    ("44-list-users-unknown-role", "GET", "/users", {"role": "owner"}, ADMIN, None),
    ("45-get-user-not-a-uuid", "GET", "/users/not-a-uuid", {}, ADMIN, None),
    ("46-create-user-array-body", "POST", "/users", {}, ADMIN, "[1, 2]"),
    ("47-create-user-truncated-body", "POST", "/users", {}, ADMIN, '{"email": "a@acme.example", "na'),
    ("48-create-user-unknown-field", "POST", "/users", {}, ADMIN,
     {"email": "sneaky@acme.example", "name": "Sneaky", "role": "viewer", "tenantId": GLOBEX}),
    ("49-patch-empty-object", "PATCH", f"/users/{ACME_ANALYST_ID}", {}, ADMIN, {}),
    ("50-embed-lifetime-too-short", "POST", "/quicksight/embed-url", {}, ADMIN,
     {"dashboardId": "sales-overview", "sessionLifetimeMinutes": 5}),
    ("51-embed-nested-duplicate", "POST", "/quicksight/embed-url", {}, ADMIN,
     '{"dashboardId": "sales-overview", "extra": {"a": 1, "a": 2}}'),
    ("52-unknown-path", "GET", "/orders", {}, ADMIN, None),
    ("53-unknown-role-claim", "GET", "/users", {}, {**ADMIN, "custom:role": "superuser"}, None),
    ("54-audit-logs-bad-actor", "GET", "/audit-logs", {"actorId": "nope"}, ADMIN, None),
]


def encode_body(body):
    if body is None or isinstance(body, str):
        return body
    return json.dumps(body)


def rest_v1(name, method, path, query, claims, body):
    event = json.loads((DATA / "apigw-v1-rest-cognito-userpool-authorizer.json").read_text())
    event["httpMethod"] = method
    event["path"] = event["resource"] = path
    event["requestContext"]["httpMethod"] = method
    event["requestContext"]["resourcePath"] = path
    event["requestContext"]["path"] = "/prod" + path
    event["requestContext"]["requestId"] = f"replay-v1-{name}"
    event["queryStringParameters"] = query or None
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} or None
    event["requestContext"]["authorizer"] = {"claims": claims} if claims else {"claims": None}
    event["body"] = encode_body(body)
    for key in ("headers", "multiValueHeaders"):
        if event.get(key):
            event[key] = {k: v for k, v in event[key].items() if k.lower() != "authorization"}
    event["headers"]["Content-Type"] = "application/json"
    event["multiValueHeaders"]["Content-Type"] = ["application/json"]
    return event


def http_v2(name, method, path, query, claims, body):
    event = json.loads((DATA / "apigw-v2-http-jwt-authorizer-cognito.json").read_text())
    event["routeKey"] = event["requestContext"]["routeKey"] = "$default"
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/prod" + path
    event["requestContext"]["stage"] = "prod"
    event["requestContext"]["http"]["method"] = method
    event["requestContext"]["requestId"] = f"replay-v2-{name}"
    event["rawQueryString"] = "&".join(f"{k}={v.replace(' ', '%20')}" for k, v in query.items())
    event["queryStringParameters"] = query or None
    if claims:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    else:
        event["requestContext"].pop("authorizer", None)
    event["headers"] = {k: v for k, v in event["headers"].items() if k.lower() != "authorization"}
    event["headers"]["content-type"] = "application/json"
    if body is not None:
        event["body"] = encode_body(body)
    return event


for suite, build in (("api-rest-v1", rest_v1), ("api-http-v2", http_v2)):
    for request in REQUESTS:
        (HERE / "events" / suite / f"{request[0]}.json").write_text(json.dumps(build(*request), indent=2) + "\n")
