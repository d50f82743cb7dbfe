"""A project folder -> the typed playbook, with every problem located in its file.

The loader reads `org/` and `playbook/` beside `mkdocs.yml`, checks each file against
its model and reports what is wrong as `path:line:column` problems. Cross-file rules
(references, cycles, RACI) live in `rules.py`.
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import os
import re
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from .cache import Cache
from .errors import Location, Problem, Problems, ProjectError
from .model import (
    ENTITY_TYPES,
    ID_PATTERN,
    KIND,
    KINDS,
    TOP_FOLDERS,
    Entity,
    Playbook,
    Wording,
    keys,
    model_at,
    wordings,
)
from .starters import leftover_starter_text
from .yamlread import MAX_FILE_BYTES, Document, read_bytes, too_large

_ID = re.compile(ID_PATTERN)
YAML_SUFFIXES = (".yml", ".yaml")
ORGANIZATION_FILE = "org/organization.yml"
CONFIG_NAMES = ("mkdocs.yml", "properdocs.yml")
"""The site config a playbook folder holds, looked for in this order (ProperDocs reads both)."""

RESERVED_IDS = {"index": "each kind's list of entities is its index page"}
"""Ids no entity may have, because a generated page already has that name in every kind's folder."""

KIND_OF_FOLDER = {kind.folder: kind.name for kind in KINDS if kind.name != "organization"}


@dataclass
class Sources:
    """What the loader knows about the files behind a playbook, for locating problems."""

    root: Path
    documents: dict[str, Document] = field(default_factory=dict)
    """The parsed file behind each entity id (and 'organization')."""
    broken: list[tuple[str, Document]] = field(default_factory=list)
    """Files that parsed but broke a rule of their own, as (kind, document)."""
    files: list[str] = field(default_factory=list)
    """Every YAML file read, loaded or not, relative to the project folder."""
    digests: dict[str, str] = field(default_factory=dict)
    """Entity id (and 'organization') -> a digest of its kind, file path and bytes. The loader
    makes an entity from these alone, so two equal digests mean equal entities, every field
    included: incremental generation skips what an unchanged entity answers."""
    references: dict[str, tuple[tuple[tuple[str | int, ...], str, tuple[str, ...]], ...]] = field(default_factory=dict)
    """Entity id (and 'organization') -> (path, id, kinds) of every reference it makes, as
    `rules.raw_references` finds them: kept with the file, so unchanged files are not walked
    again (`rules.check` and `Facts.backlinks` ask)."""
    unloaded: dict[str, str] = field(default_factory=dict)
    """Ids of files that exist but did not load, with their kind: references to them are
    not reported again as unknown."""

    def locate(self, entity: Entity, path: tuple[str | int, ...] = (), *, key: bool = False) -> Location:
        doc = self.documents.get(entity.id)
        if doc is None:
            return Location(entity.path or ".", 1, 1)
        return doc.at(path, key=key)


def find_project(config_file: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding `mkdocs.yml` (or ProperDocs' `properdocs.yml`), `org/` and `playbook/`."""
    config = Path(config_file) if config_file else Path(".")
    if config.is_dir():
        config = next((config / n for n in CONFIG_NAMES if (config / n).is_file()), config / "mkdocs.yml")
    if not config.is_file():
        raise ProjectError(
            f"no {config} found; run the command in a playbook folder or pass -f path/to/mkdocs.yml"
        )
    root = config.resolve().parent
    if not (root / "org").is_dir():
        raise ProjectError(f"no org/ folder beside {config}; a playbook keeps its organization in org/")
    return root


def discover(root: Path, problems: Problems) -> list[tuple[str, str]]:
    """Every YAML file of the playbook as (kind, relative path), in path order.

    Only plain files inside the project are listed. Anything else under `org/` and
    `playbook/` is a located problem, found without opening it: a named pipe would hang
    the read, a device would never end, a link could point anywhere."""
    return [(kind, rel) for kind, rel, _stamp in _discover(root, problems)]


Stamp = tuple[int, int]
"""A file's modification time (ns) and size, as `discover` saw them."""


def _discover(root: Path, problems: Problems) -> list[tuple[str, str, Stamp | None]]:
    """`discover`, with each file's stamp (None when it could not be taken): a plain file is
    told from anything else by one `lstat`, which gives its stamp too (3,000 roles: 5,000
    files, walked on every `serve` rebuild)."""
    found: list[tuple[str, str, Stamp | None]] = []
    real_root = Path(os.path.realpath(root))
    for top in TOP_FOLDERS:
        base = root / top
        if not base.is_dir():
            continue
        if base.is_symlink() and not _inside(base, real_root):
            problems.add(Location(top), f"{top}/ links to a folder outside the project; copy it in instead", "layout")
            continue
        def unreadable(error: OSError, top: str = top) -> None:
            where = Path(error.filename).relative_to(root).as_posix() if error.filename else top
            problems.add(Location(where), f"folder cannot be read ({_reason(error)}); "
                         "its files are left out: fix its permissions", "layout")

        for dirpath, dirnames, filenames in os.walk(base, followlinks=False, onerror=unreadable):
            folder = Path(dirpath)
            for name in [d for d in dirnames if (folder / d).is_symlink()]:
                dirnames.remove(name)
                problems.add(Location((folder / name).relative_to(root).as_posix()),
                             "folder is a link; the playbook does not follow links to folders: copy the files in",
                             "layout")
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in [d for d in dirnames if not _ID.fullmatch(d)]:
                # a folder's name goes into its pages' edit URLs: only ids, and nothing read inside
                dirnames.remove(name)
                problems.add(
                    Location((Path(dirpath) / name).relative_to(root).as_posix() + "/"),
                    f"folder name {name!r} is not an id; use lowercase letters, digits and hyphens "
                    "(the files in it are not read)",
                    "layout",
                )
            here = Path(os.path.relpath(dirpath, root)).as_posix()
            for name in sorted(filenames):
                rel = f"{here}/{name}"
                if name.startswith(".#") or not name.endswith(YAML_SUFFIXES):
                    left_out = _left_out(name, rel)
                    if left_out:
                        problems.add(Location(rel), left_out, "layout", "warning")
                    continue
                stamp = _plain_stamp(os.path.join(dirpath, name))
                if stamp is None:  # a link, or not a plain file: said why, or its target's stamp
                    unusable = _not_a_plain_file(folder / name, real_root)
                    if unusable:
                        problems.add(Location(rel), unusable, "layout")
                        continue
                    stamp = _stamp(os.path.join(dirpath, name))
                kind = _kind_of_path(rel)
                if kind is None:
                    problems.add(
                        Location(rel),
                        "file is not where the playbook looks for entities; expected "
                        f"{ORGANIZATION_FILE} or a file under "
                        + ", ".join(f"{folder}/" for folder in KIND_OF_FOLDER),
                        "layout",
                    )
                    continue
                found.append((kind, rel, stamp))
    found.sort(key=lambda item: item[1])
    return found


def _plain_stamp(path: str) -> Stamp | None:
    """The stamp of a plain file that is no link; None for anything else."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size) if stat.S_ISREG(info.st_mode) else None


def _stamp(path: str) -> Stamp | None:
    """The stamp of the file a path leads to, links followed."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)


def _left_out(name: str, rel: str) -> str | None:
    """Why a file in a kind's folder that is not read deserves a word, or None to pass it over.

    Editor backups and lock files (`x.yml~`, `.#x.yml`, `#x.yml#`, hidden files such as
    `.x.yml.swp`) come and go while someone edits: they are passed over in silence. Anything
    else in a kind's folder was probably meant to be read."""
    kind = "organization" if rel.lower().startswith("org/organization.y") else _kind_of_path(rel)
    if kind is None or name.startswith((".", "#")) or name.endswith("~"):
        return None
    lower = name.lower()
    for suffix in YAML_SUFFIXES:
        if lower.endswith(suffix):
            right = name[: -len(suffix)] + suffix
            return f"file is left out: the playbook reads names ending in {suffix} in lower case; rename it to '{right}'"
        if suffix + "." in lower:
            right = name[: lower.index(suffix + ".")] + suffix
            extra = name[lower.index(suffix + ".") + len(suffix) :]
            return f"file is left out: its name ends in '{extra}' after {suffix}; rename it to '{right}'"
    folder = rel.rsplit("/", 1)[0]
    if kind == "organization":  # org/ itself may hold other files
        return None
    return (f"file is left out: the playbook reads only .yml and .yaml files in {folder}/; "
            f"if it describes a {kind}, save it as YAML, otherwise move it elsewhere")


_SPECIAL = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
}


def _not_a_plain_file(full: Path, real_root: Path) -> str | None:
    """Why `full` must not be read, or None for a plain file inside the project."""
    try:
        if full.is_symlink():
            target = Path(os.path.realpath(full, strict=True))
            if not _inside(target, real_root):
                return "file links outside the project folder; copy it in instead"
        mode = full.stat().st_mode
    except FileNotFoundError:
        return "file is a link to nothing (the file it points to is gone); remove the link or copy the file in"
    except (RuntimeError, OSError) as exc:  # ELOOP: a link that leads back to itself
        if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
            return "file is a link that loops back on itself; remove the link"
        return f"file cannot be read ({_reason(exc)}); fix its permissions"
    if not stat.S_ISREG(mode):
        what = _SPECIAL.get(stat.S_IFMT(mode), "not a plain file")
        return f"file is {what}, not a plain file; the playbook reads only plain YAML files"
    return None


def _reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else str(error)


def _inside(path: Path, real_root: Path) -> bool:
    """Whether `path`, links followed, lies inside the project folder."""
    return Path(os.path.realpath(path)).is_relative_to(real_root)


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


@dataclass(frozen=True)
class Loaded:
    """One file as the loader makes it. With our code the same, all of it is a function of the
    file's bytes and its path (which gives its kind and id), so a `Cache` keeps it by the
    file's stamp: an unchanged file is neither parsed nor validated again, and gives the same
    entity object, whose page incremental generation keeps (`incremental.py`)."""

    doc: Document | None
    """The parsed file; None when it could not be read or parsed."""
    problems: tuple[Problem, ...] = ()
    """What stopped the reading or the parsing."""
    entity: Entity | None = None
    """What the data validated to; None when it did not."""
    invalid: tuple[Problem, ...] = ()
    """What the validation found."""
    leftovers: tuple[Problem, ...] = ()
    """Starter text still in the file (`starters.leftover_starter_text`), reported once it loaded."""
    digest: str = ""
    """A digest of the path and bytes: the same digest, the same entity (see `Sources.digests`)."""
    references: tuple[tuple[tuple[str | int, ...], str, tuple[str, ...]], ...] = ()
    """The entity's references (`rules.raw_references`), found once per file."""


def _read(full: Path, kind: str, eid: str, rel: str, cache: Cache | None = None, stamp: Stamp | None = None) -> Loaded:
    """Read, parse and validate a file; with a cache, reuse the last result while its size and
    modification time stay (`stamp`, as `discover` saw them, spares opening it).

    The file is opened without blocking and read up to the size limit, whatever its size
    claims to be: `st_size` is 0 for a pipe or a device, which are refused by `discover`
    but could be swapped in between."""
    if cache is not None and stamp is not None:
        kept = cache.kept_file(full, stamp)
        if kept is not None:
            return kept  # type: ignore[no-any-return]
    try:
        fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return Loaded(None, (Problem(Location(rel), f"file cannot be read ({_reason(exc)}); fix its permissions", "layout"),))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return Loaded(None, (Problem(Location(rel), "file is not a plain file; the playbook reads only plain YAML files", "layout"),))

        def parse() -> Loaded:
            from .rules import raw_references  # rules reads `Sources`: imported on use

            if info.st_size > MAX_FILE_BYTES:  # said without reading a 50 MB file into memory
                return Loaded(None, (too_large(rel, info.st_size),))
            raw = handle.read(MAX_FILE_BYTES + 1)  # never more, whatever the size said
            doc, problems = read_bytes(raw, rel)
            if doc is None:
                return Loaded(None, tuple(problems))
            found = Problems()
            entity = _validate(kind, eid, rel, doc, found)
            leftovers = tuple(leftover_starter_text(doc)) if entity is not None else ()  # a half-edited `playbook new` file
            digest = hashlib.blake2b(f"{kind}\0{rel}\0".encode() + raw, digest_size=16).hexdigest()
            refs = tuple(raw_references(kind, entity)) if entity is not None else ()
            return Loaded(doc, tuple(problems), entity, tuple(found.items), leftovers, digest, refs)

        if cache is None:
            return parse()
        return cache.file(full, (info.st_mtime_ns, info.st_size), parse)


def load(root: Path, cache: Cache | None = None) -> tuple[Playbook, Sources, Problems]:
    """Read and check every file; return what loaded, the files behind it and every problem found.
    `cache` keeps the parsed files between calls (see `cache.Cache`)."""
    problems = Problems()
    playbook = Playbook()
    sources = Sources(root)
    seen: dict[str, str] = {}
    for kind, rel, stamp in _discover(root, problems):
        sources.files.append(rel)
        eid = "organization" if kind == "organization" else entity_id(rel)
        bad_name = _file_name_problem(kind, eid)
        if bad_name:
            problems.add(Location(rel), bad_name, "id")
            continue
        loaded = _read(root / rel, kind, eid, rel, cache, stamp)
        doc, entity = loaded.doc, loaded.entity
        problems.items.extend(loaded.problems)
        problems.items.extend(loaded.invalid)
        if entity is None or doc is None:
            sources.unloaded.setdefault(eid, kind)
            if doc is not None:
                sources.broken.append((kind, doc))
            continue
        if eid in seen:
            problems.add(Location(rel), _duplicate(playbook, kind, eid, seen[eid]), "duplicate-id")
            continue
        seen[eid] = rel
        sources.documents[eid] = doc
        sources.digests[eid] = loaded.digest
        sources.references[eid] = loaded.references
        playbook.add(entity)
        problems.items.extend(loaded.leftovers)
    if playbook.organization is None and not any(p.location.path.startswith(ORGANIZATION_FILE[:-4]) for p in problems.items):
        problems.add(
            Location(ORGANIZATION_FILE),
            "no organization file; create it with at least 'name: Your organization'",
            "required",
        )
    return playbook, sources, problems


def _file_name_problem(kind: str, eid: str) -> str | None:
    """What is wrong with a file's name as an id, if anything."""
    if kind == "organization":
        return None
    if not _ID.fullmatch(eid):  # match() would accept a name ending in a newline
        return (
            f"file name '{eid}' is not a valid id; use lower-case letters, digits and "
            f"single hyphens, such as '{suggest_id(eid)}'"
        )
    if eid == "organization":
        return "the id 'organization' is reserved for org/organization.yml; rename the file"
    if eid in RESERVED_IDS:
        return f"the id '{eid}' is reserved: {RESERVED_IDS[eid]}; rename the file"
    return None


def _duplicate(playbook: Playbook, kind: str, eid: str, other: str) -> str:
    if kind == "organization":
        return "a second organization file; keep exactly one, " + ORGANIZATION_FILE
    other_kind = playbook.kind_of(eid) or "x"
    article = "an" if other_kind[0] in "aeiou" else "a"
    return f"id '{eid}' is already used by {other} ({article} {other_kind}); ids are unique across all kinds"


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
        return cls.from_data(doc.data, id=eid, path=rel)
    except pydantic.ValidationError as exc:
        better = _looks_like(kind, doc.data)
        if better is not None:  # its unknown keys say nothing the move does not fix
            extra = sorted(str(k) for k in doc.data if k not in keys(cls))
            problems.add(
                doc.at(()),
                f"this looks like {_article(better)} {better}, not {_article(kind)} {kind} (it has "
                f"{_listed(extra)}): move it to {KIND[better].folder}/",
                "layout",
            )
            return None
        for error in exc.errors(include_url=False):
            _report(error, cls, doc, problems)
        return None


def _looks_like(kind: str, data: dict[Any, Any]) -> str | None:
    """The kind whose keys the file's keys fit, when they do not fit its own folder's kind."""
    given = set(data)
    if given <= set(keys(ENTITY_TYPES[kind])):
        return None
    def fits(other: str) -> bool:  # every key is one of its keys, and every key it requires is there
        fields = {name: info for name, info in ENTITY_TYPES[other].model_fields.items() if not info.exclude}
        return given <= set(fields) and {name for name, info in fields.items() if info.is_required()} <= given

    return next((other for other in KIND_OF_FOLDER.values() if other != kind and fits(other)), None)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _listed(names: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"'{name}'" for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


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
        elif isinstance(part, str) and path_has_union_tag(part):
            continue  # the branch of a union (a cadence's list, mapping or text): no key of the data
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


def did_you_mean(word: str, choices: list[str] | set[str]) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


# -- pydantic's errors in the user's words ----------------------------------------------------


@dataclass(frozen=True)
class _Error:
    """One pydantic error, read against the file's data and the model's declarations."""

    kind: str
    """Pydantic's error type, such as `missing`."""
    path: tuple[str | int, ...]
    """The part of pydantic's location that indexes into the data."""
    value: Any
    ctx: Mapping[str, Any]
    msg: str
    model: type[Entity]

    @property
    def key(self) -> str:
        return _field_name(self.path)

    def wording(self, attribute: str) -> Wording | None:
        """The first `Wording` declared for the value with a text for `attribute`."""
        where = tuple("*" if isinstance(p, int) else p for p in self.path)
        return next((w for w in wordings(self.model, where) if getattr(w, attribute)), None)


Said = tuple[tuple[str | int, ...], str, str]
"""(data path of the location, message, rule)."""


def _missing(error: _Error) -> Said:
    parent = error.path[:-1]
    where = getattr(model_at(error.model, parent), "PLACE", "")
    return parent, f"missing required key '{error.key}'{where}", "required"


def _literal(error: _Error) -> Said:
    expected = [c.strip(" '") for c in re.split(r",| or ", error.ctx["expected"]) if c.strip(" '")]
    hint = did_you_mean(str(error.value), expected) if isinstance(error.value, str) else ""
    return error.path, f"{_describe(error.value)} is not a valid {error.key}{hint}; expected one of: {', '.join(expected)}", "enum"


def _pattern(error: _Error) -> Said:
    text = str(error.value)
    wording = error.wording("invalid")
    if wording is None:  # pragma: no cover - every pattern of the model declares its wording
        return error.path, f"'{_short(text)}' is not valid for '{error.key}'", "type"
    several = [part for part in re.split(r"[,;\s]+", text) if part]
    if wording.rule == "id" and len(several) > 1 and all(_ID.fullmatch(part) for part in several):
        return error.path, _several_ids(error, several), wording.rule
    return error.path, wording.invalid.format(value=_short(text), suggestion=suggest_id(text), key=error.key), wording.rule


def _several_ids(error: _Error, ids: list[str]) -> str:
    """`accountable: a, b`: two ids where one belongs, or a list written as text."""
    said = f"'{_short(str(error.value))}' names {len(ids)} ids in one value"
    if error.path and isinstance(error.path[-1], int):
        return f"{said}; write each as its own entry of '{error.key}': [{', '.join(ids)}]"
    one_only = error.wording("one_only")
    if one_only is not None:
        return f"{said}{one_only.one_only}: keep one"
    return f"{said}; '{error.key}' takes one id: keep one"


def _empty(error: _Error) -> Said:
    if error.kind == "too_short":
        return error.path, f"'{error.key}' is an empty list; it needs at least one entry", "required"
    return error.path, f"'{error.key}' is empty; write some text", "required"


def _too_long(error: _Error) -> Said:
    limit = error.ctx.get("max_length", 0)
    length = len(error.value) if isinstance(error.value, str) else 0
    wording = error.wording("too_long")
    if wording is None:  # pragma: no cover - every bounded text of the model declares its wording
        return error.path, f"'{error.key}' is {length:,} characters long; at most {limit:,}", "limits"
    return error.path, wording.too_long.format(key=error.key, length=length, limit=limit), wording.rule


def _bound(error: _Error) -> Said:
    wording = error.wording("invalid")
    if wording is not None:
        return error.path, wording.invalid.format(value=error.value, key=error.key), wording.rule
    bound = error.ctx.get("ge", error.ctx.get("le"))
    side = "at least" if error.kind == "greater_than_equal" else "at most"
    return error.path, f"'{error.key}' must be {side} {bound}, not {error.value}", "type"


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "list_type": "a list",
    "model_type": "a mapping of keys",
    "model_attributes_type": "a mapping of keys",
    "dict_type": "a mapping of keys",
}
"""Pydantic's type errors -> what the value should have been."""


def _wrong_type(error: _Error) -> Said:
    declared = error.wording("expected")
    expected = declared.expected if declared else _EXPECTED[error.kind]
    value, path = error.value, error.path
    subject = f"entry {path[-1] + 1} of '{error.key}'" if path and isinstance(path[-1], int) else f"'{error.key}'"
    hint, rule = _type_hint(error, expected), "type"
    one_only = error.wording("one_only")
    if one_only is not None and isinstance(value, list):
        rule = one_only.rule
        hint = hint or one_only.one_only
    return path, f"{subject} must be {expected}, not {_describe(value)}{hint}", rule


_NO_VALUE = "; the key is there but has no value"


def _type_hint(error: _Error, expected: str) -> str:
    value = error.value
    if isinstance(value, dict) and expected == "text":
        return "; a colon followed by a space makes YAML read a key: put the text in quotes"
    if isinstance(value, bool) and expected == "text":
        return "; put it in quotes: YAML reads yes, no, on and off as booleans"
    if value is None:
        return _NO_VALUE
    if expected == "a list" and isinstance(value, str) and value.startswith("-") and not value.startswith("- "):
        return f"; put a space after the '-' to make a list item: - {_short(value[1:].lstrip())}"
    if expected == "a list" and isinstance(value, str):
        return f"; write it as a list: [{_short(value)}]"
    return ""


def _unknown_error(error: _Error) -> Said:  # pragma: no cover - a pydantic error type not seen before
    return error.path, f"'{error.key}': {error.msg}", "type"


_SAYINGS: dict[str, Callable[[_Error], Said]] = {
    "missing": _missing,
    "literal_error": _literal,
    "string_pattern_mismatch": _pattern,
    "string_too_short": _empty,
    "string_too_long": _too_long,
    "too_short": _empty,
    "greater_than_equal": _bound,
    "less_than_equal": _bound,
    **{error_type: _wrong_type for error_type in _EXPECTED},
}
"""Pydantic error type -> how to say it; the field-specific words come from the model's `Wording`s."""


def _report(error: Mapping[str, Any], cls: type[Entity], doc: Document, problems: Problems) -> None:
    found = _Error(error["type"], _data_path(error["loc"], doc.data), error.get("input"),
                   error.get("ctx") or {}, error["msg"], cls)
    if found.kind == "extra_forbidden":  # located at the key itself, not at its value
        allowed = keys(model_at(cls, found.path[:-1]) or pydantic.BaseModel)
        problems.add(
            doc.at(found.path, key=True), f"unknown key '{found.key}'{did_you_mean(found.key, allowed)}", "unknown-key"
        )
        return
    path, message, rule = _SAYINGS.get(found.kind, _unknown_error)(found)
    comment = doc.comments.get(found.path) if found.value is None else None
    if comment is not None:  # `- #moderation`: the value is empty because '#' starts a comment
        message = message.replace(_NO_VALUE, f"; '#' starts a comment in YAML, so '{_short(comment)}' is not "
                                  f"read: put it in quotes: \"{_short(comment)}\"")
    problems.add(doc.at(path), message, rule)
