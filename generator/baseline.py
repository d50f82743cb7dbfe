"""What the playbook was before this change: ids that vanished, where they went, ids that are new.

`playbook validate` compares the working tree with a base revision so that a reference
to an id that disappeared says what happened to it ("'marketing' was renamed to
'social-media-hub' in this change; replace it") instead of guessing at a similar id,
and never offers an id that is new in the same change for one that disappeared.

The base revision is `--base REV` when given, else the merge base with the remote's
default branch (`origin/HEAD`), else `HEAD`. Outside git, or in a clone without that
history, there is no baseline and `why` says in one line why not. Renames are recognised
by `diff.match_renames`, the same content similarity `playbook diff` uses.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UsageError
from .model import FILE_KINDS, Playbook

if TYPE_CHECKING:  # the project module runs the rules, which read a Baseline
    from .load import Sources
    from .project import Result


@dataclass(frozen=True)
class Baseline:
    """The ids of the base revision, compared with the working tree."""

    revision: str
    """What was compared with, as the user would name it (`origin/main`, `HEAD`)."""
    kinds: Mapping[str, str] = field(default_factory=dict)
    """Every id at the base, with its kind."""
    renamed: Mapping[str, str] = field(default_factory=dict)
    """Old id -> new id, for files renamed in this change."""
    added: frozenset[str] = frozenset()
    """Ids that exist now and did not at the base."""

    def vanished(self, entity_id: str) -> str | None:
        """The kind of `entity_id` if it existed at the base (it is then gone now, or a reference
        to it would not be unknown)."""
        return self.kinds.get(entity_id)


def _ids(playbook: Playbook, unloaded: Mapping[str, str]) -> dict[str, str]:
    found = {eid: kind for kind in FILE_KINDS if kind != "organization" for eid in playbook.of_kind(kind)}
    return {**found, **unloaded}


def between(base: Result, playbook: Playbook, sources: Sources, revision: str) -> Baseline:
    """The baseline of the working tree (`playbook`, `sources`) against the `base` result."""
    from .diff import match_renames  # diff runs the rules, which use this module's types

    renames = match_renames(base.playbook, playbook, base.sources.unloaded, sources.unloaded)
    before = _ids(base.playbook, base.sources.unloaded)
    now = _ids(playbook, sources.unloaded)
    return Baseline(revision, before, renames, frozenset(now) - frozenset(before))


# -- finding the base revision in git --------------------------------------------------------


def _git_out(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        return None
    return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else None


def default_base(root: Path) -> tuple[str | None, str]:
    """(revision, why): the revision to compare with, or None and a sentence saying why there is none."""
    remotes = (_git_out(root, "remote") or "").split()
    for remote in sorted(remotes, key=lambda r: (r != "origin", r)):
        ref = _git_out(root, "symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD")
        if ref:
            branch = ref.removeprefix("refs/remotes/")
            merge_base = _git_out(root, "merge-base", "HEAD", branch)
            return (merge_base or branch), f"compared with {branch}"
    if _git_out(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") is None:
        return None, "the repository has no commit yet to compare with"
    return "HEAD", "compared with HEAD"


def read_base(root: Path, rev: str | None) -> tuple[Result | None, str, str]:
    """(the playbook at the base revision or None, the revision's name, why there is none)."""
    from .diff import load_revision

    if _git_out(root, "rev-parse", "--is-inside-work-tree") != "true":
        return None, "", "the project is not in a git repository"
    if rev is None:
        found, why = default_base(root)
        if found is None:
            return None, "", why
        rev, name = found, why.removeprefix("compared with ")
    else:
        name = rev
    try:
        base = load_revision(root, rev)
    except UsageError as exc:
        return None, name, str(exc)
    if not base.sources.files:
        return None, name, f"{name} has no playbook files in this folder to compare with"
    return base, name, ""


def unknown_ids(result: Result) -> bool:
    """Whether any reference names an id that exists nowhere (the case a baseline explains)."""
    from .rules import all_references

    playbook, sources = result.playbook, result.sources
    return any(
        playbook.kind_of(target) is None and target not in sources.unloaded
        for _kind, _doc, _path, target, _kinds in all_references(playbook, sources)
    )
