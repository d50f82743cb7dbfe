"""`playbook diff`: what a change to the playbook means for the people in it.

Two revisions of the project are loaded through the same core as `playbook validate`
(a git revision is read with `git ls-tree` and `git cat-file` into a temporary folder;
the working tree is read where it is) and compared entity by entity. The result is a
list of `Change`s, sentences such as "Community Manager now reports to Head of
Marketing Communication (was Social Media Manager)", printed as plain text for the
terminal or as Markdown for a pull request's job summary.

A file renamed to a new id is recognised as a rename, not as one entity removed and
another added: the pair keeps its title, or most of its content. References to the old
id are read as references to the new one, so a rename alone reports nothing else.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import Problem, UsageError
from .escape import md_text as escape_markdown  # names inside a sentence of the job summary
from .load import entity_id as file_id
from .model import FILE_KINDS, KIND_ORDER, PLURALS, TOP_FOLDERS, Entity, Playbook, Step, keys
from .project import Result, validate
from .redirects import FILE as REDIRECTS_FILE
from .redirects import entity_of, page_of
from .redirects import parse as parse_redirects
from .redirects import read as read_redirects
from .rules import REFERENCE_FIELDS

WORKING_TREE = None
"""`head=None` in `diff()` compares against the files on disk, committed or not."""

RENAME_SIMILARITY = 0.7
"""How alike two files' content (ignoring the title) must be to count as a rename."""

KINDS = FILE_KINDS
"""Kinds compared one by one, in the order of `model.KINDS`."""

HEADINGS = {
    **{kind: plural.capitalize() for kind, plural in PLURALS.items()},
    "reporting": "Reporting lines",
    "raci": "Responsibilities (RACI)",
    "kpi": "Objectives without a KPI",
    "edit": "Other edits",
}
"""Section key -> heading: one section per kind (its page folder's name), and the ones about people and KPIs."""

_AFTER_KIND = {"role": ("reporting", "raci"), "objective": ("kpi",)}
"""Sections that follow a kind's own: what a change means for people comes with the roles."""

SECTIONS = {
    key: HEADINGS[key]
    for key in (*(s for kind in KIND_ORDER for s in (kind, *_AFTER_KIND.get(kind, ()))), "edit")
}
"""Section key -> heading, in the order they are printed: kinds in `model.KINDS` order."""

RACI_LETTERS = ("responsible", "consulted", "informed")

# fields each kind's own sentences already describe; the rest are listed as "other edits"
_DESCRIBED = {
    "organization": {"name", "hub"},
    "department": {"title", "parent", "lead", "share"},
    "role": {"title", "department", "reports_to", "headcount"},
    "channel": {"title", "owner", "operators", "purpose"},
    "objective": {"title", "raci", "goal", "focus"},
}
_TITLE = {"title"}
"""What the added, removed and renamed sentences describe of any other kind."""


# -- sentences ---------------------------------------------------------------------------


class Name(str):
    """An entity's title: bold in Markdown."""


class Code(str):
    """An id, a revision or a path: a code span in Markdown."""


@dataclass(frozen=True)
class Names:
    """Several entity titles, read as 'A, B and C'."""

    items: tuple[str, ...]


Part = str | Name | Code | Names


@dataclass(frozen=True)
class Change:
    """One change, as a sentence with placeholders ({0}, {1} …) for the parts that come from YAML."""

    section: str
    template: str
    parts: tuple[Part, ...] = ()

    def text(self) -> str:
        return self.template.format(*(_plain(p) for p in self.parts))

    def markdown(self) -> str:
        return self.template.format(*(_markdown(p) for p in self.parts))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plain(part: Part) -> str:
    if isinstance(part, Names):
        return _and([_one_line(i) for i in part.items])
    return _one_line(part)


def _markdown(part: Part) -> str:
    if isinstance(part, Names):
        return _and([f"**{escape_markdown(i)}**" for i in part.items])
    if isinstance(part, Name):
        return f"**{escape_markdown(part)}**"
    if isinstance(part, Code):
        text = _one_line(part)
        fence = "``" if "`" in text else "`"
        return f"{fence}{text}{fence}" if fence == "`" else f"`` {text} ``"
    return escape_markdown(part)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# -- reading a revision ------------------------------------------------------------------


def _git(root: Path, *args: str, input: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, input=input, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise UsageError("git is not installed; playbook diff reads revisions with git") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"git {args[0]} failed: {message[-1] if message else 'exit ' + str(done.returncode)}")
    return done.stdout


def check_revision(root: Path, rev: str) -> str:
    """The commit id `rev` names, or a user error that says what to do."""
    if rev.startswith("-"):
        raise UsageError(f"'{rev}' is not a revision")
    try:
        _git(root, "rev-parse", "--is-inside-work-tree")
    except UsageError:
        raise UsageError(f"{root} is not in a git repository; playbook diff compares git revisions") from None
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd=root, capture_output=True, check=False,
    )
    if done.returncode != 0:
        hint = ""
        if rev.startswith("origin/"):
            hint = " (fetch it first; in a GitHub workflow, check out with fetch-depth: 0)"
        raise UsageError(f"unknown revision '{rev}'{hint}")
    return done.stdout.decode().strip()


def files_at(root: Path, rev: str) -> dict[str, bytes]:
    """The playbook's YAML files at a git revision: {path relative to the project: bytes}."""
    commit = check_revision(root, rev)
    # paths come out relative to `root`, which may be a sub-folder of the repository
    listing = _git(root, "ls-tree", "-r", "-z", commit, "--", *TOP_FOLDERS)
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, obj = meta.decode().split()
        path = name.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode in ("100644", "100755"):
            entries.append((path, obj))
    if not entries:
        return {}
    batch = _git(root, "cat-file", "--batch", input="".join(f"{obj}\n" for _, obj in entries).encode())
    files: dict[str, bytes] = {}
    offset = 0
    for path, _obj in entries:
        header_end = batch.index(b"\n", offset)
        header = batch[offset:header_end].split()
        size = int(header[2])
        start = header_end + 1
        files[path] = batch[start : start + size]
        offset = start + size + 1  # each object is followed by a newline
    return files


def redirects_at(root: Path, rev: str | None) -> dict[str, str]:
    """Old page -> new page in `redirects.yml` at `rev` (None: the working tree); a broken file
    redirects nothing (validate reports it)."""
    if rev is WORKING_TREE:
        return read_redirects(root)[0].pages
    try:
        raw = _git(root, "show", f"{check_revision(root, rev)}:./{REDIRECTS_FILE}")
    except UsageError:  # no such file at that revision
        return {}
    return parse_redirects(raw)[0].pages


def load_files(files: dict[str, bytes]) -> Result:
    """Validate a playbook given as {relative path: bytes}, through a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="playbook-diff-") as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            pure = PurePosixPath(rel)
            if pure.is_absolute() or ".." in pure.parts:  # pragma: no cover - git never lists these
                continue
            target = root.joinpath(*pure.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return validate(root)


def load_revision(root: Path, rev: str | None) -> Result:
    """The playbook at `rev`, or in the working tree when `rev` is None."""
    if rev is WORKING_TREE:
        return validate(root)
    return load_files(files_at(root, rev))


# -- comparing ---------------------------------------------------------------------------


def _content(entity: Entity, skip: Iterable[str] = ()) -> dict[str, Any]:
    data = entity.model_dump(mode="json", exclude_defaults=True)
    for key in skip:
        data.pop(key, None)
    return data


def _similarity(a: Entity, b: Entity) -> float:
    if a.label.strip().casefold() == b.label.strip().casefold():
        return 1.0
    left = json.dumps(_content(a, ("title",)), sort_keys=True, ensure_ascii=False)
    right = json.dumps(_content(b, ("title",)), sort_keys=True, ensure_ascii=False)
    return difflib.SequenceMatcher(None, left, right, autojunk=False).ratio()


def match_renames(base: Playbook, head: Playbook, base_unloaded: Mapping[str, str] | None = None,
                  head_unloaded: Mapping[str, str] | None = None) -> dict[str, str]:
    """Old id -> new id for entities whose file was renamed (same title, or mostly the same content)."""
    renames: dict[str, str] = {}
    for kind in KINDS:
        old = base.of_kind(kind)
        new = head.of_kind(kind)
        removed = [i for i in old if i not in new and i not in (head_unloaded or {})]
        added = [i for i in new if i not in old and i not in (base_unloaded or {})]
        scored = sorted(
            ((_similarity(old[r], new[a]), r, a) for r in removed for a in added),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        taken: set[str] = set()
        for score, r, a in scored:
            if score < RENAME_SIMILARITY:
                break
            if r in renames or a in taken:
                continue
            renames[r] = a
            taken.add(a)
    return renames


def _translate(data: Any, pattern: tuple[str, ...], renames: dict[str, str]) -> Any:
    """`data` with the ids at `pattern` renamed ('*' steps into every list item)."""
    if not pattern:
        return renames.get(data, data) if isinstance(data, str) else data
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        return [_translate(item, rest, renames) for item in data] if isinstance(data, list) else data
    if isinstance(data, dict) and head in data:
        return {**data, head: _translate(data[head], rest, renames)}
    return data


@dataclass
class Comparison:
    """Two playbooks and the renames between them; builds the list of changes."""

    base: Playbook
    head: Playbook
    base_unloaded: Mapping[str, str] = field(default_factory=dict)
    """Ids of files that did not load at the base: not reported as added or removed."""
    head_unloaded: Mapping[str, str] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    redirected: Mapping[str, str] = field(default_factory=dict)
    """Old page -> new page, from `redirects.yml` of the head: a moved page's old link still works."""

    # names ------------------------------------------------------------------------------

    def new_id(self, old_id: str | None) -> str | None:
        return self.renames.get(old_id, old_id) if old_id else old_id

    def name(self, entity_id: str) -> Name | Code:
        """What people call the entity: its title now, else its title before, else its id."""
        found = self.head.entity(entity_id)
        if found is None:
            old = {new: old for old, new in self.renames.items()}.get(entity_id, entity_id)
            found = self.base.entity(old)
        return Name(found.label) if found is not None else Code(entity_id)

    def names(self, ids: Iterable[str]) -> Names:
        return Names(tuple(sorted((self.name(i) for i in ids), key=str.casefold)))

    def add(self, section: str, template: str, *parts: Part) -> None:
        self.changes.append(Change(section, template, parts))

    def pairs(self, kind: str) -> Iterator[tuple[Any, Any]]:
        """(before, after) for every entity of `kind` in both revisions, renamed or not."""
        old, new = self.base.of_kind(kind), self.head.of_kind(kind)
        matched = []
        for old_id, entity in old.items():
            new_id = self.renames.get(old_id, old_id)
            if new_id in new:
                matched.append((entity, new[new_id]))
        yield from sorted(matched, key=lambda pair: pair[1].label.casefold())

    def translated(self, entity: Entity) -> dict[str, Any]:
        """The entity's content with its references renamed to their new ids."""
        data = _content(entity)
        for pattern, _kinds in REFERENCE_FIELDS.get(entity.KIND, ()):
            data = _translate(data, pattern, self.renames)
        return data

    # the comparison ---------------------------------------------------------------------

    def run(self) -> list[Change]:
        self.renames = match_renames(self.base, self.head, self.base_unloaded, self.head_unloaded)
        self.organization()
        for kind in KINDS:
            self.added_removed_renamed(kind)
        self.departments()
        self.roles()
        self.raci()
        self.channels()
        self.objectives()
        self.kpis()
        self.edits()
        order = list(SECTIONS)
        return sorted(self.changes, key=lambda c: order.index(c.section))

    def organization(self) -> None:
        for before, after in self.pairs("organization"):
            if before.name != after.name:
                self.add("organization", "The organization is now called {0} (was {1})",
                         Name(after.name), Name(before.name))
            self._moved(before.hub, after.hub, Name(after.name), "organization",
                        "{0}: the social media hub is now {1} (was {2})", "{0}: the social media hub is now {1}",
                        "{0} has no social media hub any more (was {1})")

    def added_removed_renamed(self, kind: str) -> None:
        old, new = self.base.of_kind(kind), self.head.of_kind(kind)
        renamed_to = set(self.renames.values())
        for entity_id in sorted(new, key=lambda i: new[i].label.casefold()):
            if entity_id in old or entity_id in renamed_to or entity_id in self.base_unloaded:
                continue
            self.added(new[entity_id])
        for entity_id in sorted(old, key=lambda i: old[i].label.casefold()):
            if entity_id in new or entity_id in self.renames or entity_id in self.head_unloaded:
                continue
            self.removed(old[entity_id])
        for old_id, new_id in sorted(self.renames.items()):
            if old_id not in old:
                continue
            before, after = old[old_id], new[new_id]
            moved = self._page_moved(kind, old_id, new_id)
            if before.label == after.label:
                self.add(kind, f"{kind.capitalize()} {{0}} has a new id: {{1}} (was {{2}}); {moved}",
                         Name(after.label), Code(new_id), Code(old_id))
            else:
                self.add(kind, f"Renamed {kind} {{0}} to {{1}} (id {{2}}, was {{3}}); {moved}",
                         Name(before.label), Name(after.label), Code(new_id), Code(old_id))
        for before, after in self.pairs(kind):
            if before.id == after.id and before.label != after.label:
                self.add(kind, f"Renamed {kind} {{0}} to {{1}}", Name(before.label), Name(after.label))

    def _page_moved(self, kind: str, old_id: str, new_id: str) -> str:
        """What a new id means for links to the entity's page."""
        if self.redirected.get(page_of(kind, old_id)) == page_of(kind, new_id):
            return "its page moved, and the old link redirects to it"
        return f"its page moved, and the old link no longer works (no redirect in {REDIRECTS_FILE})"

    def added(self, entity: Any) -> None:
        kind = entity.KIND
        details = ""
        parts: list[Part] = [Name(entity.label)]
        if kind == "role":
            details = " in {1}"
            parts.append(self.name(entity.department))
            if entity.reports_to:
                details += ", reporting to {2}"
                parts.append(self.name(entity.reports_to))
        elif kind == "department" and entity.parent:
            details = " under {1}"
            parts.append(self.name(entity.parent))
        elif kind == "channel":
            details = ", owned by {1}"
            parts.append(self.name(entity.owner))
        elif kind == "objective":
            details = ", accountable: {1}"
            parts.append(self.name(entity.raci.accountable))
        self.add(kind, f"Added {kind} {{0}}{details}", *parts)

    def removed(self, entity: Any) -> None:
        kind = entity.KIND
        successor = entity_of(self.redirected.get(page_of(kind, entity.id), ""))
        slot = 2 if kind == "role" else 1  # the placeholder after the sentence's own parts
        follows = f"; its old link leads to {{{slot}}}" if successor else ""
        then = (self.name(successor[1]),) if successor else ()
        if kind == "role":
            self.add(kind, "Removed role {0} (was in {1})" + follows, Name(entity.label),
                     self.name(self.new_id(entity.department) or ""), *then)
        else:
            self.add(kind, f"Removed {kind} {{0}}" + follows, Name(entity.label), *then)

    def departments(self) -> None:
        for before, after in self.pairs("department"):
            name = Name(after.label)
            self._moved(before.parent, after.parent, name, "department",
                        "{0} now sits under {1} (was {2})", "{0} now sits under {1} (was at the top)",
                        "{0} is now at the top of the organization (was under {1})")
            old_lead, new_lead = self.new_id(before.lead), after.lead
            if old_lead != new_lead:
                if new_lead and old_lead:
                    self.add("department", "{0}: lead changed from {1} to {2}", name, self.name(old_lead), self.name(new_lead))
                elif new_lead:
                    self.add("department", "{0} is now led by {1}", name, self.name(new_lead))
                else:
                    self.add("department", "{0} has no lead any more (was {1})", name, self.name(old_lead or ""))
            if before.share != after.share:
                self.add("department", "{0}: share of the social media work changed from {1} to {2}", name,
                         _percent(before.share), _percent(after.share))

    def _moved(self, old: str | None, new: str | None, name: Name, section: str,
               changed: str, set_now: str, cleared: str) -> None:
        old = self.new_id(old)
        if old == new:
            return
        if old and new:
            self.add(section, changed, name, self.name(new), self.name(old))
        elif new:
            self.add(section, set_now, name, self.name(new))
        else:
            self.add(section, cleared, name, self.name(old or ""))

    def roles(self) -> None:
        for before, after in self.pairs("role"):
            name = Name(after.label)
            self._moved(before.reports_to, after.reports_to, name, "reporting",
                        "{0} now reports to {1} (was {2})", "{0} now reports to {1} (reported to nobody before)",
                        "{0} no longer reports to anyone (was {1})")
            self._moved(before.department, after.department, name, "role",
                        "{0} moved to {1} (was in {2})", "{0} moved to {1}", "{0} left {1}")
            old_count, new_count = before.headcount, after.headcount
            if old_count != new_count:
                if new_count == 0:
                    self.add("role", "{0} is now an open position (headcount was {1})", name, str(old_count))
                else:
                    self.add("role", "{0}: headcount changed from {1} to {2}", name, str(old_count), str(new_count))

    def raci(self) -> None:
        for before, after in self.pairs("objective"):
            name = Name(after.label)
            old, new = before.raci, after.raci
            if self.new_id(old.accountable) != new.accountable:
                self.add("raci", "{0}: accountable changed from {1} to {2}", name,
                         self.name(self.new_id(old.accountable) or ""), self.name(new.accountable))
            for letter in RACI_LETTERS:
                was = {self.new_id(i) for i in getattr(old, letter)}
                now = set(getattr(new, letter))
                if now - was:
                    self.add("raci", f"{{0}}: {letter} added {{1}}", name, self.names(now - was))
                if was - now:
                    self.add("raci", f"{{0}}: {letter} removed {{1}}", name, self.names(i for i in was - now if i))

    def channels(self) -> None:
        for before, after in self.pairs("channel"):
            name = Name(after.label)
            old_owner = self.new_id(before.owner)
            if old_owner != after.owner:
                self.add("channel", "{0}: owner changed from {1} to {2}", name,
                         self.name(old_owner or ""), self.name(after.owner))
            was = {self.new_id(i) for i in before.operators}
            now = set(after.operators)
            if now - was:
                self.add("channel", "{0}: operators added {1}", name, self.names(now - was))
            if was - now:
                self.add("channel", "{0}: operators removed {1}", name, self.names(i for i in was - now if i))
            if before.purpose != after.purpose:
                self.add("channel", "{0}: purpose changed from {1} to {2}", name,
                         before.purpose, after.purpose)

    def objectives(self) -> None:
        for before, after in self.pairs("objective"):
            name = Name(after.label)
            for key in ("goal", "focus"):
                old, new = getattr(before, key), getattr(after, key)
                if old != new:
                    self.add("objective", f"{{0}}: {key} changed from {{1}} to {{2}}", name,
                             old or "none", new or "none")

    def kpis(self) -> None:
        """Objectives that had a KPI and lost it, and new objectives that come without one."""
        old_by_new = {self.new_id(i): o for i, o in self.base.objectives.items()}
        for entity_id in sorted(self.head.objectives, key=lambda i: self.head.objectives[i].label.casefold()):
            objective = self.head.objectives[entity_id]
            if objective.kpis:
                continue
            before = old_by_new.get(entity_id)
            if before is None:
                if entity_id not in self.base_unloaded:
                    self.add("kpi", "{0} is new and has no KPI", Name(objective.label))
            elif before.kpis:
                self.add("kpi", "{0} has no KPI any more (was measured by {1})", Name(objective.label),
                         self.names(self.new_id(k.metric) or "" for k in before.kpis))

    def edits(self) -> None:
        """Fields changed that no sentence above describes, each with its old and new value."""
        for kind in KIND_ORDER:
            ids = {pattern for pattern, _kinds in REFERENCE_FIELDS.get(kind, ())}
            for before, after in self.pairs(kind):
                old, new = self.translated(before), self.translated(after)
                described = _DESCRIBED.get(kind, _TITLE) | ({"kpis"} if kind == "objective" and not new.get("kpis") else set())
                keys = sorted(k for k in set(old) | set(new) if k not in described and old.get(k) != new.get(k))
                subject = Name(after.label)
                for key in keys:
                    for template, *parts in _field_edits(key, old.get(key), new.get(key), ids):
                        self.add("edit", "{0} (" + kind + "): " + template, subject,
                                 *(self.name(p.id) if isinstance(p, _Ref) else p for p in parts))


# -- one field's old and new value, in words ---------------------------------------------------

LONG_TEXT = 80
"""Text longer than this (or on several lines) is said to be rewritten, not quoted twice."""


@dataclass(frozen=True)
class _Ref:
    """An id in a sentence, to be shown as the entity's name."""

    id: str


Edit = tuple[str, ...] | tuple[Any, ...]
"""(template with {1}, {2} … for the parts after the entity's name, *parts)."""


def _field_edits(key: str, old: Any, new: Any, ids: set[tuple[str, ...]], where: tuple[str, ...] = ()) -> list[Edit]:
    """What changed in one field, as sentences: `ids` are the reference patterns of the kind."""
    path = (*where, key)
    label = " ".join(part.replace("_", " ") for part in path)
    if key == "steps" and not where:
        return _step_edits(old or [], new or [], ids)
    if key == "kpis" and not where:
        return _kpi_edits(old or [], new or [])
    if _same_length_mappings(old, new):  # cadence slots, say: compared one by one
        return [edit for number, (a, b) in enumerate(zip(old, new, strict=True), start=1) if a != b
                for edit in _field_edits(f"{key} (slot {number})", a, b, ids, where)]
    if isinstance(old, dict) or isinstance(new, dict):
        old, new = old or {}, new or {}
        return [edit for sub in sorted(set(old) | set(new)) if old.get(sub) != new.get(sub)
                for edit in _field_edits(sub, old.get(sub), new.get(sub), ids, path)]
    if isinstance(old, list) or isinstance(new, list):
        return _list_edits(label, old or [], new or [], (*path, "*") in ids)
    return [_scalar_edit(label, old, new, path in ids)]


def _same_length_mappings(old: Any, new: Any) -> bool:
    return (
        isinstance(old, list) and isinstance(new, list) and len(old) == len(new) > 0
        and all(isinstance(item, dict) for item in (*old, *new))
    )


def _value(value: Any, is_id: bool) -> Part | _Ref:
    if is_id:
        return _Ref(str(value))
    return _words(str(value).lower() if isinstance(value, bool) else str(value))


def _words(text: str) -> Part:
    """A token (`2h`, `instagram`, `40`) as code; a sentence in quotes, as people write it."""
    return f"“{text}”" if " " in text.strip() else Code(text)


def _scalar_edit(label: str, old: Any, new: Any, is_id: bool) -> Edit:
    if _long(old) or _long(new):
        return (f"{label} rewritten",) if old and new else (f"{label} {'added' if new else 'removed'}",)
    if old is None:
        return f"{label} set to {{1}}", _value(new, is_id)
    if new is None:
        return f"{label} removed (was {{1}})", _value(old, is_id)
    return f"{label} changed from {{1}} to {{2}}", _value(old, is_id), _value(new, is_id)


def _long(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > LONG_TEXT or "\n" in value.strip())


def _list_edits(label: str, old: list[Any], new: list[Any], is_id: bool) -> list[Edit]:
    added = [item for item in new if item not in old]
    removed = [item for item in old if item not in new]
    edits: list[Edit] = []
    for verb, items in (("added", added), ("removed", removed)):
        if items:
            template = f"{label} {verb} " + ", ".join(f"{{{n}}}" for n in range(1, len(items) + 1))
            edits.append((template, *(_item(i, is_id) for i in items)))
    if not edits:  # the same items in another order
        edits.append((f"{label} reordered",))
    return edits


def _item(value: Any, is_id: bool) -> Part | _Ref:
    if is_id:
        return _Ref(str(value))
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value)
    return _words(text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "…")


def _kpi_edits(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Edit]:
    """KPIs by metric: added, removed, target changed."""
    was = {k.get("metric"): k for k in old}
    now = {k.get("metric"): k for k in new}
    edits: list[Edit] = []
    for metric in [m for m in now if m not in was]:
        edits.append(("KPI added: {1}, target {2}", _Ref(str(metric)), _words(str(now[metric].get("target", "none")))))
    for metric in [m for m in was if m not in now]:
        edits.append(("KPI removed: {1} (target was {2})", _Ref(str(metric)), _words(str(was[metric].get("target", "none")))))
    for metric in [m for m in now if m in was and now[m] != was[m]]:
        edits.append(("KPI {1}: target changed from {2} to {3}", _Ref(str(metric)),
                      _words(str(was[metric].get("target", "none"))), _words(str(now[metric].get("target", "none")))))
    return edits or [("KPIs reordered",)]


def _step_edits(old: list[dict[str, Any]], new: list[dict[str, Any]], ids: set[tuple[str, ...]]) -> list[Edit]:
    """Steps lined up as a text diff lines up lines: added, removed, and changed in place."""
    def key(step: dict[str, Any]) -> str:
        return json.dumps(step, sort_keys=True, ensure_ascii=False)

    edits: list[Edit] = []
    matcher = difflib.SequenceMatcher(None, [key(s) for s in old], [key(s) for s in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for offset in range(paired):
            before, after = old[i1 + offset], new[j1 + offset]
            for field_name in [f for f in _STEP_FIELDS if before.get(f) != after.get(f)]:
                template, *parts = _scalar_edit(field_name, before.get(field_name), after.get(field_name),
                                                ("steps", "*", field_name) in ids)
                edits.append((f"step {j1 + offset + 1}: {template}", *parts))
        for index in range(i1 + paired, i2):
            edits.append((f"step {index + 1} removed (was: {{1}})", _item(old[index].get("action", ""), False)))
        for index in range(j1 + paired, j2):
            edits.append((f"step {index + 1} added: {{1}}", _item(new[index].get("action", ""), False)))
    return edits


_STEP_FIELDS = tuple(keys(Step))


def _percent(value: float | int | None) -> str:
    return "none" if value is None else f"{value:g}%"


def compare(base: Result, head: Result, redirected: Mapping[str, str] | None = None) -> list[Change]:
    """Every change from `base` to `head`, in section order; `redirected`: the head's redirects."""
    return Comparison(base.playbook, head.playbook, base.sources.unloaded, head.sources.unloaded,
                      redirected=redirected or {}).run()


# -- the report ----------------------------------------------------------------------------


@dataclass
class Report:
    """What `playbook diff` prints: the changes and whether either side fails to validate."""

    base: str
    head: str | None
    """The revision compared, or None for the working tree."""
    changes: list[Change]
    base_result: Result
    head_result: Result

    def _notes(self) -> list[str]:
        """A sentence for each side that does not validate: the comparison may be incomplete."""
        notes = []
        for label, result in ((self.base, self.base_result), (self.head or "the working tree", self.head_result)):
            if not result.errors:
                continue
            note = f"{label} has {_count(len(result.errors), 'error')}"
            unloaded = _unloaded_files(result)
            if unloaded:
                note += (f"; {_count(len(unloaded), 'file')} that did not load {'is' if len(unloaded) == 1 else 'are'} "
                         "left out: " + "; ".join(f"{path} ({_why(problem)})" for path, problem in unloaded))
            notes.append(note + ".")
        return notes

    def text(self) -> str:
        lines = [f"Playbook changes from {self.base} to {self.head or 'the working tree'}", ""]
        if not self.changes:
            lines.append("No changes to the organization or the playbook.")
        for section, heading in SECTIONS.items():
            items = [c for c in self.changes if c.section == section]
            if items:
                lines.append(heading)
                lines.extend(f"  - {c.text()}" for c in items)
                lines.append("")
        for note in self._notes():
            lines.append(f"Note: {note} Run playbook validate for details.")
        return "\n".join(lines).rstrip("\n") + "\n"

    def markdown(self) -> str:
        head = _markdown(Code(self.head)) if self.head else "the working tree"
        lines = [f"## Playbook changes: {_markdown(Code(self.base))} → {head}", ""]
        if not self.changes:
            lines.append("No changes to the organization or the playbook.")
            lines.append("")
        for section, heading in SECTIONS.items():
            items = [c for c in self.changes if c.section == section]
            if items:
                lines.append(f"### {heading}")
                lines.append("")
                lines.extend(f"- {c.markdown()}" for c in items)
                lines.append("")
        for note in self._notes():
            lines.append(f"> **Note:** {escape_markdown(note)} See the validation annotations.")
            lines.append("")
        return "\n".join(lines).rstrip("\n") + "\n"


def _unloaded_files(result: Result) -> list[tuple[str, Problem]]:
    """Each file that did not load, with the first error found in it (the reason)."""
    first: dict[str, Problem] = {}
    for problem in result.errors:  # sorted by file and line
        path = problem.location.path
        if path in result.sources.files and file_id(path) in result.sources.unloaded:
            first.setdefault(path, problem)
    return sorted(first.items())


def _why(problem: Problem) -> str:
    return f"line {problem.location.line}: {_one_line(problem.message)}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def diff(root: Path, base: str, head: str | None = WORKING_TREE) -> Report:
    """Compare the playbook in `root` at revision `base` with `head` (None: the working tree)."""
    base_result = load_revision(root, base)
    head_result = load_revision(root, head)
    changes = compare(base_result, head_result, redirects_at(root, head))
    return Report(base, head, changes, base_result, head_result)
