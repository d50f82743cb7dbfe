"""The format reference says what the model says: every key, required or not, allowed values.

The expectations are read from the pydantic models directly, not from the schemas the page
is written from, so a difference between the two fails here.
"""

from __future__ import annotations

import re
import typing
from typing import Any

import pydantic
import pytest

from generator.model import ENTITY_TYPES, keys
from generator.reference import reference_markdown

PAGE = reference_markdown()


def sections(text: str) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(kind, nested key or '') -> key -> [key, required, value, description], from the page's lists."""
    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    kind, nested = "", ""
    for line in text.splitlines():
        if line.startswith("## "):
            kind, nested = line[3:].strip().lower(), ""
        elif line.startswith("### "):
            nested = re.match(r"### `(\w+)` in an? (\w+)", line).group(1)  # type: ignore[union-attr]
        elif line.startswith("- `") and kind:
            key, required, value = line[2:].split(" · ", 2)
            found.setdefault((kind, nested), {})[key.strip("`")] = [key, required, value, ""]
        elif line.startswith("    ") and kind and found.get((kind, nested)):
            last = list(found[(kind, nested)].values())[-1]
            last[3] = line.strip()  # the description, the item's second paragraph
    return found


TABLES = sections(PAGE)


def literal_values(annotation: Any) -> list[str]:
    """Every value of a Literal inside an annotation (Optional, list, Annotated …)."""
    if typing.get_origin(annotation) is typing.Literal:
        return [str(v) for v in typing.get_args(annotation)]
    return [v for arg in typing.get_args(annotation) for v in literal_values(arg)]


def nested_model(annotation: Any) -> type[pydantic.BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = nested_model(arg)
        if found is not None:
            return found
    return None


def expectations() -> list[tuple[str, str, str, pydantic.fields.FieldInfo]]:
    rows = []
    for kind, cls in ENTITY_TYPES.items():
        for key in keys(cls):  # what a YAML file may hold: not the id and path the loader gives
            info = cls.model_fields[key]
            rows.append((kind, "", key, info))
            inner = nested_model(info.annotation)
            if inner is not None:
                rows += [(kind, key, sub, inner.model_fields[sub]) for sub in keys(inner)]
    return rows


@pytest.mark.parametrize(("kind", "nested", "key", "info"), expectations(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_key_is_described(kind: str, nested: str, key: str, info: pydantic.fields.FieldInfo) -> None:
    table = TABLES.get((kind, nested))
    assert table is not None, f"no list of keys for {kind} {nested}"
    assert key in table, f"{kind}: key {nested + '.' if nested else ''}{key} is missing from the reference"
    _key, required, value, what = table[key]
    assert required == ("**required**" if info.is_required() else "optional")
    for literal in literal_values(info.annotation):
        assert f"`{literal}`" in value
    assert what, f"{kind}.{key} has no description"
    assert value


def test_no_key_the_model_does_not_have() -> None:
    described = {(kind, nested, key) for (kind, nested), rows in TABLES.items() for key in rows}
    declared = {(kind, nested, key) for kind, nested, key, _ in expectations()}
    assert described == declared


def test_nested_links_reach_their_heading() -> None:
    """Each 'see below' goes to a heading on the page, by the anchor the toc extension makes."""
    import markdown

    html = markdown.markdown(PAGE, extensions=["toc", "tables"])
    anchors = set(re.findall(r'id="([^"]+)"', html))
    links = re.findall(r'href="#([^"]+)"', html)
    assert links
    assert set(links) <= anchors
