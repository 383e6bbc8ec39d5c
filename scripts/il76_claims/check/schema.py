"""Each record against its kind's JSON Schema (Draft 2020-12, formats on).

One validator per kind is built once and reused for every record: building
a validator resolves references and compiles patterns, which costs far more
than validating a small record.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import jsonschema_rs
import yaml
from jsonschema import Draft202012Validator, validators
from jsonschema import exceptions as jsonschema_exceptions
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ..model.problems import Problem, problem
from ..model.record import Record, child_pointer
from ..model.schemas import SchemaError, SchemaSet


def _pattern(
    validator: Any, patrn: str, instance: object, schema: dict
) -> Iterator[ValidationError]:
    # JSON Schema patterns are ECMA-262 regexes, where '$' matches only at the
    # very end. Python's re lets '$' match before a final newline, so "abc\n"
    # would pass '^[a-z]+$'. Compile '$' at the end of a pattern as '\Z'.
    if validator.is_type(instance, "string") and not _compiled(patrn).search(instance):
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


@functools.cache
def _compiled(patrn: str) -> re.Pattern:
    py = patrn[:-1] + r"\Z" if patrn.endswith("$") and not patrn.endswith(r"\$") else patrn
    return re.compile(py)


DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
StrictValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


def _fast_validators(schemas: SchemaSet) -> dict:
    registry = jsonschema_rs.Registry(list(schemas.documents.items()))
    docs = {**schemas.kinds, "dataset": schemas.dataset}
    # Formats are judged by jsonschema's own format checker: the two
    # libraries read RFC 3339 and RFC 3986 differently at the edges (year
    # 0000 is a date to jsonschema-rs, not to Python).
    checker = Draft202012Validator.FORMAT_CHECKER
    formats: dict[str, Callable[..., bool]] = {
        name: functools.partial(checker.conforms, format=name) for name in checker.checkers
    }
    return {
        kind: jsonschema_rs.Draft202012Validator(
            doc, registry=registry, validate_formats=True, formats=formats
        )
        for kind, doc in docs.items()
    }


class SchemaChecker:
    def __init__(self, schemas: SchemaSet):
        self.schemas = schemas
        registry = Registry().with_resources(
            (uri, Resource.from_contents(doc, default_specification=DRAFT202012))
            for uri, doc in schemas.documents.items()
        )
        for uri, doc in schemas.documents.items():
            # Any other meta-schema would be fetched by jsonschema-rs (over
            # the network, for an address) and then refused by it.
            if doc.get("$schema", DRAFT_2020_12) != DRAFT_2020_12:
                why = f'"$schema" is {doc["$schema"]!r}, not JSON Schema 2020-12; write "$schema": "{DRAFT_2020_12}"'
                raise SchemaError(f"schemas/{uri}: {why}")
            # jsonschema-rs answers whether a schema is valid; jsonschema,
            # ten times slower, only words what is wrong.
            if jsonschema_rs.meta.is_valid(doc):
                continue
            try:
                Draft202012Validator.check_schema(doc)
            except jsonschema_exceptions.SchemaError as exc:
                # A maintainer's error in schemas/, not a record's: say which
                # schema and where, without a traceback.
                where = "/".join(str(p) for p in exc.absolute_path) or "top level"
                raise SchemaError(
                    f"schemas/{uri}: not a valid JSON Schema at {where}: {exc.message}"
                ) from None
        self.validators = {
            kind: StrictValidator(
                doc, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
            for kind, doc in {**schemas.kinds, "dataset": schemas.dataset}.items()
        }
        self.fast = _fast_validators(schemas)

    def check(self, record: Record) -> list[Problem]:
        # Nearly every record is valid: jsonschema-rs says so in a fraction
        # of jsonschema's time, and jsonschema is asked only to word the
        # problems of a record that is not (tests/test_schema_filter.py
        # shows the two agree).
        if self.fast[record.kind].is_valid(record.data):
            return []
        validator = self.validators[record.kind]
        errors = [e for err in validator.iter_errors(record.data) for e in _unnest(err)]
        # A value of the wrong type also fails its codelist, pattern or an
        # allOf rule; the type is the one thing to fix, so say only that.
        typed = [
            e
            for e in errors
            if _is_type_error(e) and "description" not in self._rule(record.kind, e)
        ]
        wrong_type = {json_path(e.absolute_path) for e in typed}
        # A date or URL that breaks its pattern is also not a valid date or
        # URL; the pattern's hint says how to write it.
        bad_pattern = {json_path(e.absolute_path) for e in errors if e.validator == "pattern"}
        out = []
        for err in errors:
            at = json_path(err.absolute_path)
            if at in wrong_type and err not in typed:
                continue
            if at in bad_pattern and err.validator == "format":
                continue
            if not self._rule_on_reported(record, err):
                out.extend(self._to_problems(record, err))
        return out

    # -- turning a ValidationError into a message a contributor can act on --

    def _to_problems(self, record: Record, err: ValidationError) -> list[Problem]:
        pointer = json_path(err.absolute_path)
        if any(pointer == r or pointer.startswith((r + ".", r + "[")) for r in record.reported):
            return []  # the loader already said what is wrong with this value
        rule = self._rule(record.kind, err).get("description")
        field = pointer.rsplit(".", 1)[-1] if pointer != "$" else "record"
        at = pointer
        if rule is not None:
            code, msg = "S008", f"{rule} ({_describe(err, field)})"
        elif err.validator == "additionalProperties":
            return _unknown_fields(record, err, pointer)
        elif err.validator == "required":
            missing = re.match(r"'([^']+)' is a required property", err.message)
            name = missing.group(1) if missing else "?"
            code = "S001"
            msg = f"missing required field '{name}'; add it (write null where the value is unknown and null is allowed)"
            pointer = child_pointer(pointer, name)
        else:
            code, msg = _message(err, field)
        return [problem(record.path, *record.mark(at), code, msg, pointer)]

    def _rule_on_reported(self, record: Record, err: ValidationError) -> bool:
        """True for an allOf rule error when a field the rule reads was already
        reported by the loader (e.g. `count: 1e3`): the rule cannot be judged
        until that value is fixed, and a second problem would only mislead."""
        rule = self._rule(record.kind, err)
        parts = [rule.get(part, {}).get("properties", {}) for part in ("if", "then", "else")]
        return any(f"$.{f}" in record.reported for fields in parts for f in fields)

    def _rule(self, kind: str, err: ValidationError) -> dict:
        """The allOf rule an error comes from (its "description" says the
        rule in words), or {}."""
        path = list(err.schema_path)
        if len(path) >= 2 and path[0] == "allOf":
            return self.validators[kind].schema["allOf"][path[1]]
        return {}


def _unknown_fields(record: Record, err: ValidationError, pointer: str) -> list[Problem]:
    """S002 at the key of each field the schema does not define: the name
    is what is wrong, not the value."""
    allowed = list(err.schema.get("properties", {}))
    derived = err.schema.get("x-derived-columns", {})
    out = []
    for name in sorted(set(err.instance) - set(allowed)):
        guess = difflib.get_close_matches(name, allowed, n=1)
        hint = (
            f"; did you mean '{guess[0]}'?" if guess else f"; allowed fields: {', '.join(allowed)}"
        )
        message = (
            f"{_show(name)} is computed by the build (docs/codebook.md), not written in a record: remove it"
            if name in derived
            else f"unknown field {_show(name)}{hint}"
        )
        at = child_pointer(pointer, name)
        line, col = record.key_marks.get(at) or record.mark(at)
        out.append(problem(record.path, line, col, "S002", message, at))
    return out


_FORMATS = {
    "date": "a real calendar date (YYYY-MM-DD)",
    "uri": "a valid URL (spaces and non-ASCII characters must be percent-encoded)",
}
# {value} is the value shown, {limit} the keyword's bound, {size} the length
# of the text or list.
_LIMITS = {
    "minimum": "{value} is less than the minimum {limit}",
    "maximum": "{value} is more than the maximum {limit}",
    "minLength": "text must have at least {limit} character(s)",
    "maxLength": "text has {size} characters; the maximum is {limit}",
    "minItems": "the list must have at least {limit} item(s)",
    "maxItems": "the list has {size} items; the maximum is {limit}",
}


def _message(err: ValidationError, field: str) -> tuple[str, str]:
    """(code, message) for an error of one keyword on one value."""
    kw, value = err.validator, _show(err.instance)
    if _is_type_error(err):  # of a field, or of every branch of its anyOf
        typed = [err] if kw == "type" else [e for e in err.context if e.validator == "type"]
        types = _types(*(e.validator_value for e in typed))
        return "S003", f"{field}: {value} is not of type {types}"
    if kw == "enum":
        codes = err.validator_value
        name = str(err.schema.get("$id", "")).rsplit("/", 1)[-1].removesuffix(".json") or field
        advice = (
            f"use one of: {', '.join(codes)}"
            if len(codes) <= 20
            else f"use a code of the '{name}' codelist (listed in docs/codebook.md)"
        )
        return "S004", f"{field}: {value} is not in the codelist; {advice}"
    if kw == "pattern":
        hint = err.schema.get("x-pattern-hint")
        return "S005", f"{field}: {value} " + (
            f"is not {hint}" if hint else f"does not match the pattern {err.validator_value}"
        )
    if kw == "format":
        valid = _FORMATS.get(err.validator_value, err.validator_value)
        return "S006", f"{field}: {value} is not {valid}"
    if kw in _LIMITS:
        size = len(err.instance) if isinstance(err.instance, (str, list)) else None
        limit = _LIMITS[kw].format(value=value, limit=err.validator_value, size=size)
        return "S007", f"{field}: {limit}"
    if kw == "uniqueItems":
        return "S009", f"{field}: the list repeats an item; list each once"
    return "S009", f"{field}: {err.message}"


def _is_type_error(err: ValidationError) -> bool:
    """A value of a type its field never allows (a nullable field's anyOf
    included)."""
    return err.validator == "type" or (
        err.validator == "anyOf" and any(e.validator == "type" for e in err.context)
    )


def _unnest(err: ValidationError) -> list[ValidationError]:
    """A nullable codelist field is ``anyOf: [codelist, null]``. When a
    non-null value fails it, the useful errors are the ones from the
    codelist branch ("not in the codelist"), not "not valid under any of
    the given schemas"."""
    if err.validator != "anyOf" or not err.context:
        return [err]
    branches: dict = {}
    for sub in err.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    # A branch the value has the right type for, but fails for another reason.
    useful = [subs for subs in branches.values() if all(e.validator != "type" for e in subs)]
    if len(useful) == 1:
        return [e for sub in useful[0] for e in _unnest(sub)]
    return [err]


def json_path(parts: Iterable[str | int]) -> str:
    return functools.reduce(child_pointer, parts, "$")


def _show(value: object) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return str(value)


_TYPE_NAMES = {"string": "text", "array": "list", "object": "mapping"}


def _types(*allowed: str | list[str]) -> str:
    """The types a schema allows ("string", or a list of them), in words."""
    names = [n for t in allowed for n in ([t] if isinstance(t, str) else t)]
    return " or ".join(_TYPE_NAMES.get(n, n) for n in dict.fromkeys(names))


def _describe(err: ValidationError, field: str) -> str:
    if err.validator == "type":
        return f"{field} is {_show(err.instance)}, expected {_types(err.validator_value)}"
    if err.validator in ("minItems", "maxItems"):
        bound = "at least" if err.validator == "minItems" else "at most"
        return f"{field} has {len(err.instance)} item(s), expected {bound} {err.validator_value}"
    if err.validator == "not":
        # The rule's description says what the value must not be.
        return f"{field} is {_show(err.instance)}"
    return f"{field}: {err.message}"


# --- files beside the records ---------------------------------------------------


def side_file_errors(schema: dict, data: object) -> list[tuple[tuple[str | int, ...], str]]:
    """(path of the value, message) for each way a file beside the records (the
    loaded-terms list, the uncited blocks) breaks its JSON Schema. The
    message is the failing subschema's "x-message", which says how to write
    the value ({value} stands for the value found); else it is worded as
    for a record."""
    out = []
    for err in (e for found in StrictValidator(schema).iter_errors(data) for e in _unnest(found)):
        at = tuple(err.absolute_path)
        field = json_path(at).rsplit(".", 1)[-1]
        wording = err.schema.get("x-message")
        message = wording.format(value=_show(err.instance)) if wording else _message(err, field)[1]
        out.append((at, message))
    return list(dict.fromkeys(out))


def json_marks(text: str) -> dict[str, tuple[int, int]]:
    """JSON path -> (line, column), from 1, of every value of a JSON text.
    The json module keeps no positions; JSON is YAML, whose parser does."""
    marks: dict[str, tuple[int, int]] = {}

    def visit(node: yaml.Node, at: str) -> None:
        marks[at] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                visit(value, child_pointer(at, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                visit(value, child_pointer(at, i))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return marks  # a JSON text that is not YAML: its problems are reported at line 1
    if root is not None:  # None: an empty text
        visit(root, "$")
    return marks
