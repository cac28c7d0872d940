#!/usr/bin/python3
"""The contract checker's own logic (tools/openapi/contract.py), against the
real document: a conforming exchange passes, and each kind of drift the
issue names (a renamed field, an undocumented status, header or error code,
a request the document refuses but the function served) fails."""

import base64
import gzip
import json
import os
import pathlib
import stat
import subprocess
import sys
import tempfile
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools/openapi"))
import contract  # noqa: E402  (the path above first)

SPEC = contract.Spec(ROOT / "openapi/openapi.yaml")
ACME = "11111111-1111-4111-8111-111111111111"
ADMIN = {"custom:tenant_id": ACME, "sub": "dev-acme-admin", "custom:role": "admin"}
USER = {"id": "a1000000-0000-4000-8000-000000000002", "email": "analyst@acme.example", "name": "Andy Analyst",
        "role": "analyst", "status": "active", "createdAt": "2024-06-17T15:02:11.482Z",
        "updatedAt": "2024-06-17T15:02:11.482Z"}
JSON_TYPE = {"Content-Type": "application/json; charset=utf-8"}


def event(method, path, claims=ADMIN, query=None, body=None, headers=None):
    """A REST API (payload 1.0) event, as API Gateway sends it."""
    return {"httpMethod": method, "path": path, "resource": "/{proxy+}",
            "headers": {"Content-Type": "application/json", **(headers or {})},
            "multiValueQueryStringParameters": query, "body": body, "isBase64Encoded": False,
            "requestContext": {"requestId": "r-1", "stage": "prod",
                               "authorizer": {"claims": claims} if claims else None}}


def response(status, body=None, headers=None, gzipped=False):
    text = "" if body is None else json.dumps(body)
    out = {"statusCode": status, "headers": {**(JSON_TYPE if body is not None else {}), **(headers or {})},
           "body": text, "isBase64Encoded": False}
    if gzipped:
        out["body"] = base64.b64encode(gzip.compress(text.encode())).decode()
        out["isBase64Encoded"] = True
        out["headers"]["Content-Encoding"] = "gzip"
    return out


def error(code, message="m"):
    return {"error": {"code": code, "message": message, "requestId": "r-1"}}


def problems(ev, resp):
    return contract.check_exchange(SPEC, {"source": "test", "event": ev, "response": resp})


class Conforming(unittest.TestCase):
    def test_a_page_of_users_passes(self):
        self.assertEqual(problems(event("GET", "/users", query={"limit": ["1"]}),
                                  response(200, {"items": [USER], "nextCursor": None})), [])

    def test_a_gzipped_body_is_decoded_and_checked(self):
        self.assertEqual(problems(event("GET", "/users/" + USER["id"]), response(200, USER, gzipped=True)), [])

    def test_a_created_user_with_its_location_passes(self):
        body = json.dumps({"email": "new@acme.example", "name": "New", "role": "viewer"})
        self.assertEqual(problems(event("POST", "/users", body=body),
                                  response(201, USER, {"Location": "/users/" + USER["id"]})), [])

    def test_a_stage_prefixed_http_api_event_is_matched_on_the_bare_path(self):
        ev = {"version": "2.0", "rawPath": "/prod/health", "rawQueryString": "", "headers": {},
              "requestContext": {"http": {"method": "GET", "path": "/prod/health"}, "stage": "prod"}}
        body = {"coldStart": False, "database": "ok", "status": "ok", "version": "1"}
        self.assertEqual(problems(ev, response(200, body)), [])

    def test_unknown_paths_get_the_routers_404(self):
        self.assertEqual(problems(event("GET", "/nope"), response(404, error("not_found"))), [])


class Drift(unittest.TestCase):
    def test_a_renamed_field_fails(self):
        renamed = dict(USER)
        renamed["fullName"] = renamed.pop("name")
        found = problems(event("GET", "/users/" + USER["id"]), response(200, renamed))
        self.assertTrue(any("fullName" in p for p in found), found)

    def test_an_undocumented_status_fails(self):
        found = problems(event("GET", "/users/" + USER["id"]), response(418, error("teapot")))
        self.assertTrue(any("status 418 is not documented" in p for p in found), found)

    def test_an_error_code_the_response_does_not_list_fails(self):
        found = problems(event("DELETE", "/users/" + USER["id"]), response(409, error("email_taken")))
        self.assertTrue(any("email_taken" in p for p in found), found)

    def test_an_undocumented_significant_header_fails(self):
        found = problems(event("GET", "/users/" + USER["id"]), response(200, USER, {"Location": "/x"}))
        self.assertTrue(any("header location: not documented" in p for p in found), found)

    def test_a_missing_required_header_fails(self):
        found = problems(event("GET", "/users"), response(503, error("database_busy")))
        self.assertTrue(any("header retry-after: required" in p for p in found), found)

    def test_a_request_out_of_bounds_that_was_served_fails(self):
        found = problems(event("GET", "/users", query={"limit": ["500"]}),
                         response(200, {"items": [], "nextCursor": None}))
        self.assertTrue(any("calls the request invalid" in p and "limit" in p for p in found), found)

    def test_a_duplicate_member_body_that_was_served_fails(self):
        body = '{"email":"a@acme.example","name":"A","role":"viewer","role":"admin"}'
        found = problems(event("POST", "/users", body=body), response(201, USER, {"Location": "/users/" + USER["id"]}))
        self.assertTrue(any("duplicate member" in p for p in found), found)

    def test_a_request_without_claims_that_was_served_fails(self):
        found = problems(event("GET", "/users", claims=None), response(200, {"items": [], "nextCursor": None}))
        self.assertTrue(any("custom:tenant_id" in p for p in found), found)

    def test_a_405_must_allow_exactly_the_documents_methods(self):
        found = problems(event("PUT", "/users"), response(405, error("method_not_allowed"), {"Allow": "GET"}))
        self.assertTrue(any("Allow" in p for p in found), found)
        self.assertEqual(problems(event("PUT", "/users"),
                                  response(405, error("method_not_allowed"), {"Allow": "GET, POST"})), [])

    def test_a_function_error_fails(self):
        found = contract.check_exchange(SPEC, {"event": event("GET", "/health"), "functionError": "Runtime.Crash"})
        self.assertEqual(len(found), 1)


class Routes(unittest.TestCase):
    def run_routes(self, routes):
        with tempfile.TemporaryDirectory() as tmp:
            table = pathlib.Path(tmp) / "route_table"
            table.write_text("#!/bin/sh\ncat <<'JSON'\n" + json.dumps({"routes": routes}) + "\nJSON\n")
            table.chmod(table.stat().st_mode | stat.S_IEXEC)
            return subprocess.run([sys.executable, str(ROOT / "tools/openapi/contract.py"), "routes", "--spec",
                                   str(ROOT / "openapi/openapi.yaml"), "--route-table", str(table)],
                                  capture_output=True, text=True, check=False)

    def documented(self):
        out = []
        for template, method, operation, _ in SPEC.operations():
            if method != "options":
                public = operation.get("security", SPEC.global_security) == []
                out.append({"method": method.upper(), "path": template, "access": "public" if public else "tenant"})
        return out

    def test_the_documents_own_routes_pass(self):
        self.assertEqual(self.run_routes(self.documented()).returncode, 0)

    def test_a_route_the_document_lacks_fails(self):
        result = self.run_routes(self.documented() + [{"method": "GET", "path": "/orders", "access": "tenant"}])
        self.assertEqual(result.returncode, 1)
        self.assertIn("GET /orders", result.stdout)

    def test_a_documented_route_the_router_lacks_fails(self):
        result = self.run_routes([r for r in self.documented() if r["path"] != "/audit-logs/{id}"])
        self.assertEqual(result.returncode, 1)
        self.assertIn("which the router does not serve", result.stdout)

    def test_a_public_route_documented_as_secured_fails(self):
        routes = [dict(r, access="public") if r["path"] == "/users" and r["method"] == "GET" else r
                  for r in self.documented()]
        self.assertEqual(self.run_routes(routes).returncode, 1)


class StrictJson(unittest.TestCase):
    def test_duplicates_at_any_depth_are_refused(self):
        with self.assertRaises(contract.DuplicateMember):
            contract.strict_json('{"a": {"b": 1, "b": 2}}')

    def test_non_json_constants_are_refused(self):
        with self.assertRaises(ValueError):
            contract.strict_json('{"a": NaN}')


if __name__ == "__main__":
    os.chdir(ROOT)
    unittest.main(verbosity=2)
