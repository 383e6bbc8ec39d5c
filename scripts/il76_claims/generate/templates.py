"""New records from commented templates, and the templates from the schemas.

``schemas/templates/<kind>.yaml`` lists every field of a kind with a
comment saying what it means, whether it is required, what it may hold and
which codes are allowed. The templates are generated from the schemas (so
they cannot drift: a test compares them) and committed (so contributors can
read them). Comments sit on lines of their own, because the strict loader
refuses a ' #' after an unquoted value.

Every value starts as null (or an empty list): null is a valid answer for
the fields that allow it, and for the others the checker reports each
unfilled field at its line until a value is written.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import textwrap
from pathlib import Path

from ..check import canonical
from ..model.fileio import write_if_changed
from ..model.record import ID_RE
from ..model.schemas import KINDS, SchemaSet

TEMPLATES = "schemas/templates"
MAX_ID = 80
WIDTH = 88
# Codelists longer than this are referred to, not listed (country has ~250).
MAX_LISTED_CODES = 25


class ScaffoldError(Exception):
    """The project's templates stop a new record from being written."""


class BadRequest(ScaffoldError):
    """The command asks for what cannot be done (a kind that does not
    exist, a taken or malformed id): a mistake in the invocation, exit 2."""


# --- templates ----------------------------------------------------------------


def _wrap(text: str, indent: str = "", hang: str = "") -> list[str]:
    """Comment lines of at most WIDTH characters; ``hang`` indents the
    continuation lines of a list entry under its first word."""
    lines = textwrap.wrap(
        text,
        width=WIDTH - 2,
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [f"# {line}".rstrip() for line in lines] or ["#"]


def _types(s: dict) -> list[str]:
    t = s.get("type", "string")
    return t if isinstance(t, list) else [t]


def _what(schemas: SchemaSet, prop: dict) -> tuple[str, list[str]]:
    """(a sentence on what a property holds, the lines listing its codes)."""
    s = schemas.resolve(prop)
    codelist = schemas.codelist_of(prop)
    ref = prop.get("x-ref-kind")
    if codelist:
        cl = schemas.codelists[codelist]
        if len(cl.codes) <= MAX_LISTED_CODES:
            codes = [f"{code}: {desc}" for code, desc in cl.codes.items()]
            return f"One of these codes (codelist {codelist}):", codes
        what = f"A code of the {codelist} codelist ({cl.title}; {len(cl.codes)} codes, listed in schemas/codelists/{codelist}.json and docs/codebook.md)."
    elif ref:
        what = f"The id of {'an' if ref[:1] in 'aeiou' else 'a'} {ref} record (records/{ref}/<id>.yaml)."
    elif s.get("format") == "date":
        what = "An ISO date, YYYY-MM-DD."
    elif "boolean" in _types(s):
        what = "true or false."
    elif "integer" in _types(s):
        lo, hi = s.get("minimum"), s.get("maximum")
        bounded = lo is not None and hi is not None
        what = f"A whole number from {lo} to {hi}." if bounded else "A whole number."
    elif s.get("x-pattern-hint"):
        what = f"Text: {s['x-pattern-hint']}."
    elif s.get("x-multiline"):
        what = (
            "Text. Write it on one line, however long: il76-claims fmt folds it (>-)."
            " A line break is part of the value; write one only where the text has one."
        )
    else:
        what = "One line of text."
    return what, []


def _field_lines(
    schemas: SchemaSet, name: str, prop: dict, required: bool, indent: str = ""
) -> list[str]:
    what, codes = _what(schemas, prop)
    lines = _wrap(f"{_head(schemas, name, prop, required)} {what}", indent, "  ")
    for c in codes:
        lines += _wrap(c, indent + "    ", "    ")
    return lines


def _head(schemas: SchemaSet, name: str, prop: dict, required: bool) -> str:
    s = schemas.resolve(prop)
    need = "required" if required else "optional"
    if "null" in _types(s) or s.get("nullable"):
        need += ", may be null"
    return f"{name} ({prop.get('title', name)}; {need}): {prop.get('description', '')}"


def render_template(kind: str, schemas: SchemaSet) -> str:
    doc = schemas.kinds[kind]
    required = set(doc.get("required", []))
    lines = _introduction(kind, doc)
    for name, prop in doc["properties"].items():
        if prop.get("x-template") is False:
            continue  # a field no new record has (former_ids)
        if prop.get("type") == "array":
            lines += ["", *_list_lines(schemas, name, prop, name in required)]
        else:
            lines += ["", *_field_lines(schemas, name, prop, name in required), f"{name}: null"]
    return _canonical(f"{TEMPLATES}/{kind}.yaml", "\n".join(lines) + "\n", kind, schemas)


def _introduction(kind: str, doc: dict) -> list[str]:
    """The kind's description, how to fill the template, and the rules
    that hold across its fields."""
    lines = _wrap(f"{doc['title']}: {doc['description']}")
    lines += _wrap(
        f"Written by `il76-claims new {kind}` from schemas/templates/{kind}.yaml. Replace each null with a value, "
        "except where the comment says null is allowed and the value is not known or does not apply. "
        "Then run `il76-claims check`, which points at every field still to fill. "
        "These comments may stay or go; docs/editorial-policy.md says how to word things."
    )
    rules = cross_field_rules(doc)
    if rules:
        lines += ["#", "# Rules across fields:"]
        for r in rules:
            lines += _wrap(f"- {r}.", "  ", "  ")
    return lines


def cross_field_rules(doc: dict) -> list[str]:
    """What a kind's schema requires across its fields, in words."""
    return [r["description"] for r in doc.get("allOf", []) if r.get("description")]


def _list_lines(schemas: SchemaSet, name: str, prop: dict, required: bool) -> list[str]:
    """A list field: what it holds, then an empty list with an item to copy
    shown in comments (or the item itself when the list may not be empty)."""
    limits = [f"at least {prop['minItems']}"] if prop.get("minItems") else []
    limits += [f"at most {prop['maxItems']}"] if prop.get("maxItems") else []
    head = f"{_head(schemas, name, prop, required)} A list ({', '.join(limits)} items)"
    items = prop["items"]
    if "properties" not in items:
        what, _ = _what(schemas, {**items, "x-ref-kind": prop.get("x-ref-kind")})
        text = f"{head}, in order; [] when empty. Each item: {what} Write one item per line:"
        lines = _wrap(text, "", "  ")
        return [*lines, f"#   {name}:", "#     - first-id", "#     - second-id", f"{name}: []"]
    lines = _wrap(f"{head}; each item has these fields:", "", "  ")
    ireq = set(items.get("required", []))
    for iname, iprop in items["properties"].items():
        lines += _field_lines(schemas, iname, iprop, iname in ireq, "  ")
    item = [
        f"  {'- ' if i == 0 else '  '}{iname}: null" for i, iname in enumerate(items["properties"])
    ]
    if prop.get("minItems"):
        return [*lines, f"{name}:", *item]
    return [*lines, f"#   {name}:", *(f"# {x}" for x in item), f"{name}: []"]


def _canonical(rel: str, text: str, kind: str, schemas: SchemaSet) -> str:
    """The text in the canonical form (il76-claims fmt), which templates
    and new records are written in, so that `fmt --check` passes them."""
    out, problems = canonical.canonical_text(rel, text, kind, canonical.shapes(schemas))
    if out is None:
        raise ScaffoldError(f"{rel} cannot be written in the canonical form: {problems[0].message}")
    return out


def templates(schemas: SchemaSet) -> dict[str, str]:
    """Path (relative to the project) -> text of every template."""
    return {f"{TEMPLATES}/{kind}.yaml": render_template(kind, schemas) for kind in KINDS}


def write_templates(root: str) -> list[str]:
    """Regenerate the committed templates; returns the paths that changed."""
    texts = templates(SchemaSet(os.path.join(root, "schemas")))
    return [rel for rel, text in texts.items() if write_if_changed(os.path.join(root, rel), text)]


# --- ids ----------------------------------------------------------------------


def slugify(name: str) -> str:
    """A name as an id: lower-case ASCII words joined by hyphens, other
    scripts transliterated (python-slugify), room left for a -NN suffix."""
    from slugify import slugify as library_slugify

    return library_slugify(
        name, max_length=MAX_ID - 4, word_boundary=True, replacements=[("'", ""), ("’", "")]
    )


def taken_ids(root: str) -> set[str]:
    """Ids of existing records of every kind (ids are unique across kinds),
    from the file names, so a record that does not load yet still counts."""
    try:
        folders = [
            f for f in os.scandir(os.path.join(root, "records")) if f.is_dir(follow_symlinks=False)
        ]
    except FileNotFoundError:
        return set()
    return {os.path.splitext(f.name)[0].lower() for d in folders for f in os.scandir(d.path)}


def free_id(root: str, name: str) -> str:
    base = slugify(name)
    if not base:
        raise BadRequest(
            f"cannot make an id from {name!r} (no letters or digits that have an ASCII form); pass --id"
        )
    taken = taken_ids(root)
    candidates = itertools.chain([base], (f"{base}-{n}" for n in itertools.count(2)))
    return next(rid for rid in candidates if rid not in taken)


def check_id(root: str, rid: str) -> None:
    if not ID_RE.match(rid) or len(rid) > MAX_ID:
        raise BadRequest(
            f"--id {rid!r} is not a valid id: use lower-case ASCII letters and digits in words joined by single hyphens, at most {MAX_ID} characters"
        )
    if rid in taken_ids(root):
        raise BadRequest(
            f"the id {rid!r} is taken (ids are unique across all kinds); choose another, e.g. {free_id(root, rid)!r}"
        )


# --- new records --------------------------------------------------------------


def scaffold(
    root: str,
    kind: str,
    rid: str | None = None,
    name: str | None = None,
    text_held: str | None = None,
) -> str:
    """Write records/<kind>/<id>.yaml from the kind's template; returns its
    path relative to root. Never overwrites."""
    if kind not in KINDS:
        raise BadRequest(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    if rid is not None:
        check_id(root, rid)
    elif name:
        rid = free_id(root, name)
    else:
        raise BadRequest("give --id ID or --name NAME (the id is made from the name)")
    schemas = SchemaSet(os.path.join(root, "schemas"))
    rel = f"records/{kind}/{rid}.yaml"
    text = _canonical(rel, _filled(root, kind, rid, name, text_held), kind, schemas)
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        # 'x': fail rather than overwrite, even if the file appeared just now.
        with open(path, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        raise BadRequest(f"{rel} already exists; it was left as it was") from None
    return rel


def _filled(root: str, kind: str, rid: str, name: str | None, text_held: str | None) -> str:
    """The kind's template with its id, and its name and text_held when
    given. Only a kind with a name field has a 'name: null' line."""
    try:
        text = Path(root, TEMPLATES, f"{kind}.yaml").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScaffoldError(
            f"{TEMPLATES}/{kind}.yaml is missing; run il76-claims new --update-templates"
        ) from None
    text, n = re.subn(r"^id: null$", f"id: {rid}", text, count=1, flags=re.M)
    if n != 1:
        raise ScaffoldError(
            f"{TEMPLATES}/{kind}.yaml has no 'id: null' line; run il76-claims new --update-templates"
        )
    if name:  # never blank: the id was made from it (the command refuses --id with --name)
        # A JSON string is a valid YAML double-quoted scalar with the same value.
        quoted = json.dumps(" ".join(name.split()), ensure_ascii=False)
        text = re.sub(r"^name: null$", lambda _: f"name: {quoted}", text, count=1, flags=re.M)
    if text_held is not None:
        held = "true" if text_held == "yes" else "false"
        text = re.sub(r"^text_held: null$", f"text_held: {held}", text, count=1, flags=re.M)
    return text
