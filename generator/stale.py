"""`playbook stale`: the pages past their review period, by owner, as text, Markdown or JSON.

Pure: it takes the review standing of every entity (`review.reviews`) and the day they were
measured on; the CLI reads the files, git and "today".
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass

from .escape import md_text
from .model import KIND, Playbook
from .review import Review

NOBODY = ""
"""The owner key of pages whose kind's rule names no role."""


@dataclass(frozen=True)
class StaleReport:
    """The late pages of one playbook on one day, and those whose age nobody knows."""

    day: datetime.date
    playbook: Playbook
    late: tuple[Review, ...]
    """Past their period, by owner title then oldest first."""
    unknown: tuple[Review, ...]
    """Never reviewed and without a git day (not committed, a shallow clone, no git)."""

    @classmethod
    def of(cls, playbook: Playbook, standing: Mapping[str, Review], day: datetime.date) -> StaleReport:
        def owner_title(review: Review) -> str:
            role = playbook.roles.get(review.owner or "")
            return role.label.casefold() if role else "\uffff"  # nobody's pages last

        late = sorted(
            (r for r in standing.values() if r.overdue),
            key=lambda r: (owner_title(r), r.owner or NOBODY, -(r.age or 0), r.entity.path),
        )
        unknown = sorted((r for r in standing.values() if r.age is None), key=lambda r: r.entity.path)
        return cls(day, playbook, tuple(late), tuple(unknown))

    def owner_name(self, review: Review) -> str:
        role = self.playbook.roles.get(review.owner or "")
        return role.label if role else "nobody"

    def by_owner(self) -> list[tuple[str, list[Review]]]:
        groups: dict[str, list[Review]] = {}
        for review in self.late:
            groups.setdefault(review.owner or NOBODY, []).append(review)
        return list(groups.items())

    @staticmethod
    def _since(review: Review) -> str:
        how = "reviewed" if review.reviewed is not None else "changed"
        return f"{how} {review.since.isoformat() if review.since else '?'}"

    def text(self) -> str:
        lines: list[str] = []
        for owner, reviews in self.by_owner():
            name = self.owner_name(reviews[0])
            lines.append(f"{name} ({owner})" if owner else "nobody (the kind's rule names no role)")
            for r in reviews:
                lines.append(
                    f"  {r.entity.path}: {KIND[r.entity.KIND].name} '{r.entity.label}', {r.age} days "
                    f"since {self._since(r)} (due every {r.period} days)"
                )
        lines.append(self.summary())
        for r in self.unknown:
            lines.append(f"  {r.entity.path}: age unknown ({r.changed})")
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        owners = len(self.by_owner())
        text = (
            f"{_count(len(self.late), 'page')} past review on {self.day.isoformat()}"
            + (f", owed by {_count(owners, 'owner')}" if self.late else "")
        )
        if self.unknown:
            text += f"; {_count(len(self.unknown), 'page')} with no known date"
        return text

    def markdown(self) -> str:
        out = [f"# Pages past their review date on {self.day.isoformat()}", ""]
        if not self.late:
            out += ["Every page has been reviewed (or changed) within its period.", ""]
        for owner, reviews in self.by_owner():
            name = md_text(self.owner_name(reviews[0]))
            out += [f"## {name} ({_count(len(reviews), 'page')})" if owner else
                    f"## Nobody ({_count(len(reviews), 'page')}: the kind's rule names no role)", ""]
            out += ["| page | file | last | days | due every |", "| --- | --- | --- | ---: | ---: |"]
            for r in reviews:
                out.append(
                    f"| {md_text(r.entity.label)} ({KIND[r.entity.KIND].name}) | `{r.entity.path}` | "
                    f"{self._since(r)} | {r.age} | {r.period} |"
                )
            out.append("")
        if self.unknown:
            out += [f"{_count(len(self.unknown), 'page')} with no known date:", ""]
            out += [f"- `{r.entity.path}` ({r.changed})" for r in self.unknown]
            out.append("")
        out.append(
            "Review a page: read it, fix what is wrong, and write `reviewed: "
            f"{self.day.isoformat()}` into its file."
        )
        return "\n".join(out) + "\n"

    def json(self) -> str:
        def item(r: Review) -> dict[str, object]:
            return {
                "id": r.entity.id if r.entity.KIND != "organization" else "organization",
                "kind": r.entity.KIND,
                "title": r.entity.label,
                "file": r.entity.path,
                "owner": r.owner,
                "owner_title": self.owner_name(r) if r.owner else None,
                "reviewed": r.reviewed.isoformat() if r.reviewed else None,
                "changed": r.changed.isoformat() if isinstance(r.changed, datetime.date) else None,
                "age_days": r.age,
                "period_days": r.period,
                **({"unknown_because": r.changed} if r.age is None else {}),
            }

        data = {
            "today": self.day.isoformat(),
            "late": [item(r) for r in self.late],
            "unknown": [item(r) for r in self.unknown],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
