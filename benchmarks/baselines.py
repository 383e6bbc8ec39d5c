"""The benchmark's two baselines, each run by bench.py in a process of its own.

    .venv/bin/python benchmarks/baselines.py naive|floor ROOT

Both read every records/<kind>/*.yaml file of the tree at ROOT and validate it
against schemas/<kind>.schema.json, every schema under schemas/ (the codelists
and common.schema.json included) there to resolve $refs, formats checked,
Draft 2020-12. Unquoted dates load as text, as in the project.

* naive: what one writes first: yaml.load with PyYAML's pure Python
  SafeLoader, then jsonschema.validate, file by file.
* floor: fast libraries and no strictness: the bytes read and decoded, loaded
  with the C loader (CSafeLoader: libyaml composes the nodes, with their marks),
  then a jsonschema-rs validator's is_valid.

Prints {"files": N, "invalid": M} as JSON. The synthetic trees are valid, so
any invalid record is an error: it is reported and the exit status is 1.
"""

from __future__ import annotations

import glob
import json
import os
import sys

import yaml

TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _without_timestamps(base: type) -> type:
    """A loader like base that leaves unquoted dates as text."""
    resolvers = {
        ch: [(tag, rx) for tag, rx in pairs if tag != TIMESTAMP]
        for ch, pairs in base.yaml_implicit_resolvers.items()
    }
    return type(base.__name__ + "NoDates", (base,), {"yaml_implicit_resolvers": resolvers})


def _schemas(root: str) -> dict[str, dict]:
    """$id -> schema, for every schema under schemas/."""
    folder = os.path.join(root, "schemas")
    out = {}
    for path in sorted(
        glob.glob(os.path.join(folder, "*.schema.json"))
        + glob.glob(os.path.join(folder, "codelists", "*.json"))
    ):
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        out[doc["$id"]] = doc
    return out


def _files(root: str):
    """(kind, path) of every record file, kind by kind, in name order."""
    records = os.path.join(root, "records")
    for kind in sorted(os.listdir(records)):
        for name in sorted(os.listdir(os.path.join(records, kind))):
            if name.endswith(".yaml"):
                yield kind, os.path.join(records, kind, name)


def naive(root: str) -> tuple[int, list[str]]:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    schemas = _schemas(root)
    registry = Registry().with_resources(
        (uri, Resource.from_contents(doc, default_specification=DRAFT202012))
        for uri, doc in schemas.items()
    )
    loader = _without_timestamps(yaml.SafeLoader)
    cls = jsonschema.Draft202012Validator
    files, errors = 0, []
    for kind, path in _files(root):
        files += 1
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=loader)
        try:
            jsonschema.validate(
                data,
                schemas[f"{kind}.schema.json"],
                cls=cls,
                registry=registry,
                format_checker=cls.FORMAT_CHECKER,
            )
        except jsonschema.ValidationError as exc:
            errors.append(f"{path}: {exc.message}")
    return files, errors


def floor(root: str) -> tuple[int, list[str]]:
    import jsonschema_rs

    schemas = _schemas(root)
    base = "file://" + os.path.abspath(os.path.join(root, "schemas")) + "/"
    registry = jsonschema_rs.Registry([(base + uri, doc) for uri, doc in schemas.items()])
    validators = {
        uri[: -len(".schema.json")]: jsonschema_rs.Draft202012Validator(
            doc, validate_formats=True, registry=registry, base_uri=base + uri
        )
        for uri, doc in schemas.items()
        if uri.endswith(".schema.json")
    }
    loader = _without_timestamps(yaml.CSafeLoader)
    files, errors = 0, []
    for kind, path in _files(root):
        files += 1
        with open(path, "rb") as fh:
            data = yaml.load(fh.read().decode("utf-8"), Loader=loader)
        if not validators[kind].is_valid(data):
            errors.append(f"{path}: not valid")
    return files, errors


def main(argv: list[str]) -> int:
    what, root = argv
    files, errors = {"naive": naive, "floor": floor}[what](root)
    for line in errors[:10]:
        print(line, file=sys.stderr)
    print(json.dumps({"files": files, "invalid": len(errors)}))
    return 1 if errors or not files else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
