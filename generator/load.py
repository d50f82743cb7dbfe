"""A project folder -> the typed playbook, with every problem located in its file.

The loader reads `org/` and `playbook/` beside `mkdocs.yml`, checks each file against
its model and reports what is wrong as `path:line:column` problems. Cross-file rules
(references, cycles, RACI) live in `rules.py`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from .cache import Cache
from .errors import Location, Problem, Problems, ProjectError
from .model import (
    DURATION_PATTERN,
    ENTITY_TYPES,
    ID_PATTERN,
    PLURALS,
    URL_PATTERN,
    Channel,
    Department,
    Entity,
    Metric,
    Objective,
    Organization,
    Role,
    Theme,
    Workflow,
)
from .yamlread import MAX_FILE_BYTES, Document, read_bytes, too_large

_ID = re.compile(ID_PATTERN)
YAML_SUFFIXES = (".yml", ".yaml")
ORGANIZATION_FILE = "org/organization.yml"

KIND_OF_FOLDER = {cls.FOLDER: kind for kind, cls in ENTITY_TYPES.items() if kind != "organization"}


@dataclass
class Playbook:
    """Every entity of one organization, each kind keyed by id in id order."""

    root: Path
    organization: Organization | None = None
    departments: dict[str, Department] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    channels: dict[str, Channel] = field(default_factory=dict)
    objectives: dict[str, Objective] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    workflows: dict[str, Workflow] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    """The parsed file behind each entity id (and 'organization'), for locating problems."""
    broken: list[tuple[str, Document]] = field(default_factory=list)
    """Files that parsed but broke a rule of their own, as (kind, document)."""
    files: list[str] = field(default_factory=list)
    """Every YAML file read, loaded or not, relative to the project folder."""
    unloaded: dict[str, str] = field(default_factory=dict)
    """Ids of files that exist but did not load, with their kind: references to them are
    not reported again as unknown."""

    def of_kind(self, kind: str) -> dict[str, Any]:
        if kind == "organization":
            return {"organization": self.organization} if self.organization else {}
        return getattr(self, _PLURAL_ATTR[kind])

    def entity(self, entity_id: str) -> Entity | None:
        """The entity with this id, whatever its kind."""
        for kind in _PLURAL_ATTR:
            found = self.of_kind(kind).get(entity_id)
            if found is not None:
                return found
        return None

    def kind_of(self, entity_id: str) -> str | None:
        found = self.entity(entity_id)
        return found.KIND if found else None

    def all_entities(self) -> Iterator[Entity]:
        if self.organization:
            yield self.organization
        for kind in _PLURAL_ATTR:
            yield from self.of_kind(kind).values()

    def locate(self, entity: Entity, path: tuple[str | int, ...] = (), *, key: bool = False) -> Location:
        doc = self.documents.get(entity.id)
        if doc is None:
            return Location(entity.path or ".", 1, 1)
        return doc.at(path, key=key)


_PLURAL_ATTR = {kind: plural for kind, plural in PLURALS.items() if kind != "organization"}


def find_project(config_file: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding `mkdocs.yml`, `org/` and `playbook/`."""
    config = Path(config_file) if config_file else Path("mkdocs.yml")
    if config.is_dir():
        config = config / "mkdocs.yml"
    if not config.is_file():
        raise ProjectError(
            f"no {config} found; run the command in a playbook folder or pass -f path/to/mkdocs.yml"
        )
    root = config.resolve().parent
    if not (root / "org").is_dir():
        raise ProjectError(f"no org/ folder beside {config}; a playbook keeps its organization in org/")
    return root


def discover(root: Path, problems: Problems) -> list[tuple[str, str]]:
    """Every YAML file of the playbook as (kind, relative path), in path order."""
    found: list[tuple[str, str]] = []
    for top in ("org", "playbook"):
        base = root / top
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith(".#") or not name.endswith(YAML_SUFFIXES):
                    continue  # an editor's lock file, or not YAML at all
                full = Path(dirpath) / name
                rel = full.relative_to(root).as_posix()
                kind = _kind_of_path(rel)
                if full.is_symlink() and not _inside(full, root):
                    problems.add(
                        Location(rel), "file links outside the project folder; copy it in instead", "layout"
                    )
                    continue
                if kind is None:
                    problems.add(
                        Location(rel),
                        "file is not where the playbook looks for entities; expected "
                        f"{ORGANIZATION_FILE} or a file under "
                        + ", ".join(f"{folder}/" for folder in KIND_OF_FOLDER),
                        "layout",
                    )
                    continue
                found.append((kind, rel))
    found.sort(key=lambda item: item[1])
    return found


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _kind_of_path(rel: str) -> str | None:
    if rel in (ORGANIZATION_FILE, "org/organization.yaml"):
        return "organization"
    for folder, kind in KIND_OF_FOLDER.items():
        if rel.startswith(folder + "/"):
            return kind
    return None


def entity_id(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    for suffix in YAML_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _read(full: Path, rel: str, cache: Cache | None = None) -> tuple[Document | None, list[Problem]]:
    """Read a file; with a cache, reuse the last parse while its size and modification time stay."""
    stat = full.stat()

    def parse() -> tuple[Document | None, list[Problem]]:
        if stat.st_size > MAX_FILE_BYTES:  # said without reading a 50 MB file into memory
            return None, [too_large(rel, stat.st_size)]
        return read_bytes(full.read_bytes(), rel)

    if cache is None:
        return parse()
    return cache.file(full, (stat.st_mtime_ns, stat.st_size), parse)


def load(root: Path, cache: Cache | None = None) -> tuple[Playbook, Problems]:
    """Read and check every file; return what loaded and every problem found.
    `cache` keeps the parsed files between calls (see `cache.Cache`)."""
    problems = Problems()
    playbook = Playbook(root=root)
    seen: dict[str, str] = {}
    for kind, rel in discover(root, problems):
        playbook.files.append(rel)
        eid = "organization" if kind == "organization" else entity_id(rel)
        if kind != "organization" and not _ID.match(eid):
            problems.add(
                Location(rel),
                f"file name '{eid}' is not a valid id; use lower-case letters, digits and "
                f"single hyphens, such as '{suggest_id(eid)}'",
                "id",
            )
            continue
        if kind != "organization" and eid == "organization":
            problems.add(
                Location(rel),
                "the id 'organization' is reserved for org/organization.yml; rename the file",
                "id",
            )
            continue
        doc, file_problems = _read(root / rel, rel, cache)
        problems.items.extend(file_problems)
        entity = _validate(kind, eid, rel, doc, problems) if doc is not None else None
        if entity is None or doc is None:
            playbook.unloaded.setdefault(eid, kind)
            if doc is not None:
                playbook.broken.append((kind, doc))
            continue
        if eid in seen:
            other = seen[eid]
            other_kind = playbook.kind_of(eid) if eid != "organization" else "organization"
            article = "an" if (other_kind or "x")[0] in "aeiou" else "a"
            message = (
                "a second organization file; keep exactly one, " + ORGANIZATION_FILE
                if kind == "organization"
                else f"id '{eid}' is already used by {other} ({article} {other_kind}); ids are unique across all kinds"
            )
            problems.add(Location(rel), message, "duplicate-id")
            continue
        seen[eid] = rel
        playbook.documents[eid] = doc
        if kind == "organization":
            playbook.organization = entity  # type: ignore[assignment]
        else:
            playbook.of_kind(kind)[eid] = entity
    if playbook.organization is None and not any(p.location.path.startswith(ORGANIZATION_FILE[:-4]) for p in problems.items):
        problems.add(
            Location(ORGANIZATION_FILE),
            "no organization file; create it with at least 'name: Your organization'",
            "required",
        )
    return playbook, problems


def suggest_id(text: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned or "my-id"


def _validate(kind: str, eid: str, rel: str, doc: Document, problems: Problems) -> Entity | None:
    if doc.data is None:
        problems.add(doc.at(()), "file is empty; expected a mapping of keys such as 'title: …'", "not-a-mapping")
        return None
    if not isinstance(doc.data, dict):
        problems.add(
            doc.at(()),
            f"file holds {_describe(doc.data)}; expected a mapping of keys such as 'title: …'",
            "not-a-mapping",
        )
        return None
    cls = ENTITY_TYPES[kind]
    try:
        entity = cls.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        for error in exc.errors(include_url=False):
            _report(error, cls, doc, problems)
        return None
    entity._id = eid
    entity._path = rel
    return entity


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{_short(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return type(value).__name__


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[str | int, ...]:
    """Keep the part of pydantic's location that indexes into the data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and not path_has_union_tag(part):
            path.append(part)  # a missing key
            break
        else:
            break
        path.append(part)
    return tuple(path)


def path_has_union_tag(part: str) -> bool:
    return part in {"int", "float", "str", "bool", "list", "dict"} or part.startswith(("constrained-", "function-"))


def _field_name(path: tuple[str | int, ...]) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "value"


def _known_keys(cls: type[pydantic.BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """The keys allowed in the mapping at `path` of a file of model `cls`."""
    model: Any = cls
    for part in path:
        if isinstance(part, int):
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return []
        model = _inner_model(info.annotation)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _report(error: Mapping[str, Any], cls: type[Entity], doc: Document, problems: Problems) -> None:
    kind = error["type"]
    path = _data_path(error["loc"], doc.data)
    key = _field_name(path)
    value = error.get("input")
    if kind == "missing":
        parent = path[:-1]
        where = " in this step" if "steps" in parent else ""
        problems.add(doc.at(parent), f"missing required key '{key}'{where}", "required")
        return
    if kind == "extra_forbidden":
        allowed = _known_keys(cls, path[:-1])
        problems.add(
            doc.at(path, key=True),
            f"unknown key '{key}'{did_you_mean(key, allowed)}",
            "unknown-key",
        )
        return
    location = doc.at(path)
    if kind == "literal_error":
        expected = [c.strip(" '") for c in re.split(r",| or ", error["ctx"]["expected"]) if c.strip(" '")]
        hint = did_you_mean(str(value), expected) if isinstance(value, str) else ""
        problems.add(
            location,
            f"{_describe(value)} is not a valid {key}{hint}; expected one of: {', '.join(expected)}",
            "enum",
        )
        return
    if kind == "string_pattern_mismatch":
        pattern = error["ctx"]["pattern"]
        if pattern == ID_PATTERN:
            problems.add(
                location,
                f"'{_short(str(value))}' is not a valid id; use lower-case letters, digits and single "
                f"hyphens, such as '{suggest_id(str(value))}'",
                "id",
            )
        elif pattern == DURATION_PATTERN:
            problems.add(
                location,
                f"'{_short(str(value))}' is not a valid duration; write a number and m, h or d, such as 15m, 2h or 3d",
                "duration",
            )
        elif pattern == URL_PATTERN:
            problems.add(
                location,
                f"'{_short(str(value))}' is not a valid URL; use an http://, https:// or mailto: address",
                "url",
            )
        else:  # pragma: no cover - every pattern of the model is named above
            problems.add(location, f"'{_short(str(value))}' is not valid for '{key}'", "type")
        return
    if kind in ("string_too_short", "too_short"):
        what = "text" if kind == "string_too_short" else "list"
        problems.add(location, f"'{key}' is an empty {what}; it needs at least one entry" if what == "list" else f"'{key}' is empty; write some text", "required")
        return
    if kind in ("greater_than_equal", "less_than_equal"):
        if key == "share":
            problems.add(location, f"share {value} is not a percentage between 0 and 100", "percent")
        else:
            bound = error["ctx"].get("ge", error["ctx"].get("le"))
            side = "at least" if kind == "greater_than_equal" else "at most"
            problems.add(location, f"'{key}' must be {side} {bound}, not {value}", "type")
        return
    expected_kind = {
        "string_type": "text",
        "int_type": "a whole number",
        "int_from_float": "a whole number",
        "float_type": "a number",
        "list_type": "a list",
        "model_type": "a mapping of keys",
        "model_attributes_type": "a mapping of keys",
        "dict_type": "a mapping of keys",
    }.get(kind)
    if key == "share" and kind in ("int_type", "float_type"):
        expected_kind = "a percentage between 0 and 100"
    if expected_kind is None:  # pragma: no cover - a pydantic error type not seen before
        problems.add(location, f"'{key}': {error['msg']}", "type")
        return
    hint = ""
    subject = f"'{key}'"
    if path and isinstance(path[-1], int):
        subject = f"entry {path[-1] + 1} of '{key}'"
    if isinstance(value, dict) and expected_kind == "text":
        hint = "; a colon followed by a space makes YAML read a key: put the text in quotes"
    elif isinstance(value, bool) and expected_kind == "text":
        hint = "; put it in quotes: YAML reads yes, no, on and off as booleans"
    elif value is None:
        hint = "; the key is there but has no value"
    elif expected_kind == "a list" and isinstance(value, str):
        hint = f"; write it as a list: [{_short(value)}]"
    elif key == "accountable" and isinstance(value, list):
        hint = "; exactly one role is accountable"
    rule = "raci" if key == "accountable" and isinstance(value, list) else "type"
    problems.add(location, f"{subject} must be {expected_kind}, not {_describe(value)}{hint}", rule)
