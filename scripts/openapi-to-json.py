#!/usr/bin/env python3
"""Converts the OpenAPI contract (YAML) to JSON: what the local gateway serves
at /openapi.json and what the docs test compares it with.

    scripts/openapi-to-json.py openapi/openapi.yaml OUT.json

Plain YAML 1.1 would turn an unquoted date into a timestamp, which JSON has
not; such scalars stay the strings they were written as.
"""
import json
import os
import sys

import yaml


class ContractLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp type: dates stay strings."""


ContractLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    source, target = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        document = yaml.load(f, Loader=ContractLoader)  # a SafeLoader: plain data only
    if not isinstance(document, dict) or "openapi" not in document:
        print(f"{source}: not an OpenAPI document", file=sys.stderr)
        return 1
    with open(target + ".tmp", "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2, ensure_ascii=False)
        f.write("\n")
    # Atomic: a running gateway or test never reads half a file.
    os.replace(target + ".tmp", target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
