"""The JSON Schemas say what the validator says, file by file.

Every YAML file of every problem case and of the sample organization goes to both: the
validator's verdict on the file alone (it parses and fits its model) and the schema's
(`jsonschema` on the same data). Rules across files (references, cycles, shares) are out of
a schema's reach and are not compared; a file that does not parse has no data to compare.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pydantic
import pytest

from generator.load import _kind_of_path
from generator.model import ENTITY_TYPES
from generator.schema import schema_for
from generator.yamlread import read_bytes

from .conftest import REPO
from .test_problems import BASE, CASE_NAMES, CASES

VALIDATORS = {kind: jsonschema.Draft202012Validator(schema_for(kind)) for kind in ENTITY_TYPES}


def yaml_files(folder: Path) -> list[tuple[str, str, bytes]]:
    """(kind, path, bytes) of every file of `folder` the loader would read as an entity."""
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and path.suffix in (".yml", ".yaml") and _kind_of_path(rel):
            found.append((_kind_of_path(rel) or "", rel, path.read_bytes()))
    return found


def validator_accepts(kind: str, data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    try:
        ENTITY_TYPES[kind].from_data(data, id="x", path="x.yml")
    except pydantic.ValidationError:
        return False
    return True


def verdicts(folder: Path) -> list[tuple[str, bool, bool]]:
    out = []
    for kind, rel, raw in yaml_files(folder):
        doc, _ = read_bytes(raw, rel)
        if doc is None:
            continue
        data = json.loads(json.dumps(doc.data))  # what an editor holds: JSON values
        schema_ok = VALIDATORS[kind].is_valid(data)
        out.append((rel, validator_accepts(kind, doc.data), schema_ok))
    return out


FOLDERS = [CASES / name for name in CASE_NAMES] + [BASE, REPO, REPO / "generator" / "scaffold"]


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_schema_and_validator_agree(folder: Path) -> None:
    disagree = [(rel, v, s) for rel, v, s in verdicts(folder) if v != s]
    assert not disagree, "validator vs schema: " + ", ".join(
        f"{rel} (validator {'accepts' if v else 'refuses'}, schema {'accepts' if s else 'refuses'})"
        for rel, v, s in disagree
    )


def test_every_case_file_was_compared() -> None:
    """The comparison sees files that both refuse, so it can fail."""
    refused = [rel for folder in FOLDERS for rel, v, s in verdicts(folder) if not v and not s]
    assert len(refused) >= 10


@pytest.mark.parametrize(
    ("kind", "data", "accepted"),
    [
        ("department", {"title": "A", "summary": "B", "share": 150}, False),
        ("department", {"title": "A", "summary": "B", "share": -1}, False),
        ("department", {"title": "A", "summary": "B", "share": 12.5}, True),
        ("department", {"title": 2024, "summary": "B"}, True),
        ("department", {"title": True, "summary": "B"}, False),
        ("department", {"title": "A", "summary": "B", "parent": 7}, True),
        ("department", {"title": "A", "summary": "B", "parent": 7.5}, False),
        ("department", {"title": "2024-05-01", "summary": "B"}, True),  # a date stays text
        ("metric", {"title": "A", "summary": "B", "layer": "media", "source": 3000}, True),
        ("channel", {"title": "A", "summary": "B", "platform": "x", "purpose": "care",
                     "owner": "r", "response_time": 2}, False),
        ("role", {"title": "A", "summary": "B", "department": "d", "responsibilities": ["x"],
                  "kpis": [{"metric": "m", "target": 3000}]}, True),
    ],
)
def test_edge_values_agree(kind: str, data: dict[str, Any], accepted: bool) -> None:
    assert validator_accepts(kind, data) is accepted
    assert VALIDATORS[kind].is_valid(data) is accepted


def test_every_key_has_a_description() -> None:
    for kind in ENTITY_TYPES:
        schema = schema_for(kind)
        models = [schema, *schema.get("$defs", {}).values()]
        for model in models:
            for name, prop in model.get("properties", {}).items():
                assert prop.get("description"), f"{kind}: '{name}' has no description"


PROBES: list[Any] = [None, True, 0, -1, 150, 12.5, "text", "x-y", "2h", "", " ", "`", [], ["a"], [1], {}, {"a": 1},
                     "2024-05-01", 3000, "https://example.org", "a" * 400]
"""Values put in place of every field of a valid file, one at a time. A whole number written
as a decimal (`headcount: 1.0`) is left out: JSON, and so a JSON Schema, cannot tell 1.0
from 1, while the validator refuses 1.0 where it wants a whole number or an id."""


def samples() -> dict[str, dict[str, Any]]:
    """One valid file of each kind, from the sample organization."""
    found: dict[str, dict[str, Any]] = {}
    for kind, rel, raw in yaml_files(REPO):
        doc, _ = read_bytes(raw, rel)
        if doc is not None and kind not in found and validator_accepts(kind, doc.data):
            found[kind] = doc.data
    return found


def places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and the first item of every list, down the data."""
    found: list[tuple[Any, ...]] = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += places(value, (*path, key))
    elif isinstance(data, list) and data:
        found += places(data[0], (*path, 0))
    return found


def put(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = put(data[path[0]], path[1:], value) if len(path) > 1 else value
    return copy


@pytest.mark.parametrize("kind", list(ENTITY_TYPES))
def test_every_field_agrees_on_every_probe(kind: str) -> None:
    sample = samples()[kind]
    keys = [*places(sample), *((k,) for k in VALIDATORS[kind].schema["properties"] if k not in sample)]
    disagree = []
    for path in keys:
        for probe in PROBES:
            data = put(sample, path, probe)
            by_validator = validator_accepts(kind, data)
            if VALIDATORS[kind].is_valid(json.loads(json.dumps(data))) != by_validator:
                disagree.append(f"{'.'.join(map(str, path))}: {probe!r} (validator {'accepts' if by_validator else 'refuses'})")
    assert not disagree, disagree
    assert len(keys) >= 4
