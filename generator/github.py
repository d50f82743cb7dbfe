"""Problems as GitHub annotations that fit GitHub's limits, the rest in the job summary.

GitHub shows at most 10 error and 10 warning annotations per step and drops the others
without a word. So the annotations go to the files the pull request changed first, and
when there are more, the rest go to the job summary as a table and the last annotation
says how many more there are. A problem about a total (the department shares) is put on
the changed files that make up the total, not on whichever file the rule names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import Location, Problem, UsageError
from .escape import github_data, github_property, md_text
from .load import Sources

PER_STEP = 10
"""Error annotations GitHub shows per step; the same number of warnings."""

TOTALS = {"share-total": "org/departments/"}
"""Rules about a total over files -> the folder of the files that make it up."""


@dataclass(frozen=True)
class Annotations:
    """What `playbook validate --format github` prints, and what goes to the job summary."""

    commands: str
    """Workflow commands, one per line."""
    summary: str
    """Markdown for the job summary: the problems that are not annotations ("" when none)."""


def changed_files(root: Path, rev: str) -> set[str]:
    """Files changed since the fork point of `rev` (committed or not, and new files), relative to `root`."""
    from .diff import _git, check_revision

    commit = check_revision(root, rev)
    try:
        base = _git(root, "merge-base", commit, "HEAD").decode().strip()
    except UsageError:  # unrelated histories or a shallow clone: compare with the revision itself
        base = commit
    changed = _git(root, "diff", "--name-only", "--relative", "-z", base, "--")
    new = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    return {name for name in (changed + new).decode("utf-8", "surrogateescape").split("\0") if name}


def annotate(problems: list[Problem], *, changed: Iterable[str] = (), sources: Sources | None = None,
             summary: bool = False) -> Annotations:
    """Workflow commands for `problems`, changed files first.

    Without `summary` every problem is a command (GitHub shows the first ten of each
    severity); with it, only those GitHub shows, and the rest go to `Annotations.summary`."""
    changed = set(changed)
    ordered = sorted(_on_changed_files(problems, changed, sources),
                     key=lambda p: (p.location.path not in changed, p.sort_key))
    shown: list[Problem] = []
    rest: list[Problem] = []
    counts = {"error": 0, "warning": 0}
    for problem in ordered:
        if summary and counts[problem.severity] >= PER_STEP:
            rest.append(problem)
        else:
            shown.append(problem)
            counts[problem.severity] += 1
    lines = [_command(p) for p in shown]
    if rest:
        more = f"{len(rest)} more problem{'' if len(rest) == 1 else 's'}: see the summary"
        lines.append(f"::notice title={github_property('playbook validate')}::{github_data(more)}")
    return Annotations("".join(line + "\n" for line in lines), _table(rest))


def _command(p: Problem) -> str:
    return (
        f"::{p.severity} file={github_property(p.location.path)},line={p.location.line},"
        f"col={p.location.column},title={github_property(p.rule)}::"
        + github_data(f"{p.message} [{p.rule}]")
    )


def _on_changed_files(problems: list[Problem], changed: set[str], sources: Sources | None) -> list[Problem]:
    """Problems about a total, moved to the changed files that make up the total."""
    if not changed or sources is None:
        return problems
    moved: list[Problem] = []
    for problem in problems:
        folder = TOTALS.get(problem.rule)
        if folder is None or problem.location.path in changed:
            moved.append(problem)
            continue
        places = [
            doc.at(("share",)) if isinstance(doc.data, dict) and "share" in doc.data else Location(doc.path)
            for doc in sorted(sources.documents.values(), key=lambda d: d.path)
            if doc.path in changed and doc.path.startswith(folder)
        ]
        if places:
            moved.extend(replace(problem, location=place) for place in places)
        else:
            moved.append(problem)
    return moved


def _table(problems: list[Problem]) -> str:
    if not problems:
        return ""
    count = f"{len(problems)} more problem{'' if len(problems) == 1 else 's'}"
    rows = "".join(
        f"| {md_text(p.location)} | {p.severity} | {md_text(p.message)} | {md_text(p.rule)} |\n" for p in problems
    )
    return (
        f"## Playbook check: {count}\n"
        "\n"
        f"GitHub shows {PER_STEP} errors and {PER_STEP} warnings as annotations, those on the files this "
        "change touched first; these are the rest.\n"
        "\n"
        "| file:line:column | severity | message | rule |\n"
        "| --- | --- | --- | --- |\n"
        f"{rows}\n"
    )
