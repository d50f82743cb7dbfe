"""JSON Schemas (draft 2020-12) for each kind of file, for editor completion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import ENTITY_TYPES

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(kind: str) -> dict[str, Any]:
    cls = ENTITY_TYPES[kind]
    schema = cls.model_json_schema(by_alias=True)
    schema = {"$schema": DIALECT, "$id": f"{kind}.schema.json", **schema}
    schema["title"] = kind.capitalize()
    schema["description"] = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else kind
    return schema


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
