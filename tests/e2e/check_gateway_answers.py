#!/usr/bin/python3
"""Checks the local gateway's own error answers against the contract.

  check_gateway_answers.py --spec openapi/openapi.yaml ANSWERS.jsonl

One JSON line per answer, as the gateway tests write them:
  {"method", "path", "status", "contentType", "body", "operation"?}
The answer must match the document's response for its status on the
operation it answers: `operation` ("GET /users") when given (the fault tests'
fake function serves paths the document lacks), else the operation the path
and method name. An answer to a path or method the document lacks must be
the gateway's 404: ErrorEnvelope with code not_found (what infra/api.tf's
MISSING_AUTHENTICATION_TOKEN response says).

Reuses tools/openapi/contract.py (python3-yaml, python3-jsonschema), so
these answers are held to the same checks as the function's. The last line
is "gateway answers: N checked, M violations"; exit status 1 on violations.
"""

import argparse
import json
import pathlib
import sys

# No __pycache__ left in the source tree by the import below.
sys.dont_write_bytecode = True
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tools" / "openapi"))
import contract  # noqa: E402  (after the path above)


def problems_of(spec, answer):
    response = contract.Response({"statusCode": answer["status"],
                                  "headers": {"Content-Type": answer.get("contentType", "")},
                                  "body": answer.get("body", "")})
    method, path = answer["method"], answer["path"]
    if "operation" in answer:
        method, template = answer["operation"].split(" ", 1)
        item = spec.doc["paths"].get(template)
    else:
        found = spec.match(path)
        template, item = (found[0], found[1]) if found else (None, None)
    operation = item.get(method.lower()) if item else None
    if operation is None:
        if response.status != 404:
            return [f"{method} {path} is not in the document: expected the gateway's 404, got {response.status}"]
        return contract.error_envelope_problems(spec, response, {"not_found"})
    documented = operation["responses"].get(str(response.status)) or operation["responses"].get("default")
    if documented is None:
        return [f"status {response.status} is not documented for {method} {template}"]
    return contract.check_response(response, documented)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", required=True)
    parser.add_argument("answers")
    args = parser.parse_args()
    spec = contract.Spec(args.spec)
    checked, failures = 0, 0
    with open(args.answers, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            answer = json.loads(line)
            checked += 1
            for problem in problems_of(spec, answer):
                failures += 1
                print(f"FAIL {answer['method']} {answer['path']} -> {answer['status']}: {problem}")
    print(f"gateway answers: {checked} checked, {failures} violations")
    return 1 if failures or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
