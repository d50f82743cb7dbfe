"""Checks across files: references, cycles, leads, shares, RACI, and the warnings.

`references()` is also what pages use to list "Referenced by", so a reference the
validator knows about is always a link on the site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from .errors import Problems
from .load import Playbook, did_you_mean
from .model import Channel, Department, Entity, Objective, Organization, Role, Theme, Workflow

ROLE = ("role",)
DEPARTMENT = ("department",)
PARTY = ("role", "department")


@dataclass(frozen=True)
class Reference:
    """One id written in one entity's file, and the kinds it may name."""

    source: Entity
    path: tuple[str | int, ...]
    target: str
    kinds: tuple[str, ...]

    @property
    def field(self) -> str:
        return next(p for p in reversed(self.path) if isinstance(p, str))


def references(entity: Entity) -> Iterator[Reference]:
    """Every reference an entity makes, in file order."""

    def one(path: tuple[str | int, ...], target: str | None, kinds: tuple[str, ...]) -> Iterator[Reference]:
        if target:
            yield Reference(entity, path, target, kinds)

    def many(path: tuple[str | int, ...], targets: list[str], kinds: tuple[str, ...]) -> Iterator[Reference]:
        for index, target in enumerate(targets):
            yield Reference(entity, path + (index,), target, kinds)

    if isinstance(entity, Organization):
        yield from one(("hub",), entity.hub, DEPARTMENT)
    elif isinstance(entity, Department):
        yield from one(("parent",), entity.parent, DEPARTMENT)
        yield from one(("lead",), entity.lead, ROLE)
    elif isinstance(entity, Role):
        yield from one(("department",), entity.department, DEPARTMENT)
        yield from one(("reports_to",), entity.reports_to, ROLE)
        for index, kpi in enumerate(entity.kpis):
            yield from one(("kpis", index, "metric"), kpi.metric, ("metric",))
    elif isinstance(entity, Channel):
        yield from one(("owner",), entity.owner, ROLE)
        yield from many(("operators",), entity.operators, ROLE)
        yield from many(("objectives",), entity.objectives, ("objective",))
    elif isinstance(entity, Objective):
        yield from one(("raci", "accountable"), entity.raci.accountable, ROLE)
        for letter in ("responsible", "consulted", "informed"):
            yield from many(("raci", letter), getattr(entity.raci, letter), PARTY)
        for index, kpi in enumerate(entity.kpis):
            yield from one(("kpis", index, "metric"), kpi.metric, ("metric",))
    elif isinstance(entity, Theme):
        yield from many(("objectives",), entity.objectives, ("objective",))
        yield from many(("channels",), entity.channels, ("channel",))
        yield from one(("owner",), entity.owner, ROLE)
    elif isinstance(entity, Workflow):
        yield from one(("objective",), entity.objective, ("objective",))
        for index, step in enumerate(entity.steps):
            yield from one(("steps", index, "by"), step.by, PARTY)
            yield from one(("steps", index, "to"), step.to, PARTY)


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return " or ".join(kinds)


def check(playbook: Playbook) -> Problems:
    """Every cross-file rule; returns errors and warnings together."""
    problems = Problems()
    broken: set[tuple[str, tuple[str | int, ...]]] = set()
    _check_references(playbook, problems, broken)
    _check_cycles(playbook, problems, "departments", "parent", "department")
    _check_cycles(playbook, problems, "roles", "reports_to", "role")
    _check_leads(playbook, problems)
    _check_shares(playbook, problems)
    _check_raci(playbook, problems)
    _check_usage(playbook, problems)
    _check_themes(playbook, problems)
    return problems


def _check_references(playbook: Playbook, problems: Problems, broken: set) -> None:
    for entity in playbook.all_entities():
        for ref in references(entity):
            found = playbook.kind_of(ref.target)
            if found in ref.kinds or playbook.unloaded.get(ref.target) in ref.kinds:
                continue
            location = playbook.locate(entity, ref.path)
            wanted = _kinds_text(ref.kinds)
            if found is None:
                candidates = [
                    eid for kind in ref.kinds for eid in playbook.of_kind(kind)
                ]
                problems.add(
                    location,
                    f"unknown {wanted} '{ref.target}'{did_you_mean(ref.target, candidates)}",
                    "reference",
                )
            else:
                problems.add(
                    location,
                    f"'{ref.target}' is a {found}, but '{ref.field}' needs a {wanted}",
                    "reference",
                )


def _check_cycles(playbook: Playbook, problems: Problems, attr: str, field: str, noun: str) -> None:
    entities = getattr(playbook, attr)
    reported: set[str] = set()
    for start in entities:
        seen: list[str] = []
        current: str | None = start
        while current in entities and current not in seen:
            seen.append(current)
            current = getattr(entities[current], field)
        if current is None or current not in seen:
            continue
        cycle = seen[seen.index(current):]
        if reported & set(cycle):
            continue
        reported.update(cycle)
        first = min(cycle)
        ordered = cycle[cycle.index(first):] + cycle[: cycle.index(first)]
        chain = " -> ".join(ordered + [first])
        verb = "reports to" if field == "reports_to" else "belongs to"
        for eid in ordered:
            problems.add(
                playbook.locate(entities[eid], (field,)),
                f"{noun} '{eid}' {verb} itself through a cycle: {chain}",
                "cycle",
            )


def _check_leads(playbook: Playbook, problems: Problems) -> None:
    for department in playbook.departments.values():
        role = playbook.roles.get(department.lead or "")
        if role is not None and role.department != department.id:
            problems.add(
                playbook.locate(department, ("lead",)),
                f"lead '{role.id}' belongs to department '{role.department}', not to "
                f"'{department.id}'; move the role or choose a lead from this department",
                "lead",
            )


def _check_shares(playbook: Playbook, problems: Problems) -> None:
    shared = [d for d in playbook.departments.values() if d.share is not None]
    if not shared:
        return
    total = sum(d.share or 0 for d in shared)
    listing = ", ".join(f"{d.id} {_number(d.share or 0)}" for d in shared)
    location = playbook.locate(shared[-1], ("share",))
    if total > 100:
        problems.add(location, f"department shares add up to {_number(total)}%, more than 100% ({listing})", "share-total")
    elif total < 100:
        problems.add(
            location,
            f"department shares add up to {_number(total)}%, not 100%; {_number(100 - total)}% of "
            "the social media workload is carried by nobody",
            "share-total",
            "warning",
        )


def _number(value: float) -> str:
    return f"{value:g}"


def _check_raci(playbook: Playbook, problems: Problems) -> None:
    for objective in playbook.objectives.values():
        letters = {
            "accountable": [objective.raci.accountable],
            "responsible": objective.raci.responsible,
            "consulted": objective.raci.consulted,
            "informed": objective.raci.informed,
        }
        seen: dict[str, str] = {}
        for letter, parties in letters.items():
            for index, party in enumerate(parties):
                if party in seen and not (seen[party] == "accountable" and letter == "responsible"):
                    path = ("raci", letter) if letter == "accountable" else ("raci", letter, index)
                    problems.add(
                        playbook.locate(objective, path),
                        f"'{party}' is both {seen[party]} and {letter}; give each party one letter",
                        "raci",
                    )
                seen.setdefault(party, letter)
        if not objective.kpis:
            problems.add(
                playbook.locate(objective, ()),
                f"objective '{objective.id}' has no KPI; add one under 'kpis' so progress can be measured",
                "no-kpi",
                "warning",
            )


def _check_usage(playbook: Playbook, problems: Problems) -> None:
    used_roles: set[str] = set()
    used_metrics: set[str] = set()
    for entity in playbook.all_entities():
        if isinstance(entity, (Role, Department, Organization)):
            for ref in references(entity):
                if ref.path[0] == "kpis":
                    used_metrics.add(ref.target)
            continue
        for ref in references(entity):
            if "metric" in ref.kinds:
                used_metrics.add(ref.target)
            elif "role" in ref.kinds:
                used_roles.add(ref.target)
    for role in playbook.roles.values():
        if role.id not in used_roles:
            problems.add(
                playbook.locate(role, ()),
                f"role '{role.id}' has no objective, channel, theme or workflow step; "
                "name it in a RACI, as a channel owner or operator, or in a workflow",
                "unused-role",
                "warning",
            )
    for metric in playbook.metrics.values():
        if metric.id not in used_metrics:
            problems.add(
                playbook.locate(metric, ()),
                f"metric '{metric.id}' is used by no KPI",
                "unused-metric",
                "warning",
            )
    for channel in playbook.channels.values():
        if not channel.operators:
            problems.add(
                playbook.locate(channel, ()),
                f"channel '{channel.id}' has no operators; list the roles that post and reply",
                "no-operators",
                "warning",
            )


def _check_themes(playbook: Playbook, problems: Problems) -> None:
    for theme in playbook.themes.values():
        wanted = set(theme.objectives)
        for index, channel_id in enumerate(theme.channels):
            channel = playbook.channels.get(channel_id)
            if channel is None or wanted & set(channel.objectives):
                continue
            problems.add(
                playbook.locate(theme, ("channels", index)),
                f"channel '{channel_id}' serves none of the theme's objectives "
                f"({', '.join(theme.objectives)}); add one of them to the channel or drop the channel",
                "theme-channel",
                "warning",
            )
