"""Review dates and owners: who owes each page a review, when it was last checked, and
whether it is past its period.

Pure apart from two functions at the edge: `history` asks git when each file last changed,
and `today` is the one place "today" comes from (a setting, else `PLAYBOOK_TODAY`, else the
clock), called only by the front doors (the plugin and the CLI). Everything else takes the
day as an argument, so a build is the same for a given commit and day.

The owner rule of each kind is written once, in the docstring of the kind's `reviewed` field
in `model.py` (so the format reference shows it), and carried out by `OWNER_RULES` here.
"""

from __future__ import annotations

import datetime
import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .model import (
    TOP_FOLDERS,
    Channel,
    Department,
    Entity,
    Metric,
    Objective,
    Organization,
    Playbook,
    ReviewEvery,
    Role,
    Theme,
    Workflow,
)

TODAY_VARIABLE = "PLAYBOOK_TODAY"
"""The environment variable that fixes "today" for builds and tests (YYYY-MM-DD)."""

Missing = str
"""Why a file has no git date: `no-git`, `shallow` or `uncommitted` (label keys `changed_<why>`)."""


def today(setting: str | None = None, environ: Mapping[str, str] | None = None) -> datetime.date:
    """The day reviews are measured against: `setting` (a plugin or command option), else the
    `PLAYBOOK_TODAY` environment variable, else the clock. A bad value is a usage error."""
    environ = os.environ if environ is None else environ
    for source, value in (("the today setting", setting), (TODAY_VARIABLE, environ.get(TODAY_VARIABLE))):
        if value:
            try:
                return datetime.date.fromisoformat(str(value).strip())
            except ValueError:
                raise UsageError(f"{source} is '{value}', which is not a day; write it as YYYY-MM-DD") from None
    return datetime.date.today()


# -- git --------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True, check=False
        )
    except FileNotFoundError:
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def history(root: Path) -> dict[str, datetime.date | Missing]:
    """YAML file (relative to `root`) -> the committer day of the last commit that touched it,
    or why there is none. One `git log` for the whole playbook.

    In a shallow clone a file whose newest commit is the clone's boundary may have changed
    earlier than that commit says: it gets `shallow` rather than a wrong day. Files git does
    not know get `uncommitted`; every file gets `no-git` outside a repository.
    """
    files = [
        path.relative_to(root).as_posix()
        for top in TOP_FOLDERS
        for path in sorted((root / top).rglob("*.yml"))
        if path.is_file()
    ]
    log = _git(root, "log", "--relative", "--format=\x01%H %cs", "--name-only", "--", *TOP_FOLDERS)
    if log is None:
        return dict.fromkeys(files, "no-git")
    boundary = _shallow_commits(root)
    seen: dict[str, datetime.date | Missing] = {}
    commit, day = "", datetime.date.min
    for line in log.splitlines():
        if line.startswith("\x01"):
            commit, _, stamp = line[1:].partition(" ")
            day = datetime.date.fromisoformat(stamp)
        elif line and line not in seen:
            seen[line] = "shallow" if commit in boundary else day
    return {path: seen.get(path, "uncommitted") for path in files}


def _shallow_commits(root: Path) -> frozenset[str]:
    """The commits a shallow clone was cut at (empty for a full clone)."""
    if (_git(root, "rev-parse", "--is-shallow-repository") or "").strip() != "true":
        return frozenset()
    name = (_git(root, "rev-parse", "--git-path", "shallow") or "").strip()
    try:
        return frozenset((root / name).read_text(encoding="ascii").split())
    except OSError:
        return frozenset()


# -- owners ------------------------------------------------------------------------------------


def _hub_lead(playbook: Playbook) -> str | None:
    organization = playbook.organization
    hub = playbook.departments.get(organization.hub or "") if organization else None
    return hub.lead if hub else None


def _workflow_owner(workflow: Workflow, playbook: Playbook) -> str | None:
    objective = playbook.objectives.get(workflow.objective or "")
    return objective.raci.accountable if objective else _hub_lead(playbook)


OWNER_RULES: dict[type[Entity], Callable[[object, Playbook], str | None]] = {
    Organization: lambda _e, playbook: _hub_lead(playbook),
    Department: lambda e, _p: e.lead if isinstance(e, Department) else None,
    Role: lambda e, _p: (e.reports_to or e.id) if isinstance(e, Role) else None,
    Objective: lambda e, _p: e.raci.accountable if isinstance(e, Objective) else None,
    Theme: lambda e, _p: e.owner if isinstance(e, Theme) else None,
    Channel: lambda e, _p: e.owner if isinstance(e, Channel) else None,
    Metric: lambda _e, playbook: _hub_lead(playbook),
    Workflow: lambda e, playbook: _workflow_owner(e, playbook) if isinstance(e, Workflow) else None,
}
"""Kind -> the role that owes its pages a review; the rules `model.py` states in each `reviewed`."""


def owner_of(entity: Entity, playbook: Playbook) -> str | None:
    """The id of the role that owes the entity's page a review, if the rule names one that exists."""
    owner = OWNER_RULES[type(entity)](entity, playbook)
    return owner if owner in playbook.roles else None


# -- reviews -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Review:
    """Where one page stands: who owes it a review, since when it is unchecked, and whether it is late."""

    entity: Entity
    owner: str | None
    """Id of the role that owes the review; None when the kind's rule names nobody."""
    reviewed: datetime.date | None
    """The `reviewed` day written in the file."""
    changed: datetime.date | Missing | None
    """The day git last saw the file change, why it cannot say, or None when not asked."""
    period: int
    """Days the page stays true without a review."""
    age: int | None
    """Days since the review (or, without one, since the last change); None when neither is known."""

    @property
    def overdue(self) -> bool:
        return self.age is not None and self.age > self.period

    @property
    def since(self) -> datetime.date | None:
        """The day the age counts from."""
        if self.reviewed is not None:
            return self.reviewed
        return self.changed if isinstance(self.changed, datetime.date) else None


def review_of(
    entity: Entity,
    playbook: Playbook,
    day: datetime.date,
    changed: Mapping[str, datetime.date | Missing] | None = None,
) -> Review:
    """The review standing of one entity on `day`; `changed` is `history()` (or None, not asked)."""
    organization = playbook.organization
    periods = organization.review_every if organization else ReviewEvery()
    reviewed_text = getattr(entity, "reviewed", None)
    reviewed = datetime.date.fromisoformat(reviewed_text) if reviewed_text else None
    last_change = changed.get(entity.path, "uncommitted") if changed is not None else None
    since = reviewed if reviewed is not None else last_change if isinstance(last_change, datetime.date) else None
    return Review(
        entity=entity,
        owner=owner_of(entity, playbook),
        reviewed=reviewed,
        changed=last_change,
        period=periods.days(entity.KIND),
        age=(day - since).days if since is not None else None,
    )


def reviews(
    playbook: Playbook, day: datetime.date, changed: Mapping[str, datetime.date | Missing] | None = None
) -> dict[str, Review]:
    """Entity id ('organization' for the organization) -> its review standing on `day`."""
    return {
        (entity.id if not isinstance(entity, Organization) else "organization"): review_of(
            entity, playbook, day, changed
        )
        for entity in playbook.all_entities()
    }
