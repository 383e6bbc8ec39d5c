"""A yes/no answer to "is this record valid against its schema?", fast.

jsonschema walks a schema for every record, resolving each ``$ref`` through
``referencing`` as it goes; on real records that is most of the checker's
time. Nearly every record is valid, and for a valid record the walk only
has to say so. This module compiles each schema once into plain Python
closures that give exactly jsonschema's verdict, and the checker asks
jsonschema (``schema_check``) for the error messages only when the answer
is no.

Exactness is the whole point: a "yes" here skips jsonschema. So:

* only the keywords below are compiled, each with jsonschema's own meaning
  (types as its Draft 2020-12 type checker sees them, its ``equal`` for
  ``enum``/``const``, its format checker, the project's ``pattern`` rule);
  a schema using any other keyword is not compiled at all, and every record
  of that kind goes to jsonschema;
* a record holding a value of a Python type that JSON has no name for (the
  loader never makes one), or a list whose uniqueness only jsonschema's
  own comparison can judge, goes to jsonschema.

tests/test_fastschema.py compares the two on many generated records.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, urldefrag, urljoin

from .schemas import SchemaSet

Check = Callable[[object], bool]

# Keywords that never affect validity.
_ANNOTATIONS = frozenset({"title", "description", "$comment", "default", "examples", "deprecated", "readOnly", "writeOnly", "$defs"})
_DRAFT = "https://json-schema.org/draft/2020-12/schema"


class Unsupported(Exception):
    """The schema uses something this module does not compile exactly."""


def _plain(value, depth=0) -> bool:
    """Whether a value is made only of the types the loader makes (and
    floats): dict with text keys, list, str, int, bool, None. Checked once
    per record, so the compiled checks can rely on exact types."""
    t = type(value)
    if t is str or t is int or t is bool or value is None or t is float:
        return True
    if depth > 32:
        return False
    if t is dict:
        for k, v in value.items():
            if type(k) is not str or not _plain(v, depth + 1):
                return False
        return True
    if t is list:
        for v in value:
            if not _plain(v, depth + 1):
                return False
        return True
    return False


def _json_types(value) -> frozenset[str]:
    """The JSON Schema types of a plain value, as jsonschema's Draft
    2020-12 type checker decides them (bool is not an integer; 2.0 is)."""
    t = type(value)
    if t is str:
        return _STRING
    if t is bool:
        return _BOOLEAN
    if t is int:
        return _INTEGER
    if value is None:
        return _NULL
    if t is list:
        return _ARRAY
    if t is dict:
        return _OBJECT
    return _INTEGER if value.is_integer() else _NUMBER


_STRING = frozenset({"string"})
_BOOLEAN = frozenset({"boolean"})
_INTEGER = frozenset({"integer", "number"})
_NUMBER = frozenset({"number"})
_NULL = frozenset({"null"})
_ARRAY = frozenset({"array"})
_OBJECT = frozenset({"object"})
_KNOWN_TYPES = frozenset({"string", "boolean", "integer", "number", "null", "array", "object"})


class _Compiler:
    def __init__(self, schemas: SchemaSet, format_conforms: Callable[[object, str], bool], pattern: Callable[[str], object]):
        self.documents = schemas.documents
        self.conforms = format_conforms
        self.pattern = pattern
        self.done: dict[str, Check] = {}  # resolved $ref URI -> check
        self.active: set[str] = set()

    def document(self, uri: str) -> Check:
        doc = self.documents[uri]
        if doc.get("$schema", _DRAFT) != _DRAFT:
            raise Unsupported(f"{uri}: $schema {doc.get('$schema')}")
        return self.node(doc, uri, root=True)

    def ref(self, ref: str, base: str) -> Check:
        uri = urljoin(base, ref)
        if uri in self.done:
            return self.done[uri]
        if uri in self.active:
            raise Unsupported(f"recursive $ref {uri}")
        doc_uri, frag = urldefrag(uri)
        if doc_uri not in self.documents:
            raise Unsupported(f"$ref to an unknown document {doc_uri}")
        doc = self.documents[doc_uri]
        if doc.get("$schema", _DRAFT) != _DRAFT:
            raise Unsupported(f"{doc_uri}: $schema {doc.get('$schema')}")
        node = doc
        if frag:
            if not frag.startswith("/"):
                raise Unsupported(f"$ref to an anchor {uri}")
            for part in frag[1:].split("/"):
                part = unquote(part).replace("~1", "/").replace("~0", "~")
                if isinstance(node, list) and part.isdigit():
                    node = node[int(part)]
                elif isinstance(node, dict) and part in node:
                    node = node[part]
                else:
                    raise Unsupported(f"unresolvable $ref {uri}")
        self.active.add(uri)
        try:
            check = self.node(node, doc_uri, root=node is doc)
        finally:
            self.active.discard(uri)
        self.done[uri] = check
        return check

    def node(self, schema, base: str, root: bool = False) -> Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise Unsupported(f"schema is a {type(schema).__name__}")
        checks: list[Check] = []
        object_rules: dict = {}
        for key, value in schema.items():
            if key in _ANNOTATIONS or key.startswith("x-") or key in ("then", "else"):
                continue
            if key in ("$id", "$schema"):
                if not root:
                    raise Unsupported(f"{key} inside a document")
                continue
            if key in ("properties", "required", "additionalProperties"):
                object_rules[key] = value
                continue
            make = _KEYWORDS.get(key)
            if make is None:
                raise Unsupported(f"keyword {key}")
            checks.append(make(self, value, schema, base))
        if object_rules:
            checks.append(self.object_rules(object_rules, base))
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        checks_t = tuple(checks)

        def all_of(x):
            for c in checks_t:
                if not c(x):
                    return False
            return True

        return all_of

    # -- keywords ----------------------------------------------------------

    def k_ref(self, value, schema, base):
        if not isinstance(value, str):
            raise Unsupported("$ref is not a string")
        return self.ref(value, base)

    def k_type(self, value, schema, base):
        wanted = frozenset([value] if isinstance(value, str) else value)
        if not wanted <= _KNOWN_TYPES:
            raise Unsupported(f"type {value}")

        def check(x):
            return not wanted.isdisjoint(_json_types(x))

        return check

    def k_enum(self, value, schema, base):
        if not isinstance(value, list) or not all(type(v) is str for v in value):
            raise Unsupported("enum of values other than text")
        allowed = frozenset(value)

        def check(x):
            # jsonschema's equal() compares text with ==, so a value that
            # is not text never equals a text code.
            return type(x) is str and x in allowed

        return check

    def k_const(self, value, schema, base):
        if type(value) is not str:
            raise Unsupported("const other than text")

        def check(x):
            return type(x) is str and x == value

        return check

    def k_pattern(self, value, schema, base):
        search = self.pattern(value).search

        def check(x):
            return type(x) is not str or search(x) is not None

        return check

    def k_format(self, value, schema, base):
        conforms = self.conforms

        def check(x):
            return conforms(x, value)

        return check

    def _bound(self, value, op):
        if type(value) not in (int, float):
            raise Unsupported("non-numeric bound")

        def check(x):
            t = type(x)
            return not (t is int or t is float) or op(x, value)

        return check

    def k_minimum(self, value, schema, base):
        return self._bound(value, lambda x, v: not x < v)

    def k_maximum(self, value, schema, base):
        return self._bound(value, lambda x, v: not x > v)

    def k_exclusiveMinimum(self, value, schema, base):
        return self._bound(value, lambda x, v: not x <= v)

    def k_exclusiveMaximum(self, value, schema, base):
        return self._bound(value, lambda x, v: not x >= v)

    def _length(self, value, kind, ok):
        if type(value) is not int:
            raise Unsupported("non-integer length")

        def check(x):
            return type(x) is not kind or ok(len(x), value)

        return check

    def k_minLength(self, value, schema, base):
        return self._length(value, str, lambda n, v: n >= v)

    def k_maxLength(self, value, schema, base):
        return self._length(value, str, lambda n, v: n <= v)

    def k_minItems(self, value, schema, base):
        return self._length(value, list, lambda n, v: n >= v)

    def k_maxItems(self, value, schema, base):
        return self._length(value, list, lambda n, v: n <= v)

    def k_uniqueItems(self, value, schema, base):
        if value is not True:
            return _always

        def check(x):
            if type(x) is not list:
                return True
            if all(type(i) is str for i in x):
                return len(set(x)) == len(x)
            raise _Unsure  # items other than text: leave it to jsonschema

        return check

    def k_items(self, value, schema, base):
        if "prefixItems" in schema:
            raise Unsupported("prefixItems")
        item = self.node(value, base)

        def check(x):
            if type(x) is not list:
                return True
            for i in x:
                if not item(i):
                    return False
            return True

        return check

    def k_allOf(self, value, schema, base):
        subs = tuple(self.node(s, base) for s in value)

        def check(x):
            for s in subs:
                if not s(x):
                    return False
            return True

        return check

    def k_anyOf(self, value, schema, base):
        subs = tuple(self.node(s, base) for s in value)

        def check(x):
            for s in subs:
                if s(x):
                    return True
            return False

        return check

    def k_if(self, value, schema, base):
        cond = self.node(value, base)
        then = self.node(schema["then"], base) if "then" in schema else _always
        else_ = self.node(schema["else"], base) if "else" in schema else _always

        def check(x):
            return then(x) if cond(x) else else_(x)

        return check

    def object_rules(self, rules: dict, base: str) -> Check:
        props = {name: self.node(sub, base) for name, sub in (rules.get("properties") or {}).items()}
        required = tuple(rules.get("required") or ())
        additional = rules.get("additionalProperties", True)
        if additional not in (True, False):
            raise Unsupported("additionalProperties with a schema")
        closed = additional is False
        known = frozenset(props)

        def check(x):
            if type(x) is not dict:
                return True
            for name in required:
                if name not in x:
                    return False
            if closed and not known.issuperset(x):
                return False
            for name, value in x.items():
                sub = props.get(name)
                if sub is not None and not sub(value):
                    return False
            return True

        return check


_KEYWORDS = {
    "$ref": _Compiler.k_ref,
    "type": _Compiler.k_type,
    "enum": _Compiler.k_enum,
    "const": _Compiler.k_const,
    "pattern": _Compiler.k_pattern,
    "format": _Compiler.k_format,
    "minimum": _Compiler.k_minimum,
    "maximum": _Compiler.k_maximum,
    "exclusiveMinimum": _Compiler.k_exclusiveMinimum,
    "exclusiveMaximum": _Compiler.k_exclusiveMaximum,
    "minLength": _Compiler.k_minLength,
    "maxLength": _Compiler.k_maxLength,
    "minItems": _Compiler.k_minItems,
    "maxItems": _Compiler.k_maxItems,
    "uniqueItems": _Compiler.k_uniqueItems,
    "items": _Compiler.k_items,
    "allOf": _Compiler.k_allOf,
    "anyOf": _Compiler.k_anyOf,
    "if": _Compiler.k_if,
}


class _Unsure(Exception):
    """A list the compiled uniqueItems check does not judge."""


def _always(x) -> bool:
    return True


def _never(x) -> bool:
    return False


class FastValidity:
    """kind -> compiled check; kinds whose schema could not be compiled
    have none, and ``is_valid`` answers False for them (ask jsonschema)."""

    def __init__(self, schemas: SchemaSet, format_conforms, pattern):
        self.checks: dict[str, Check] = {}
        self.unsupported: dict[str, str] = {}
        compiler = _Compiler(schemas, format_conforms, pattern)
        for kind, doc in {**schemas.kinds, "dataset": schemas.dataset}.items():
            try:
                self.checks[kind] = compiler.document(doc["$id"])
            except Unsupported as exc:
                self.unsupported[kind] = str(exc)

    def is_valid(self, kind: str, instance) -> bool:
        """True only when jsonschema would find no error."""
        check = self.checks.get(kind)
        if check is None or not _plain(instance):
            return False
        try:
            return check(instance)
        except _Unsure:
            return False


def for_schemas(schemas: SchemaSet) -> FastValidity:
    """The fast checks with jsonschema's format checker and the project's
    pattern rule, as schema_check uses them."""
    from jsonschema import Draft202012Validator

    from .schema_check import _compiled

    return FastValidity(schemas, Draft202012Validator.FORMAT_CHECKER.conforms, _compiled)
