"""The one entry point both front doors use: a folder in, a checked playbook out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import rules
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


def validate(root: Path, cache: Cache | None = None) -> Result:
    """Load every file under `root` and run every rule; `cache` keeps parsed files between calls."""
    playbook, sources, problems = load(root, cache)
    problems.extend(rules.check(playbook, sources))
    return Result(playbook, sources, problems.sorted())
