"""`playbook rename` and `playbook remove`: change an id everywhere it is used, editing in place.

A plan is made first and changes nothing: every reference to the id is found through the
reference fields of the kind registry (`rules.all_references`), located by the reader's
line and column, and rewritten in the text at exactly that place, so comments, key order,
quotes, flow lists and every other byte outside the changed ids stay as they were. The
plan is then validated as it would be on disk (`simulate`); a plan that would leave
problems the playbook does not have now is refused unless forced, and always said.
`apply` writes each file atomically (a temporary file beside it, then a rename) and never
replaces a file it did not mean to: a new file is linked into place, which fails if one
appeared meanwhile.

`--dry-run` prints the same plan and writes nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import redirects
from .errors import PlaybookError, Problem, UsageError
from .load import YAML_SUFFIXES, entity_id, suggest_id
from .model import ID_PATTERN, KIND
from .project import Result, validate
from .rules import all_references
from .suggest import Suggester
from .yamlread import Document

_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What the YAML reader counts as a line break: its line numbers are counted the same way."""
_ID_CHARACTER = re.compile(r"[a-z0-9-]")
_ID = re.compile(ID_PATTERN)
_BOM = b"\xef\xbb\xbf"


class EditError(PlaybookError):
    """The command cannot make the change it was asked for; nothing was written."""


class Text:
    """A file's text for editing at the reader's positions; `result()` applies the edits."""

    def __init__(self, raw: bytes, path: str) -> None:
        self.path = path
        self.bom = _BOM if raw.startswith(_BOM) else b""
        self.text = raw[len(self.bom):].decode("utf-8")
        self.starts = [0] + [m.end() for m in _BREAKS.finditer(self.text)]
        first = _BREAKS.search(self.text)
        self.newline = first.group() if first else "\n"
        self.edits: list[tuple[int, int, str]] = []

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def replace_id(self, position: tuple[int, int], old: str, new: str) -> None:
        """Replace the id `old` that the reader found at `position` (plain or quoted) with `new`."""
        at = self.offset(*position)
        quote = self.text[at : at + 1] if self.text[at : at + 1] in ("'", '"') else ""
        start = at + len(quote)
        end = start + len(old)
        after = self.text[end : end + 1]
        fits = quote == after if quote else not (after and _ID_CHARACTER.match(after))
        if self.text[start:end] != old or not fits:
            line, column = position
            raise EditError(
                f"{self.path}:{line}:{column}: '{old}' is written in a way this command cannot "
                "rewrite (an escape sequence or a multi-line value); write it as a plain id first"
            )
        self.edits.append((start, end, new))

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of an offset, as the reader counts them."""
        line = max(i for i, start in enumerate(self.starts) if start <= offset)
        return line + 1, offset - self.starts[line] + 1

    def line_end(self, line: int) -> int:
        """The offset just after line `line` and its line break."""
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def delete_line(self, line: int) -> None:
        self.edits.append((self.starts[line - 1], self.line_end(line), ""))

    def insert_after(self, line: int, text: str) -> None:
        """Insert whole lines after line `line` (0: at the start of the file)."""
        at = self.line_end(line) if line else 0
        lead = self.newline if at == len(self.text) and self.text and not _BREAKS.match(self.text[-1]) else ""
        self.edits.append((at, at, lead + text))

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line - 1] : self.line_end(line)]

    def result(self) -> bytes:
        text = self.text
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1]), reverse=True):
            text = text[:start] + new + text[end:]
        return self.bom + text.encode("utf-8")


@dataclass
class Plan:
    """What a command will write, and what it prints; nothing is touched until `apply`."""

    root: Path
    writes: dict[str, bytes] = field(default_factory=dict)
    """Relative path -> the file's new bytes (edited, or new)."""
    new_files: set[str] = field(default_factory=set)
    """Paths in `writes` that must not exist yet."""
    deletes: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    """One line per change: what it printed."""
    moved: dict[str, str] = field(default_factory=dict)
    """Old path -> new path of a renamed file (to compare problems before and after)."""

    def apply(self) -> None:
        for rel in sorted(self.writes):
            _write(self.root / rel, self.writes[rel], new=rel in self.new_files,
                   mode_of=self.root / next((o for o, n in self.moved.items() if n == rel), rel))
        for rel in self.deletes:
            (self.root / rel).unlink()


def _write(path: Path, data: bytes, *, new: bool, mode_of: Path) -> None:
    """Write `path` through a temporary file beside it; a new file never replaces one."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        with contextlib.suppress(OSError):
            os.chmod(temporary, os.stat(mode_of).st_mode & 0o7777)
        if new:
            try:
                os.link(temporary, path)
            except FileExistsError:
                raise EditError(f"{path} appeared while the command ran; nothing more was written") from None
        else:
            os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


# -- finding what to change ---------------------------------------------------------------


def _check_new_id(new: str) -> None:
    if not _ID.fullmatch(new):
        raise UsageError(
            f"'{new}' is not a valid id; use lower-case letters, digits and single hyphens, "
            f"such as '{suggest_id(new)}'"
        )


def _unparsed(result: Result) -> list[str]:
    """Files that did not parse: references in them cannot be found."""
    parsed = {doc.path for doc in result.sources.documents.values()} | {doc.path for _k, doc in result.sources.broken}
    return sorted(set(result.sources.files) - parsed)


def _refuse_unparsed(result: Result) -> None:
    unparsed = _unparsed(result)
    if unparsed:
        problems = [p for p in result.errors if p.location.path in unparsed]
        raise EditError(
            f"{', '.join(unparsed)} cannot be read, so references in it cannot be found; "
            "fix it first (playbook validate says how)",
            problems,
        )


def file_of(result: Result, kind: str, eid: str) -> str | None:
    """The file of the `kind` named `eid`, loaded or not."""
    folder = KIND[kind].folder + "/"
    return next((rel for rel in result.sources.files if rel.startswith(folder) and entity_id(rel) == eid), None)


def _existing(result: Result, kind: str, eid: str, what: str) -> str:
    """The file of the `kind` named `eid`, or a usage error that says what there is instead."""
    rel = file_of(result, kind, eid)
    if rel is not None:
        return rel
    other = result.playbook.kind_of(eid) or result.sources.unloaded.get(eid)
    if other is not None:
        raise UsageError(f"'{eid}' is {_a(other)}, not {_a(kind)}; {what}")
    ids = list(result.playbook.of_kind(kind)) + [i for i, k in result.sources.unloaded.items() if k == kind]
    raise UsageError(f"there is no {kind} '{eid}'{Suggester(ids).hint(eid)}")


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


@dataclass(frozen=True)
class Site:
    """One place that names an id: a reference field's value in one file."""

    document: Document
    path: tuple[str | int, ...]

    @property
    def position(self) -> tuple[int, int]:
        return self.document.values[self.path]

    @property
    def field(self) -> str:
        return next(p for p in reversed(self.path) if isinstance(p, str))

    def __str__(self) -> str:
        line, column = self.position
        return f"{self.document.path}:{line}:{column}"


def references_to(result: Result, eid: str) -> list[Site]:
    """Every place a reference field names `eid`, in file and line order."""
    found = [
        Site(document, path)
        for _kind, document, path, target, _kinds in all_references(result.playbook, result.sources)
        if target == eid and path in document.values
    ]
    return sorted(found, key=lambda s: (s.document.path, s.position))


def _rewrite(plan: Plan, texts: dict[str, Text], sites: list[Site], old: str, new: str) -> None:
    for site in sites:
        rel = site.document.path
        if rel not in texts:
            texts[rel] = Text((plan.root / rel).read_bytes(), rel)
        texts[rel].replace_id(site.position, old, new)
        plan.said.append(f"{site}: {site.field}: {old} -> {new}")


# -- links in the hand-written pages ------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A hand-written page's mention of a generated page's path (a Markdown link to it)."""

    text: Text
    offset: int
    page: str

    def __str__(self) -> str:
        line, column = self.text.position(self.offset)
        return f"{self.text.path}:{line}:{column}"


def links_to(root: Path, docs: Path | None, page: str) -> list[Link]:
    """Every mention of `page` (`departments/care.md`, also as `../departments/care.md#x`) in
    the Markdown files of `docs` inside the project; symbolic links are not followed."""
    if docs is None or not docs.is_dir() or not docs.resolve().is_relative_to(root.resolve()):
        return []
    pattern = re.compile(rf"(?<![\w.-]){re.escape(page)}(?![\w-])")
    found = []
    for folder, dirs, names in os.walk(docs):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if not name.endswith(".md") or path.is_symlink():
                continue
            raw = path.read_bytes()
            if page.encode() not in raw:
                continue
            try:
                text = Text(raw, path.resolve().relative_to(root.resolve()).as_posix())
            except UnicodeDecodeError:
                continue  # mkdocs cannot read it either
            found += [Link(text, m.start(), page) for m in pattern.finditer(text.text)]
    return found


def _relink(plan: Plan, texts: dict[str, Text], links: list[Link], new_page: str) -> None:
    for link in links:
        text = texts.setdefault(link.text.path, link.text)
        text.edits.append((link.offset, link.offset + len(link.page), new_page))
        plan.said.append(f"{link}: link {link.page} -> {new_page}")


# -- redirects.yml ----------------------------------------------------------------------------


def _redirects_text(plan: Plan) -> tuple[redirects.Redirects, Text | None]:
    found, problems = redirects.read(plan.root)
    if problems:
        raise EditError(f"{redirects.FILE} has problems; fix them first", problems)
    text = Text(found.raw, redirects.FILE) if found.raw is not None else None
    return found, text


def _entry_line(text: Text, document: Document, old: str) -> int:
    """The line of the redirect `old`, which must sit on a line of its own to be deleted."""
    line, column = document.keys[("redirects", old)]
    if document.values[("redirects", old)][0] != line or text.line_text(line)[: column - 1].strip():
        raise EditError(f"{redirects.FILE}:{line}: write each redirect on a line of its own, then run this again")
    return line


def _add_redirect(text: Text | None, found: redirects.Redirects, old: str, new: str) -> Text:
    entry = f"{old}: {new}"
    if text is None:
        text = Text(b"", redirects.FILE)
        text.insert_after(0, redirects.HEADER + f"  {entry}\n")
        return text
    document = found.document
    assert document is not None
    if ("redirects",) not in document.keys:
        text.insert_after(len(text.starts), f"redirects:{text.newline}  {entry}{text.newline}")
        return text
    entries = [document.keys[("redirects", k)] for k in found.pages]
    if entries:
        indent = " " * (entries[0][1] - 1)
        last = max(document.values[("redirects", k)][0] for k in found.pages)
        text.insert_after(last, f"{indent}{entry}{text.newline}")
        return text
    line, _column = document.keys[("redirects",)]
    value = document.values.get(("redirects",))
    if value is not None and text.text[text.offset(*value)] == "{":
        raise EditError(f"{redirects.FILE}:{line}: write the redirects one per line (not in braces), then run this again")
    text.insert_after(line, f"  {entry}{text.newline}")
    return text


def _plan_redirects(plan: Plan, texts: dict[str, Text], old_page: str, new_page: str | None) -> None:
    """Redirects to `old_page` follow it to `new_page` (or go, when None); `old_page` itself
    then redirects to `new_page`, and a redirect from `new_page` (a page again) goes."""
    found, text = _redirects_text(plan)
    document = found.document
    for source, target in sorted(found.pages.items()):
        assert text is not None and document is not None
        if source == new_page or (target == old_page and new_page is None):
            text.delete_line(_entry_line(text, document, source))
            plan.said.append(f"{redirects.FILE}: removed the redirect {source} -> {target}")
        elif target == old_page:
            assert new_page is not None
            text.replace_id(document.values[("redirects", source)], old_page, new_page)
            plan.said.append(f"{redirects.FILE}: {source} now redirects to {new_page}")
    if new_page is not None and old_page not in found.pages:
        text = _add_redirect(text, found, old_page, new_page)
        plan.said.append(f"{redirects.FILE}: {old_page} redirects to {new_page} (the old page address keeps working)")
    if text is not None and text.edits:
        texts[redirects.FILE] = text
        if found.raw is None:
            plan.new_files.add(redirects.FILE)


# -- the commands -------------------------------------------------------------------------


@dataclass
class Outcome:
    """A plan, and the problems it would leave that the playbook does not have now."""

    plan: Plan
    new_problems: list[Problem]
    references: list[Site] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    """Hand-written pages that link to the page of an entity removed without a successor."""


def rename(root: Path, kind: str, old: str, new: str, docs: Path | None = None) -> Outcome:
    """Plan renaming the `kind` `old` to `new`: its file, every reference, links to its page
    in the hand-written pages under `docs`, and a redirect from its old page."""
    _check_new_id(new)
    if old == new:
        raise UsageError(f"'{old}' already is the id; give a new one")
    result = validate(root)
    rel = _existing(result, kind, old, "give the kind it is")
    _refuse_unparsed(result)
    taken = result.playbook.kind_of(new) or result.sources.unloaded.get(new)
    if taken is not None:
        raise UsageError(f"id '{new}' is already used by {_a(taken)}; ids are unique across all kinds")
    pure = PurePosixPath(rel)
    suffix = next(s for s in YAML_SUFFIXES if pure.name.endswith(s))
    new_rel = str(pure.with_name(new + suffix))
    for other in YAML_SUFFIXES:
        if (root / pure.with_name(new + other)).exists():
            raise UsageError(f"{pure.with_name(new + other)} already exists; ids are unique across all kinds")
    plan = Plan(root)
    plan.said.append(f"renamed {rel} -> {new_rel}")
    texts: dict[str, Text] = {}
    _rewrite(plan, texts, references_to(result, old), old, new)
    _relink(plan, texts, links_to(root, docs, redirects.page_of(kind, old)), redirects.page_of(kind, new))
    _plan_redirects(plan, texts, redirects.page_of(kind, old), redirects.page_of(kind, new))
    texts.setdefault(rel, Text((root / rel).read_bytes(), rel))
    for path, text in texts.items():
        plan.writes[new_rel if path == rel else path] = text.result()
    plan.new_files.add(new_rel)
    plan.moved[rel] = new_rel
    plan.deletes.append(rel)
    return Outcome(plan, simulate(result, plan, (old, new)))


def remove(root: Path, kind: str, eid: str, to: str | None, docs: Path | None = None) -> Outcome:
    """Plan removing the `kind` `eid`; with `to`, its references, links to its page and its
    old page address go to `to`."""
    result = validate(root)
    rel = _existing(result, kind, eid, "give the kind it is")
    if to is not None:
        if to == eid:
            raise UsageError(f"--to names '{eid}' itself; name the {kind} that takes over")
        _existing(result, kind, to, f"--to names a {kind} that takes over from '{eid}'")
    _refuse_unparsed(result)
    sites = [s for s in references_to(result, eid) if s.document.path != rel]
    plan = Plan(root)
    texts: dict[str, Text] = {}
    links = links_to(root, docs, redirects.page_of(kind, eid))
    if to is not None:
        _rewrite(plan, texts, sites, eid, to)
        _relink(plan, texts, links, redirects.page_of(kind, to))
        links = []
    plan.said.append(f"removed {rel}")
    _plan_redirects(plan, texts, redirects.page_of(kind, eid), redirects.page_of(kind, to) if to else None)
    for path, text in texts.items():
        plan.writes[path] = text.result()
    plan.deletes.append(rel)
    return Outcome(plan, simulate(result, plan), sites, links)


def simulate(before: Result, plan: Plan, renamed_id: tuple[str, str] | None = None) -> list[Problem]:
    """The problems the playbook would have after `plan` that it does not have now (a problem
    that names a renamed id is the same problem under its new name)."""
    from .diff import load_files

    files = {rel: (plan.root / rel).read_bytes() for rel in before.sources.files}
    if (plan.root / redirects.FILE).is_file():
        files[redirects.FILE] = (plan.root / redirects.FILE).read_bytes()
    for rel in plan.deletes:
        files.pop(rel, None)
    files.update(plan.writes)
    after = load_files(files)
    renamed = dict(plan.moved)

    def key(problem: Problem, message: str | None = None) -> tuple[str, int, str, str]:
        loc = problem.location
        return (renamed.get(loc.path, loc.path), loc.line, message or problem.message, problem.rule)

    def translated(problem: Problem) -> str:
        if renamed_id is None:
            return problem.message
        return problem.message.replace(f"'{renamed_id[0]}'", f"'{renamed_id[1]}'")

    had = Counter(key(p, translated(p)) for p in before.problems)
    new = []
    for problem in after.problems:
        if had[key(problem)]:
            had[key(problem)] -= 1
        else:
            new.append(problem)
    return new
