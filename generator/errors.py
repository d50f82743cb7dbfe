"""Problems found in a playbook, and the one error type users can act on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: path relative to the project folder, 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the playbook, with where it is and the rule it breaks."""

    location: Location
    message: str
    rule: str
    severity: Severity = "error"

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule, self.message)

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message} [{self.rule}]"


@dataclass
class Problems:
    """A collector: every check adds to it, nobody stops at the first problem."""

    items: list[Problem] = field(default_factory=list)

    def add(self, location: Location, message: str, rule: str, severity: Severity = "error") -> None:
        self.items.append(Problem(location, message, rule, severity))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    def sorted(self) -> list[Problem]:
        unique = {(p.sort_key, p.severity): p for p in self.items}
        return [unique[k] for k in sorted(unique)]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity == "warning"]


class PlaybookError(Exception):
    """A problem the user can fix: bad YAML, a broken rule, a missing folder."""

    exit_code = 1
    """What the command exits with: 1 for problems in the playbook, 2 for usage and setup."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class ProjectError(PlaybookError):
    """The project folder itself is unusable: no mkdocs.yml, no org/ folder."""

    exit_code = 2


class UsageError(PlaybookError):
    """The command was given something it cannot use: a revision, a folder, an option's value."""

    exit_code = 2


class ValidationError(PlaybookError):
    """The YAML loaded, but breaks rules; `problems` holds every one of them."""


class EngineError(PlaybookError):
    """No Graphviz engine could be found or it failed."""

    exit_code = 2
