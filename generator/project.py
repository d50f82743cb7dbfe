"""The one entry point both front doors use: a folder in, a checked playbook out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import redirects, rules
from .baseline import between
from .cache import Cache
from .errors import Problem
from .load import Sources, load
from .model import Playbook


@dataclass
class Result:
    """A loaded playbook and every problem found in it, sorted by file and line."""

    playbook: Playbook
    sources: Sources
    """The files behind the playbook: every file read, the ones that did not load."""
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def validate(root: Path, cache: Cache | None = None, base: tuple[Result, str] | None = None) -> Result:
    """Load every file under `root` and run every rule; `cache` keeps parsed files between calls.

    `base` (the playbook at a base revision, and that revision's name) lets a reference to an
    id that disappeared since say whether it was renamed or removed (`baseline.py`)."""
    playbook, sources, problems = load(root, cache)
    known = between(base[0], playbook, sources, base[1]) if base else None
    problems.extend(rules.check(playbook, sources, known))
    problems.extend(redirects.check(root, playbook))
    return Result(playbook, sources, problems.sorted())
