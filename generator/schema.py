"""JSON Schemas (draft 2020-12) for each kind of file, for editor completion."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .model import ENTITY_TYPES

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(kind: str) -> dict[str, Any]:
    cls = ENTITY_TYPES[kind]
    schema = _as_validated(cls.model_json_schema(by_alias=True))
    schema = {"$schema": DIALECT, "$id": f"{kind}.schema.json", **schema}
    schema["title"] = kind.capitalize()
    schema["description"] = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else kind
    return schema


def _as_validated(schema: dict[str, Any]) -> dict[str, Any]:
    """Make pydantic's schema accept exactly what the validator accepts, file by file.

    Two things pydantic's generator leaves out are put in here:

    - `coerce_numbers_to_str`: a text field takes a number (`title: 2024`, `target: 3000`)
      and checks its digits against the field's pattern, so each text schema also allows
      the numbers whose written form fits that pattern (an id takes `2024`, a duration
      takes no number at all).
    - A reference to a nested model (`raci`) loses its description when the field's and
      the model's docstrings agree; the editor shows nothing on hover without it.

    - Bounds on a union (`share: int | float` between 0 and 100): pydantic writes them as
      its own `ge`/`le` keys, which JSON Schema ignores; they become `minimum`/`maximum`.
    """
    definitions = schema.get("$defs", {})
    return _walk(schema, definitions)


def _walk(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_walk(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    node = {_BOUNDS.get(key, key) if _is_number(value) else key: _walk(value, definitions)
            for key, value in node.items()}
    if "anyOf" in node:  # a union holding a union is one union: the editor lists its choices
        node["anyOf"] = [part for member in node["anyOf"]
                         for part in (member["anyOf"] if set(member) == {"anyOf"} else [member])]
    if node.get("type") == "string" and "enum" not in node and "const" not in node:
        node = _text_or_number(node)
    properties = node.get("properties")
    if isinstance(properties, dict):
        for name, value in properties.items():
            if set(value) == {"$ref"}:
                target = definitions.get(value["$ref"].rsplit("/", 1)[-1], {})
                if "description" in target:
                    properties[name] = {**value, "description": target["description"]}
    return node


_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
"""pydantic's names for the bounds of a union -> JSON Schema's."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text_or_number(node: dict[str, Any]) -> dict[str, Any]:
    """A text schema that also takes the numbers whose written form the validator accepts.

    Written as a list of types, so the text's own keywords (`pattern`, `maxLength`) keep
    applying to text only, as JSON Schema defines, and readers of the schema (the format
    reference) still see one text field."""
    pattern = node.get("pattern")

    def fits(written: str) -> bool:
        return pattern is None or re.search(pattern, written) is not None

    if fits("7") and fits("-7") and fits("7.5"):
        return {**node, "type": ["string", "number"]}
    if fits("7"):  # ids: digits only, no sign, no point
        return {**node, "type": ["string", "integer"], "minimum": 0}
    return node


def schema_files() -> dict[str, str]:
    """File name -> JSON text, one schema per kind of file."""
    return {
        f"{kind}.schema.json": json.dumps(schema_for(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        for kind in ENTITY_TYPES
    }


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_files().items():
        target = folder / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
