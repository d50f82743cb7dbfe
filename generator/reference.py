"""The format reference: every kind of file, every key, as a page of the site.

It is written from the JSON Schemas of `schema.py`, which pydantic makes from the models
the validator checks against, so the page, the schemas in editors and the validator read
the same declarations and cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .escape import md_inline
from .model import (
    DATE_PATTERN,
    DURATION_PATTERN,
    ID_PATTERN,
    KIND,
    PERIOD_PATTERN,
    URL_PATTERN,
    reference_fields,
)
from .schema import schema_for

PAGE_PATH = "guide/format.md"
"""Where the reference lives in the site: beside the hand-written editing guide."""

KindsOf = Callable[[str, tuple[str, ...]], tuple[str, ...]]
"""(kind, key path) -> the kinds of entity an id at that key may name; () when it is no reference."""


def referenced_kinds(kind: str, path: tuple[str, ...]) -> tuple[str, ...]:
    """The kinds an id at `path` (list steps left out) may name, from the model's `Ref`s."""
    for where, kinds in reference_fields(KIND[kind].model):
        if tuple(part for part in where if part != "*") == path:
            return kinds
    return ()


@dataclass(frozen=True)
class Row:
    """One key of one mapping, as the reference shows it."""

    key: str
    required: bool
    type: str
    allowed: str
    description: str


def _inner(prop: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema of a value without its `null` alternative, and whether null is allowed."""
    options = prop.get("anyOf")
    if options:
        values = [o for o in options if o.get("type") != "null"]
        if len(values) == 1 and len(values) < len(options):
            merged = {**values[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
            return merged, True
    return prop, False


def _bounds(prop: dict[str, Any]) -> str:
    low = prop.get("minimum", prop.get("ge"))
    high = prop.get("maximum", prop.get("le"))
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f", at least {low}"
    if high is not None:
        return f", at most {high}"
    return ""


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _or(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@dataclass(frozen=True)
class _Owner:
    """The kind a table of keys belongs to, with its schema, made once per kind."""

    name: str
    schema: dict[str, Any]


def _type(prop: dict[str, Any], owner: _Owner, kinds: tuple[str, ...]) -> str:
    """What a value is, in words: `text`, `id of a role or department`, `list of texts`…"""
    if "$ref" in prop:
        return f"mapping (see [below](#{_nested_anchor(owner, prop['$ref'])}))"
    if "anyOf" in prop or "oneOf" in prop:  # oneOf: a union told apart by the value's form (a cadence)
        options = [_type(o, owner, kinds) for o in prop.get("anyOf") or prop["oneOf"] if o.get("type") != "null"]
        numbers = {"whole number", "number"}
        if set(options) <= numbers:
            return "number" + _bounds(prop)
        return " or ".join(options)
    kind = prop.get("type")
    if kind == "array":
        return _list_type(prop, owner, kinds)
    if kind in ("integer", "number"):
        return ("whole number" if kind == "integer" else "number") + _bounds(prop)
    if kind == "boolean":
        return "true or false"
    return _text_type(prop, kinds)


def _list_type(prop: dict[str, Any], owner: _Owner, kinds: tuple[str, ...]) -> str:
    items = prop.get("items", {})
    item = f"{_or(kinds)} ids" if kinds and items.get("pattern") == ID_PATTERN else _type(items, owner, kinds)
    if item.startswith("mapping "):
        item = "mappings " + item.removeprefix("mapping ")
    if item.startswith("text, up to "):
        item = f"texts of up to {item.removeprefix('text, up to ')} each"
    least = prop.get("minItems")
    if item.startswith("whole number"):  # "whole numbers (each at least 1), at least 1 of them"
        bounds = item.removeprefix("whole number").removeprefix(", ").strip()
        item = "whole numbers" + (f" (each {bounds})" if bounds else "")
        return f"list of {item}" + (f", at least {least} of them" if least else "")
    return f"list of {item}" + (f", at least {least}" if least else "")


def _text_type(prop: dict[str, Any], kinds: tuple[str, ...]) -> str:
    pattern = prop.get("pattern")
    named = {DURATION_PATTERN: "duration", URL_PATTERN: "address", DATE_PATTERN: "date", PERIOD_PATTERN: "period"}
    if pattern == ID_PATTERN:
        return f"id of {_a(_or(kinds))}" if kinds else "id"
    if pattern in named:
        return named[pattern]
    if "enum" in prop:
        return "one of"
    longest = prop.get("maxLength")
    return f"text, up to {longest:,} characters" if longest else "text"


def _allowed(prop: dict[str, Any]) -> str:
    """Allowed values or the form a value takes, as Markdown."""
    prop, _ = _inner(prop)
    if prop.get("type") == "array":
        prop = prop.get("items", {})
    if "enum" in prop:
        return ", ".join(f"`{value}`" for value in prop["enum"])
    pattern = prop.get("pattern")
    if pattern == DURATION_PATTERN:
        return "up to 4 digits and `m`, `h` or `d` (`15m`, `2h`, `3d`)"
    if pattern == URL_PATTERN:
        return "`https://…`, `http://…` or `mailto:…`"
    if pattern in (DATE_PATTERN, PERIOD_PATTERN):
        return "`YYYY-MM-DD` (`2026-05-01`)" if pattern == DATE_PATTERN else "up to 4 digits and `d` or `w` (`180d`, `26w`)"
    return ""


def _rows(owner: _Owner, schema: dict[str, Any], path: tuple[str, ...], kinds_of: KindsOf) -> list[Row]:
    required = set(schema.get("required", ()))
    defs = owner.schema.get("$defs", {})
    rows = []
    for key, prop in schema.get("properties", {}).items():
        value, _nullable = _inner(prop)
        nested = defs.get(str(value.get("$ref", "")).rsplit("/", 1)[-1], {})
        # pydantic leaves out a key's description when it equals its mapping's own
        described = prop.get("description") or value.get("description") or nested.get("description", "")
        default = prop.get("default")
        if default not in (None, [], {}):
            described = f"{described} Default: `{default}`.".strip()
        rows.append(
            Row(
                key=key,
                required=key in required,
                type=_type(value, owner, kinds_of(owner.name, (*path, key))),
                allowed=_allowed(value),
                description=described,
            )
        )
    rows.sort(key=lambda row: (not row.required, _position(schema, row.key)))
    return rows


def _position(schema: dict[str, Any], key: str) -> int:
    order = schema.get("x-order") or list(schema.get("properties", {}))
    return order.index(key) if key in order else len(order)


def _nested_heading(owner: str, key: str) -> str:
    return f"`{key}` in {_a(owner)}"


def _nested_anchor(owner: _Owner, ref: str) -> str:
    """The anchor the toc extension gives a nested mapping's heading ("kpis-in-a-role")."""
    key = _key_of(owner.schema, ref.rsplit("/", 1)[-1])
    return f"{key}-in-{_a(owner.name)}".replace(" ", "-")


def _key_of(schema: dict[str, Any], name: str) -> str:
    """The key whose value is the nested mapping `name`."""
    return next((k for k, p in schema["properties"].items() if f"/$defs/{name}'" in str(p)), name.lower())


def _entries(rows: list[Row]) -> list[str]:
    """One list item per key: a list reads on a phone, where a five-column table would scroll."""
    lines: list[str] = []
    for row in rows:
        value = f"{row.type}: {row.allowed}" if row.allowed else row.type
        need = "**required**" if row.required else "optional"
        lines += [f"- `{row.key}` · {need} · {value}", "", f"    {md_inline(row.description)}", ""]
    return lines[:-1]


def _defs_used(schema: dict[str, Any]) -> list[str]:
    """Names of the nested mappings a schema refers to, in the order its keys name them."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.rsplit("/", 1)[-1] not in found:
                found.append(ref.rsplit("/", 1)[-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema.get("properties", {}))
    return found


def _where(kind: str) -> str:
    if kind == "organization":
        return "org/organization.yml"
    return f"{KIND[kind].folder}/<id>.yml"


REDIRECTS = [
    "",
    "## Redirects",
    "",
    "`redirects.yml` (beside `mkdocs.yml`): old page addresses that keep working after an",
    "entity got a new id. `playbook rename` and `playbook remove --to` write it; you rarely",
    "edit it by hand. One line per old page, both sides the generated pages' paths:",
    "",
    "```yaml",
    "redirects:",
    "  departments/marketing-communication.md: departments/social-media-hub.md",
    "```",
    "",
    "The site then has a page at the old address that sends readers on to the new one.",
    "`playbook validate` reports a redirect to a page that does not exist, and an old address",
    "that is a page again.",
]
"""The one file that is not an entity: the redirects `playbook rename` declares."""


def reference_markdown(title: str = "Format reference", kinds_of: KindsOf = referenced_kinds) -> str:
    """The whole reference page, as Markdown."""
    lines = [
        f"# {md_inline(title)}",
        "",
        "Every kind of file the playbook reads, and every key each may hold. This page is",
        "generated from the same declarations as the validator (`playbook validate`) and the",
        "JSON Schemas your editor uses (`schemas/`), so the three always agree.",
        "",
        "- **A file's name is its id**: `org/roles/community-manager.yml` is the role",
        "  `community-manager`. Ids are lower-case letters, digits and single hyphens, unique",
        "  across all kinds, so a reference is just an id.",
        "- **Required** keys must be there; optional keys may be left out.",
        "- **Text** may be Markdown where the page shows it as a paragraph; it is never run as",
        "  HTML or script. Put text that contains `: ` or starts with a special character in",
        "  quotes.",
        "- **Durations** are a number and a unit: `15m`, `2h`, `3d`.",
        "",
        "| Kind | File |",
        "| --- | --- |",
    ]
    for kind in KIND:
        lines.append(f"| [{kind.capitalize()}](#{kind}) | `{_where(kind)}` |")
    for kind in KIND:
        owner = _Owner(kind, schema_for(kind))  # the one schema of the kind, for every table below
        schema, defs = owner.schema, owner.schema.get("$defs", {})
        description = schema["description"].removesuffix(f" ({_where(kind)}).").removesuffix(".")
        lines += ["", f"## {kind.capitalize()}", "", f"`{_where(kind)}`: {md_inline(description)}.", ""]
        lines += _entries(_rows(owner, schema, (), kinds_of))
        for name in _defs_used(schema):
            nested = defs[name]
            key = _key_of(schema, name)
            lines += ["", f"### {_nested_heading(kind, key)}", "", md_inline(nested.get("description", "")), ""]
            lines += _entries(_rows(owner, nested, (key,), kinds_of))
    return "\n".join(lines + REDIRECTS) + "\n"
