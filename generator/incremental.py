"""Make again only the pages and diagrams an edit touches: record what each one reads.

A site is made of *units*: each generated page (`Renderer.units`: `("index", name)`,
`("organization",)`, `("org-chart",)`, `(kind, id)`) and each diagram's DOT text
(`diagrams.diagram_units`, keyed the same way). While a unit is made, every read it does of
the playbook and of its derived relations goes through a *tracked view* and is written down:

| read key | what was read | its value now |
| --- | --- | --- |
| `("playbook.roles", "item", id)` | one entity of a kind (`get`, `[]`, `in`) | the entity, or absent |
| `("playbook.roles", "all", None)` | a whole kind (iterated, `values()`, `items()`) | every entity of it, in order |
| `("playbook.roles", "len", None)` | how many of a kind | the count |
| `("playbook.organization", "value", None)` | the organization | the entity, or None |
| `("playbook.entity", "call", args)` | a method of the playbook (`entity(id)`) | its answer for these arguments |
| `("facts.reports", "item", id)` | one entry of a relation (`Facts` cached dicts) | the entry, or absent |
| `("facts.duties_through", "call", args)` | a `Facts` query, arguments by value (an entity argument by kind and id) | its answer |
| `("facts.handoffs", "value", None)` | any other relation | the whole value |
| `("target", "item", id)` | a link's text and page (`Renderer.targets`) | (escaped title, page path) |
| `("drawn", "item", key)` | whether a diagram is drawn (`Renderer.drawn`) | True or absent |
| `("reviews", "item", id)` | an entity's review standing | the `Review`, or absent |

Each read is stored with a fingerprint of its value (`World.fingerprint`: a digest of the
value's whole content; an entity counts with every field, its id and its file, a dataclass
or a model with every field, lists and dicts in their order). On the next run, a unit is
made again exactly when one of its reads gives another fingerprint on the new playbook;
otherwise its last output is kept. Units that are new (an entity added) are made; units
whose entity is gone are dropped (their `make()` reads their own entity and gives None).

**Why this is complete.** A unit's output is a function of our code, the labels of its
language and the values it reads. The code and the language are the *global key*
(`global_key`): when it changes, every unit is made again. Everything else a unit can see
of the playbook reaches it through the tracked views: the renderer and the diagram
functions are handed the views (`TrackedPlaybook`, `TrackedFacts`, `Tracked`) instead of the
playbook, the facts and the renderer's lookup tables; an attribute the views do not know
raises (`TrackedObject.__getattr__` only passes through methods, dicts and values, each
recorded), so a new way of reading cannot slip past. Entities hold ids, never other
entities, so an entity's fingerprint covers all a unit can read from it, and a query's
answer is fingerprinted with the entities it contains. Reads inside a `Facts` query are not
recorded (the query's answer is): facts are a pure function of the playbook. If every
recorded read of a unit gives the same value, the unit's code takes the same path and
makes the same bytes. The order of a kind (file order) is part of its `all` fingerprint.

**Which reads are checked.** A read that cannot answer differently need not be evaluated,
and most cannot after a small edit (at 3,000 roles a run has 108,000 distinct reads). What
can have changed is known without asking the playbook (`State.changes`, `Changes.to_check`):

- *Which entities changed*: the loader gives each entity the digest of its kind, file path
  and bytes (`load.Sources.digests`); the loader makes an entity from these alone (our code
  being in the global key), so an entity whose digest is the same is the same, every field.
  An entity's reads (`@role:x.…`: its fields, its methods, their dicts) are checked only
  when its digest changed (added, removed, edited), and so are `target` items (a link's
  text and page: one entity's title, kind and id).
- *Which kinds' ids changed*, in order (`kind_sources`): a kind's `item`, `all` and `len`
  reads and the organization's `value` answer with entities by kind and id only
  (`World.fingerprint`), so they are checked only when that kind's ids changed; the
  playbook's methods (`PLAYBOOK_CALLS`, by id across kinds) when any kind's did.
- *Whether the structure changed*: `Facts` relations and review standings read only what
  `structure` digests (every field but a kind's `PROSE`, plus kind, id and file), the ids,
  and the day and git days (`dates`). Their reads are checked when one of these changed, so
  a summary edit checks none of them. `PROSE` is a claim about `facts.py` and `review.py`;
  `tests/test_incremental.py` checks it on the sample's reads with every prose field changed.
- `drawn` is checked when the diagrams drawn changed; any other source is always checked.

A read not checked keeps its last fingerprint in the new state (`fingerprints`), which is
its fingerprint now. Without digests (a caller that passes none) every read is checked.

Titles show up on many pages: a title edit changes `("target", "item", id)` and every
page linking there is made again, as it must be. The calendar page and its file are units
whose key holds the day (`("calendar", day)`, `("ics", day)`: a new day is a new unit),
the format reference a unit that reads nothing (our code and the language only, both in
the global key). One input of the calendar file is outside all of this: the system's
time-zone rules (its `VTIMEZONE`); a new day makes it again. Left out of the units, and so
made on every run: validation (its rules are cross-entity).

**Figures.** A diagram's figure and standalone file are a function of its key, page, title,
caption and DOT text, the Graphviz engine (name and version), the language and whether the
full org chart is drawn (a role's figure links to it); with the same of all of them, the
last figure is kept without reading the SVG. Otherwise the SVG comes from the drawing
caches (`render.render_svgs`) and is post-processed again.

**Where it is kept.** In the build's `Cache` (a `serve` session keeps it in memory), and
with a cache folder in the same pickle as the last output (`Cache.output`: the pages and
figures both hold are stored once), for the next `playbook build`: as trusted as the folder
and the code that wrote it (`cache.py`). A damaged or older file is a miss: every unit is made.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .model import KIND, Entity, Playbook

STATE_FORMAT = "playbook-incremental-2"
"""Part of the global key: change it when what is recorded changes."""

ABSENT = "\0absent"
"""What an `item` read gives for a key that is not there (a string no YAML value can be)."""

Read = tuple[str, str, Hashable]
"""(source, operation, argument): see the table of the module's docstring."""


_PLAIN = frozenset({str, int, float, bool, type(None), datetime.date})
"""Values that hold no entity: handed to a unit as they are."""


class Reads:
    """The reads of the unit being made (outside a unit, reads are not recorded), and the
    one view of each entity for this run."""

    def __init__(self, world: World | None = None) -> None:
        self.current: set[Read] | None = None
        self.world = world
        """Where a read's fingerprint is kept the first time it is read (`World.memo`)."""
        self._views: dict[int, tuple[Entity, EntityView]] = {}

    def add(self, read: Read, value: Any) -> None:
        """Record `read`, which gave `value` (what the unit was handed, before wrapping), and
        keep its fingerprint the first time (the same `World.current` would find, since
        nothing changes during a run). The hottest path of a cold run: kept flat."""
        current = self.current
        if current is not None:
            current.add(read)
            world = self.world
            if world is not None and read not in world.memo:
                world.memo[read] = world.fingerprint(value)

    def wrap(self, value: Any) -> Any:  # noqa: C901 - one branch per kind of value
        """`value` with every entity in it replaced by its `EntityView`, so that nothing a unit
        is handed lets it read an entity unrecorded."""
        if type(value) in _PLAIN:
            return value
        kept = self._views.get(id(value))
        if kept is not None and kept[0] is value:
            return kept[1]
        if isinstance(value, Entity):
            kept = (value, EntityView(value, self))
            self._views[id(value)] = kept
            return kept[1]
        if value is None or isinstance(value, (str, int, float, bool, datetime.date, EntityView)):
            return value
        if isinstance(value, BaseModel):  # a part of an entity (a step, a contact): holds ids, not entities
            return value
        if isinstance(value, list):
            return [self.wrap(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.wrap(item) for item in value)
        if isinstance(value, dict):
            return {key: self.wrap(item) for key, item in value.items()}
        if is_dataclass(value) and not isinstance(value, type):
            changed = {f.name: self.wrap(getattr(value, f.name)) for f in fields(value) if f.init}
            return replace(value, **changed)
        if isinstance(value, Iterator):
            return [self.wrap(item) for item in value]
        if isinstance(value, (set, frozenset)) and not any(isinstance(item, Entity) for item in value):
            return value
        raise TypeError(f"cannot hand a unit a value of type {type(value).__name__} without tracking it")


def unwrap(value: Any) -> Any:
    """The entities behind the views in a call's arguments, for the untracked code (`Facts`)."""
    if isinstance(value, EntityView):
        return value._target
    if isinstance(value, list):
        return [unwrap(item) for item in value]
    if isinstance(value, tuple):
        return tuple(unwrap(item) for item in value)
    return value


class Tracked(Mapping[Any, Any]):
    """A read-only view of a dict that records each read: one key, the whole, or its size."""

    def __init__(self, source: str, data: Mapping[Any, Any], reads: Reads) -> None:
        self._source, self._data, self._reads = source, data, reads

    def _item(self, key: Any) -> Any:
        found = self._data.get(key, ABSENT)
        self._reads.add((self._source, "item", key), found)
        return found

    def _all(self) -> None:
        if self._reads.current is not None:
            self._reads.add((self._source, "all", None), list(self._data.items()))

    def __getitem__(self, key: Any) -> Any:
        found = self._item(key)
        if found is ABSENT:
            raise KeyError(key)
        return self._reads.wrap(found)

    def get(self, key: Any, default: Any = None) -> Any:
        found = self._item(key)
        return default if found is ABSENT else self._reads.wrap(found)

    def __contains__(self, key: object) -> bool:
        return self._item(key) is not ABSENT

    def __iter__(self) -> Iterator[Any]:
        self._all()
        return iter(self._data)

    def __len__(self) -> int:
        self._reads.add((self._source, "len", None), len(self._data))
        return len(self._data)

    def keys(self) -> Any:
        self._all()
        return self._data.keys()

    def values(self) -> Any:
        self._all()
        return [self._reads.wrap(value) for value in self._data.values()]

    def items(self) -> Any:
        self._all()
        return [(key, self._reads.wrap(value)) for key, value in self._data.items()]


UNTRACKED = frozenset({"id", "KIND"})
"""An entity's identity: the same for as long as the view stands for that entity."""


class TrackedObject:
    """A view of an object (the playbook, the facts, an entity) that records every attribute
    read: a method's call with its arguments, a dict as a `Tracked` view, anything else whole;
    whatever it hands out has its entities wrapped (`Reads.wrap`)."""

    def __init__(self, name: str, target: Any, reads: Reads) -> None:
        self._name, self._target, self._reads = name, target, reads
        self._handed: dict[str, tuple[Read | None, Any, Any]] = {}
        """Attribute -> (its read, its value, what the unit is handed): the target does not
        change during a run, so each attribute is looked up and wrapped once; the read is
        recorded every time."""

    def __getattr__(self, attribute: str) -> Any:
        handed = self._handed.get(attribute)
        if handed is None:
            handed = self._hand(attribute)
        read, value, out = handed
        if read is not None:
            self._reads.add(read, value)
        return out

    def _hand(self, attribute: str) -> tuple[Read | None, Any, Any]:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        value = getattr(self._target, attribute)
        source = f"{self._name}.{attribute}"
        reads = self._reads
        if callable(value):

            def call(*args: Any) -> Any:
                answer = value(*unwrap(args))
                reads.add((source, "call", encode_args(args)), answer)
                return reads.wrap(answer)

            handed: tuple[Read | None, Any, Any] = (None, None, call)
        elif isinstance(value, dict):
            handed = (None, None, Tracked(source, value, reads))
        else:
            handed = (None if attribute in UNTRACKED else (source, "value", None), value, reads.wrap(value))
        self._handed[attribute] = handed
        return handed


class EntityView(TrackedObject):
    """One entity, tracked field by field: what a unit reads of another entity (its title, its
    department) is all it depends on. It passes for the entity's class (`isinstance`)."""

    def __init__(self, entity: Entity, reads: Reads) -> None:
        super().__init__(f"@{entity.KIND}:{entity.id}", entity, reads)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # noqa: D105 - isinstance(view, Role) holds for a role's view
        return type(self._target)

    def __eq__(self, other: object) -> bool:
        # unrecorded, and need not be: within a run two entities are equal only when they are
        # the same one (ids are unique), which is what the unit's recorded reads already say
        return self._target == (other._target if isinstance(other, EntityView) else other)

    def __hash__(self) -> int:
        return hash(self._target)

    def __repr__(self) -> str:
        return f"EntityView({self._name})"


class TrackedPlaybook(TrackedObject):
    """The playbook, tracked: `of_kind` gives the tracked view of the kind's dict, so that
    reading one entity depends on that entity only."""

    def __init__(self, playbook: Playbook, reads: Reads) -> None:
        super().__init__("playbook", playbook, reads)

    def of_kind(self, kind: str) -> Any:
        if kind == "organization":
            organization = self.organization
            return {"organization": organization} if organization else {}
        return getattr(self, KIND[kind].plural)


class TrackedFacts(TrackedObject):
    """The facts, tracked; their playbook is the tracked one."""

    def __init__(self, facts: Any, playbook: TrackedPlaybook, reads: Reads) -> None:
        super().__init__("facts", facts, reads)
        self.playbook = playbook


def encode_args(args: tuple[Any, ...]) -> Hashable:
    """A call's arguments as a key that outlives the run: an entity by kind and id (the
    answer, not the argument, is fingerprinted), lists, dicts and sets by value."""
    return tuple(_encode_arg(arg) for arg in args)


def _encode_arg(value: Any) -> Hashable:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Entity):
        return ("@entity", value.KIND, value.id)
    if isinstance(value, (list, tuple)):
        return ("@list", tuple(_encode_arg(v) for v in value))
    if isinstance(value, Mapping):
        return ("@dict", tuple((_encode_arg(k), _encode_arg(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return ("@set", tuple(sorted(_encode_arg(v) for v in value)))  # type: ignore[type-var]
    raise TypeError(f"cannot record a call with an argument of type {type(value).__name__}")


class Gone(Exception):
    """An entity named in a recorded read is no longer in the playbook."""


def _entity(kind: str, entity_id: str, playbook: Playbook) -> Entity:
    found = playbook.of_kind(kind).get(entity_id)
    if found is None:
        raise Gone(entity_id)
    return found


def _decode_arg(value: Any, playbook: Playbook) -> Any:
    if not isinstance(value, tuple):
        return value
    tag = value[0]
    if tag == "@entity":
        return _entity(value[1], value[2], playbook)
    if tag == "@list":
        return [_decode_arg(v, playbook) for v in value[1]]
    if tag == "@dict":
        return {_decode_arg(k, playbook): _decode_arg(v, playbook) for k, v in value[1]}
    return {_decode_arg(v, playbook) for v in value[1]}


class World:
    """The current value of any recorded read, as a fingerprint, each computed once per run."""

    def __init__(self, playbook: Playbook, facts: Any, tables: Mapping[str, Mapping[Any, Any]]) -> None:
        self.playbook, self.facts, self.tables = playbook, facts, tables
        self.memo: dict[Read, str] = {}
        """Read -> its fingerprint in this run."""
        self._sources: dict[str, Any] = {}
        self._owners: dict[str, Entity] = {}

    def current(self, read: Read) -> str:
        found = self.memo.get(read)
        if found is None:
            try:
                found = self.fingerprint(self._value(read))
            except Gone:
                found = ABSENT
            except Exception as exc:  # noqa: BLE001 - not a bug: see below
                # a question asked of the old playbook may have no answer in the new one (a
                # workflow's step 2 after its second step was removed): it answered when the
                # unit was made, so the answer has changed, and the unit is made again
                found = f"{ABSENT}:{type(exc).__name__}"
            self.memo[read] = found
        return found

    def _source(self, source: str) -> Any:
        if source not in self._sources:
            self._sources[source] = self._find(source)
        return self._sources[source]

    def _find(self, source: str) -> Any:
        owner, _, attribute = source.partition(".")
        if owner == "playbook":
            return getattr(self.playbook, attribute)
        if owner == "facts":
            return getattr(self.facts, attribute)
        if owner.startswith("@"):
            entity = self._owners.get(owner)
            if entity is None:
                kind, _, entity_id = owner[1:].partition(":")
                entity = self._owners[owner] = _entity(kind, entity_id, self.playbook)
            return getattr(entity, attribute)
        return self.tables[source]

    def _value(self, read: Read) -> Any:
        source, operation, argument = read
        target = self._source(source)
        if operation == "item":
            return target.get(argument, ABSENT)
        if operation == "all":
            return list(target.items())
        if operation == "len":
            return len(target)
        if operation == "call":
            return target(*(_decode_arg(arg, self.playbook) for arg in argument))  # type: ignore[attr-defined]
        return target

    def fingerprint(self, value: Any) -> str:
        """A digest of a value as a unit sees it: an entity by kind and id only (a unit reads
        its fields through its view, each read recorded on its own)."""
        if isinstance(value, str) and len(value) < 60:
            return repr(value)
        parts: list[str] = []
        self._encode(value, parts)
        text = "\x1f".join(parts)
        return text if len(text) < 64 else "#" + hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()

    def _encode(self, value: Any, out: list[str]) -> None:  # noqa: C901 - one branch per kind of value
        if value is None or isinstance(value, (str, int, float, bool)):
            out.append(repr(value))
        elif isinstance(value, Entity):
            out.append(f"E{value.KIND}:{value.id}")
        elif isinstance(value, BaseModel):
            out.append(f"B{type(value).__name__}{value.model_dump_json()}")
        elif is_dataclass(value) and not isinstance(value, type):
            out.append(f"D{type(value).__name__}")
            for item in fields(value):
                self._encode(getattr(value, item.name), out)
        elif isinstance(value, (list, tuple)):
            out.append(f"L{len(value)}")
            for item in value:
                self._encode(item, out)
        elif isinstance(value, Mapping):
            out.append(f"M{len(value)}")
            for key, item in value.items():
                self._encode(key, out)
                self._encode(item, out)
        elif isinstance(value, (set, frozenset)):
            inner = []
            for item in value:
                part: list[str] = []
                self._encode(item, part)
                inner.append("\x1e".join(part))
            out.append(f"S{len(value)}\x1d" + "\x1d".join(sorted(inner)))
        elif isinstance(value, datetime.date):
            out.append(f"T{value.isoformat()}")
        elif isinstance(value, Iterator):
            self._encode(list(value), out)
        else:
            raise TypeError(f"cannot fingerprint a value of type {type(value).__name__}")


@dataclass
class Made:
    """One unit as made: what it read, and what it gave."""

    reads: tuple[Read, ...]
    value: Any


PLAYBOOK_CALLS = frozenset({"playbook.entity", "playbook.kind_of", "playbook.all_entities"})
"""The playbook's methods a unit may call: each answers from the ids of every kind alone (an
entity in an answer counts by kind and id, `World.fingerprint`)."""


def kind_sources(playbook: Playbook) -> dict[str, tuple[str, ...]]:
    """The source of each kind's dict (`playbook.roles`, `playbook.organization`) -> its ids in
    order: all that an `item`, `all` or `len` read of it, or a value read of the organization,
    can answer with (an entity counts by kind and id)."""
    found = {f"playbook.{KIND[kind].plural}": tuple(playbook.of_kind(kind)) for kind in KIND if kind != "organization"}
    found["playbook.organization"] = ("organization",) if playbook.organization is not None else ()
    return found


@dataclass(frozen=True)
class Changes:
    """What differs from the last run, for `State.stale` to check only the reads that can have
    changed (see the module's docstring, "Which reads are checked")."""

    entities: frozenset[str] | None
    """Ids whose digest differs (changed, added, removed); None when the digests are not
    known (every read is checked)."""
    kinds: frozenset[str]
    """The sources of the kinds whose ids, in order, differ (`kind_sources`)."""
    drawn: bool
    """Whether the diagrams drawn differ."""
    structure: bool = True
    """Whether anything a `Facts` relation or a review standing reads differs: an entity's
    `structure`, a kind's ids, or the day and the files' git days."""

    def to_check(self, group: str, reads: list[Read]) -> list[Read]:
        """The reads of one group (`group_of`) that can answer differently now."""
        changed = self.entities
        if changed is None:
            return reads
        if group[0] == "@":  # an entity's field, method or part: a function of the entity alone
            return reads if group.partition(":")[2] in changed else []
        if group in PLAYBOOK_CALLS:
            return reads if self.kinds else []
        if group.startswith("playbook.") and (group in self.kinds or group not in KIND_SOURCES):
            return reads  # a kind whose ids changed, or a part of the playbook not known here
        if group.startswith("playbook."):
            return []
        if group == "target":  # (escaped title, page) of one id: a function of that entity alone
            return [read for read in reads if read[1] != "item" or read[2] in changed]
        if group == "drawn":
            return reads if self.drawn else []
        if group.startswith("facts.") or group == "reviews":
            return reads if self.structure or self.kinds else []
        return reads  # anything else: checked


PROSE: dict[str, frozenset[str]] = {
    "organization": frozenset({"summary", "description", "charter"}),
    "department": frozenset({"summary", "description", "contact"}),
    "role": frozenset({"summary", "responsibilities", "skills", "qualifications", "onboarding", "contact", "headcount"}),
    "objective": frozenset({"summary"}),
    "theme": frozenset({"summary", "formats", "hashtags", "examples"}),
    "channel": frozenset({"summary", "handle", "url", "voice", "audience", "response_time"}),
    "metric": frozenset({"summary", "source"}),
    "workflow": frozenset({"summary", "trigger"}),
}
"""Per kind, the fields that no `Facts` relation and no review standing reads: text a page
shows of its own entity. An edit of these alone leaves every `facts.*` and `reviews` read as
it was (`structure`); `tests/test_incremental.py` checks that on the reads the sample's site
does, with every one of these fields changed. A field not listed counts (a new field is
structure until it is listed here)."""


def structure(entity: Entity) -> str:
    """A digest of what `Facts` and the review standings can read of an entity: its kind, id,
    file and every field but its `PROSE`."""
    kept = entity.model_dump_json(exclude=set(PROSE.get(entity.KIND, ())))
    text = f"{entity.KIND}\0{entity.id}\0{entity.path}\0{kept}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


KIND_SOURCES = frozenset({f"playbook.{kind.plural}" for kind in KIND.values()})
"""Every `kind_sources` key."""


def group_of(source: str) -> str:
    """The group a read is checked with: an entity's reads (`@role:x.summary`,
    `@workflow:y.followers`) as one, `@role:x`; any other source as itself."""
    return source.partition(".")[0] if source[0] == "@" else source


@dataclass
class State:
    """Everything kept from the last run to make the next one incremental."""

    key: Hashable
    """The global key (`global_key`): when it differs, nothing is kept."""
    pages: dict[tuple[str, ...], Made] = field(default_factory=dict)
    diagrams: dict[tuple[str, ...], Made] = field(default_factory=dict)
    downloads: dict[tuple[str, ...], Made] = field(default_factory=dict)
    """The calendar file (`("ics", day)`), a unit like a page."""
    figures: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    """Diagram key -> (figure key, HTML figure, standalone SVG)."""
    prints: dict[str, dict[Read, str]] = field(default_factory=dict)
    """Per table (`pages`, `diagrams`), every read of its units with its fingerprint as of the
    last run: a unit that was kept had the same fingerprints as before, one that was made
    recorded that run's, so one fingerprint per read holds for every unit that did it."""
    groups: dict[str, dict[str, list[Read]]] = field(default_factory=dict)
    """Per table, the reads of `prints` by `group_of`: what `Changes.to_check` decides on."""
    digests: dict[str, str] | None = None
    """Entity id -> its digest in the last run (`load.Sources.digests`); None when not known."""
    kinds: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """`kind_sources` of the last run's playbook."""
    drawn: tuple[str, ...] = ()
    """The keys of the diagrams the last run drew."""
    structures: dict[str, str] | None = None
    """Entity id -> its `structure` in the last run; None when not known."""
    dates: Hashable = None
    """What the review standings were measured with (the day and the git days), as a digest."""
    loose: dict[str, int] = field(default_factory=dict)
    """Per table, how many reads of `prints` may be done by no unit any more (`carried`)."""
    shared: dict[str, list[str]] = field(default_factory=dict)
    """Per table, the groups of `groups` that are no entity's (`facts.reports`, `target` …)."""

    def changes(self, digests: Mapping[str, str] | None, kinds: Mapping[str, tuple[str, ...]],
                drawn: tuple[str, ...] | None, structures: Mapping[str, str] | None = None,
                dates: Hashable = None) -> Changes:
        """What differs between the last run and this one (`drawn` None: not known yet)."""
        entities: frozenset[str] | None = None
        if digests is not None and self.digests is not None:
            old = self.digests
            entities = frozenset(i for i in old.keys() | digests.keys() if old.get(i) != digests.get(i))
        moved = frozenset(source for source in kinds.keys() | self.kinds.keys() if kinds.get(source) != self.kinds.get(source))
        same = (entities is not None and structures is not None and self.structures is not None
                and dates is not None and dates == self.dates
                and all(structures.get(i) == self.structures.get(i) for i in entities))
        return Changes(entities, moved, drawn is None or drawn != self.drawn, not same)

    def structures_of(self, playbook: Playbook, digests: Mapping[str, str] | None) -> dict[str, str] | None:
        """Every entity's `structure`: the last run's where its digest is the same, else made."""
        if digests is None:
            return None
        old, kept = self.digests or {}, self.structures or {}
        out: dict[str, str] = {}
        for entity in playbook.all_entities():
            eid = "organization" if entity.KIND == "organization" else entity.id
            found = kept.get(eid) if old.get(eid) == digests.get(eid) else None
            out[eid] = found if found is not None else structure(entity)
        return out

    def stale(self, table: str, world: World, changes: Changes) -> set[tuple[str, ...]]:
        """The units of `table` one of whose reads now gives another fingerprint: each
        distinct read is evaluated once, however many units did it, and only where
        `changes` says it can answer differently. Diagrams read only the playbook and the
        facts; pages also the renderer's tables, filled once the diagrams drawn are known,
        which is why each table is checked on its own."""
        prints, groups = self.prints.get(table, {}), self.groups.get(table, {})
        if changes.entities is None:
            names: Iterable[str] = groups
        else:  # an entity's group is checked only when it changed: look those up, not every entity's
            names = [*self.shared.get(table, ()), *(f"@{kind}:{i}" for i in changes.entities for kind in KIND)]
        changed: set[Read] = set()
        for group in names:
            reads = groups.get(group)
            if reads is None:
                continue
            for read in changes.to_check(group, reads):
                if world.current(read) != prints[read]:
                    changed.add(read)
        if not changed:
            return set()
        units: dict[tuple[str, ...], Made] = getattr(self, table)
        return {unit for unit, made in units.items() if not changed.isdisjoint(made.reads)}


@dataclass
class Counts:
    """How much of the last run one run kept (for tests and benchmarks)."""

    pages: int = 0
    pages_made: int = 0
    diagrams: int = 0
    diagrams_made: int = 0
    figures_made: int = 0
    made: list[tuple[str, ...]] = field(default_factory=list)
    """The page units made (not kept), in the order they were made."""
    drawn: list[tuple[str, ...]] = field(default_factory=list)
    """The diagram units made (not kept)."""


def global_key(language: str, diagrams: bool) -> Hashable:
    """What every unit depends on that is not recorded: our code (templates and labels
    included) and the language."""
    from .pagecache import code_fingerprint

    return (STATE_FORMAT, code_fingerprint(), language, diagrams)


def make_units(
    units: list[tuple[tuple[str, ...], Callable[[], Any]]],
    old: Mapping[tuple[str, ...], Made],
    stale: set[tuple[str, ...]],
    reads: Reads,
    made: list[tuple[str, ...]],
    canonical: dict[Read, Read],
) -> dict[tuple[str, ...], Made]:
    """Each unit's last `Made` unless it is `stale` (or new), else made again with its reads
    recorded; units no longer listed are dropped. `canonical` holds one tuple per read made
    in this run, so that the pickle stores each read once however many of its units did it
    (a unit made again may hold a copy of a read a kept unit holds: only the made ones)."""
    out: dict[tuple[str, ...], Made] = {}
    for unit, make in units:
        prior = old.get(unit)
        if prior is not None and unit not in stale:
            out[unit] = prior
            continue
        reads.current = set()
        try:
            value = make()
            seen = reads.current
        finally:
            reads.current = None
        made.append(unit)
        out[unit] = Made(tuple(canonical.setdefault(read, read) for read in seen), value)
    return out


def fingerprints(
    world: World, table: Mapping[tuple[str, ...], Made], old: Mapping[Read, str]
) -> tuple[dict[Read, str], dict[str, list[Read]]]:
    """The fingerprint of every read of a table's units, and those reads by `group_of`. A read
    this run evaluated (checked, or done by a unit it made) is in `world.memo`; any other was
    skipped because it cannot have changed, so its last fingerprint (`old`) holds."""
    prints: dict[Read, str] = {}
    groups: dict[str, list[Read]] = {}
    names: dict[str, str] = {}
    memo = world.memo
    for made in table.values():
        for read in made.reads:
            if read in prints:
                continue
            found = memo.get(read)
            prints[read] = found if found is not None else old[read] if read in old else world.current(read)
            source = read[0]
            group = names.get(source)
            if group is None:
                group = names[source] = group_of(source)
            groups.setdefault(group, []).append(read)
    return prints, groups


def carried(
    world: World, units: Mapping[tuple[str, ...], Made], made: list[tuple[str, ...]], old: State, table: str,
) -> tuple[dict[Read, str], dict[str, list[Read]], int]:
    """`fingerprints` of a table's units, from the last run's: the reads this run evaluated
    get their new fingerprint, the units it made add theirs. Reads only the units made again
    or dropped did may be left over; they cost a check, never a wrong answer (no unit does
    them), and once they could be a quarter of all, every read is gathered again. Also gives
    the new count of reads that may be left over."""
    old_prints, old_groups, old_units = old.prints.get(table, {}), old.groups.get(table, {}), getattr(old, table)
    loose = old.loose.get(table, 0) + sum(len(m.reads) for unit, m in old_units.items() if unit not in units)
    for unit in made:
        if unit in old_units:  # a unit made again mostly reads what it read before
            loose += len(set(old_units[unit].reads).difference(units[unit].reads))
    if not old_prints or loose > len(old_prints) // 4:
        prints, groups = fingerprints(world, units, old_prints)
        return prints, groups, 0
    prints = dict(old_prints)
    memo = world.memo
    for read, print_ in memo.items():
        if read in prints:
            prints[read] = print_
    groups = dict(old_groups)
    copied: set[str] = set()
    for unit in made:
        for read in units[unit].reads:
            if read in prints:
                continue
            found = memo.get(read)
            prints[read] = found if found is not None else world.current(read)
            group = group_of(read[0])
            if group not in copied:  # the last state's lists stay as they were
                groups[group] = list(groups.get(group, ()))
                copied.add(group)
            groups[group].append(read)
    return prints, groups, loose


# -- one run


@dataclass(frozen=True)
class Generated:
    """What `generate_site` made: the site's pages, and per diagram key its figure and file."""

    pages: dict[str, Any]
    figures: dict[str, str]
    svgs: dict[str, str]
    counts: Counts
    extra: dict[str, Any] = field(default_factory=dict)
    """The pages not the renderer's, in the order the site lists them after its pages: the
    calendar (with a day), the format reference."""
    downloads: dict[str, str] = field(default_factory=dict)
    """The calendar file by path (with a day)."""


def generate_site(
    playbook: Playbook,
    labels: Any,
    *,
    cache: Any,
    engine: str,
    cache_dir: Path | None,
    diagrams: bool,
    reviews: Mapping[str, Any] | None,
    digests: Mapping[str, str] | None = None,
    dates: Hashable = None,
    today: datetime.date | None = None,
    references: Mapping[str, Any] | None = None,
) -> Generated:
    """Every page and diagram of a playbook that passed validation, made again only where
    an edit touched them (see the module's docstring); the same as `render_pages` and
    `render_site_diagrams` would make, byte for byte. Keeps the new state in `cache`.
    `digests` (`load.Sources.digests`) let it skip the reads of entities that did not change;
    without them every read is checked. `dates` says what `reviews` were measured with (a
    value whose `repr` is the same for the same day and git days). With `today`, the
    calendar page and file of that day are units too (the day in their unit, so that a new
    day makes them again); the format reference is one that reads nothing (our code only).
    `references` (`load.Sources.references`) spare `Facts` walking every entity again."""
    from .diagrams import diagram_units
    from .facts import Facts
    from .pages import Renderer, diagram_path

    key = global_key(labels.language, diagrams)
    state = cache.generation if cache.generation is not None else cache.last_generation()
    if not isinstance(state, State) or state.key != key:
        state = State(key)
    cache.generation = None  # until this run has made its own: a run that fails leaves none
    facts, tables = Facts(playbook, references), dict[str, Mapping[Any, Any]]()
    world = World(playbook, facts, tables)
    reads = Reads(world)
    view = TrackedPlaybook(playbook, reads)
    tracked_facts = TrackedFacts(facts, view, reads)
    counts = Counts()
    made_diagrams: dict[tuple[str, ...], Made] = {}
    canonical: dict[Read, Read] = {}  # this run's: the last run's are kept by the units not made again
    kinds = kind_sources(playbook)
    structures = state.structures_of(playbook, digests)
    # review standings whose day is not said cannot be compared: their reads are then always checked
    dates_key = None if dates is None and reviews else hashlib.blake2b(repr(dates).encode("utf-8"), digest_size=16).hexdigest()
    if diagrams:
        changes = state.changes(digests, kinds, None, structures, dates_key)  # diagrams do not read `drawn`; were one to, it is checked
        units = diagram_units(view, labels, tracked_facts)  # type: ignore[arg-type]
        stale = state.stale("diagrams", world, changes)
        made_diagrams = make_units(units, state.diagrams, stale, reads, counts.drawn, canonical)
    site = sorted((m.value for m in made_diagrams.values() if m.value is not None), key=lambda d: d.key)
    figures = _figures(site, labels, cache=cache, engine=engine, cache_dir=cache_dir, old=state.figures, counts=counts)
    drawn = dict.fromkeys(figures, True)
    renderer = Renderer(view, labels, drawn.keys(), tracked_facts, cache, reviews)  # type: ignore[arg-type]
    tables.update(target=renderer.targets, drawn=drawn, reviews=dict(reviews or {}))
    renderer.targets = Tracked("target", tables["target"], reads)  # type: ignore[assignment]
    renderer.drawn = Tracked("drawn", drawn, reads)  # type: ignore[assignment]
    renderer.reviews = Tracked("reviews", tables["reviews"], reads)
    changes = state.changes(digests, kinds, tuple(drawn), structures, dates_key)
    extra = _extra_units(view, labels, renderer, cache, today)
    made_pages = make_units(renderer.units() + extra, state.pages, state.stale("pages", world, changes), reads,
                            counts.made, canonical)
    downloads = _download_units(view, labels, today)
    made_ics: list[tuple[str, ...]] = []
    made_downloads = make_units(downloads, state.downloads, state.stale("downloads", world, changes), reads,
                                made_ics, canonical)
    others = {unit for unit, _make in extra}
    found = [m.value for unit, m in made_pages.items() if m.value is not None and unit not in others]
    pages = {page.path: page for page in sorted(found, key=lambda p: p.path)}
    counts.pages, counts.pages_made = len(made_pages), len(counts.made)
    counts.diagrams, counts.diagrams_made = len(made_diagrams), len(counts.drawn)
    tables_made = {"pages": (made_pages, counts.made), "diagrams": (made_diagrams, counts.drawn),
                   "downloads": (made_downloads, made_ics)}
    prints, groups, loose = {}, {}, {}
    shared = {}
    for table, (units_made, which) in tables_made.items():
        prints[table], groups[table], loose[table] = carried(world, units_made, which, state, table)
        shared[table] = [group for group in groups[table] if group[0] != "@"]
    state = State(key, made_pages, made_diagrams, made_downloads, figures, prints, groups,
                  dict(digests) if digests is not None else None, kinds, tuple(drawn), structures, dates_key,
                  loose, shared)
    cache.generation, cache.counts = state, counts  # the cache writes it with the output
    return Generated(
        pages,
        {key: figure for key, (_fkey, figure, _svg) in figures.items()},
        {diagram_path(key): svg for key, (_fkey, _figure, svg) in figures.items()},
        counts,
        {page.path: page for unit, _make in extra for page in [made_pages[unit].value]},
        {path: text for m in made_downloads.values() for path, text in [m.value]},
    )


def _extra_units(view: Any, labels: Any, renderer: Any, cache: Any, today: datetime.date | None) -> list[Any]:
    """The pages `site.generate` adds to the renderer's: the calendar of `today` (the day is
    part of its unit: it is its only input besides what it reads) and the format reference
    (a function of our code and the language, both in the global key: it reads nothing)."""
    from .pages import Page
    from .plan import calendar_page
    from .reference import PAGE_PATH, reference_markdown

    title = labels("format_reference")
    units: list[Any] = []
    if today is not None:
        units.append((("calendar", today.isoformat()), lambda: calendar_page(view, labels, today, cache, renderer)))
    units.append((("reference",), lambda: Page(PAGE_PATH, title, reference_markdown(title))))
    return units


def _download_units(view: Any, labels: Any, today: datetime.date | None) -> list[Any]:
    """The calendar file of `today` as a unit: (path, text)."""
    from .exports import ics
    from .plan import ICS_PATH, week_of

    if today is None:
        return []
    return [(("ics", today.isoformat()), lambda: (ICS_PATH, ics(view, labels, week_of(today), None, today)))]


def _figures(
    site: list[Any], labels: Any, *, cache: Any, engine: str, cache_dir: Path | None,
    old: Mapping[str, tuple[str, str, str]], counts: Counts,
) -> dict[str, tuple[str, str, str]]:
    """Diagram key -> (figure key, figure, standalone SVG), in key order: the last ones where
    the figure key is the same (see the module's docstring), else drawn and made again."""
    from .diagrams.render import figure_html, render_svgs, standalone_svg
    from .engine import find_engine

    if not site:
        return {}
    chosen = cache.engine(engine, find_engine)
    chart = any(d.key == "org-chart" for d in site)
    out: dict[str, tuple[str, str, str]] = {}
    todo: list[tuple[Any, str]] = []
    for diagram in site:
        parts = (STATE_FORMAT, diagram.key, diagram.page, diagram.title, diagram.caption, diagram.dot,
                 chosen.name, chosen.version, labels.language, str(chart))
        figure_key = hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=16).hexdigest()
        kept = old.get(diagram.key)
        if kept is not None and kept[0] == figure_key:
            out[diagram.key] = kept
        else:
            todo.append((diagram, figure_key))
            out[diagram.key] = ("", "", "")  # its place in key order
    svgs = render_svgs([d.dot for d, _ in todo], chosen, cache_dir, names=[d.key for d, _ in todo], cache=cache)
    for (diagram, figure_key), svg in zip(todo, svgs, strict=True):
        out[diagram.key] = (figure_key, figure_html(diagram, svg, labels, chart=chart), standalone_svg(diagram, svg))
    counts.figures_made = len(todo)
    return out
