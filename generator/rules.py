"""Checks across files: references, cycles, leads, shares, RACI, and the warnings.

`references()` is also what pages use to list "Referenced by", so a reference the
validator knows about is always a link on the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .errors import Problems
from .load import Sources, did_you_mean
from .model import ID_PATTERN, KINDS, Entity, Playbook, ReferenceField
from .yamlread import Document

ID = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class Reference:
    """One id written in one entity's file, and the kinds it may name."""

    source: Entity | None
    """The entity that makes the reference (None for a file that did not load)."""
    path: tuple[str | int, ...]
    target: str
    kinds: tuple[str, ...]

    @property
    def field(self) -> str:
        return next(p for p in reversed(self.path) if isinstance(p, str))


REFERENCE_FIELDS: dict[str, tuple[ReferenceField, ...]] = {kind.name: kind.references for kind in KINDS}
"""Which fields of each kind hold ids, and the kinds those ids may name."""


def _walk(node: Any, pattern: tuple[str, ...], path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Values at `pattern` in a model or in raw YAML data; '*' steps into every list item."""
    if not pattern:
        yield path, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _walk(item, rest, path + (index,))
        return
    child = node.get(head) if isinstance(node, dict) else getattr(node, head, None)
    if child is not None:
        yield from _walk(child, rest, path + (head,))


def raw_references(kind: str, data: Any) -> Iterator[tuple[tuple[str | int, ...], str, tuple[str, ...]]]:
    """(path, id, kinds) for every well-formed id in a model or in raw YAML data."""
    for pattern, kinds in REFERENCE_FIELDS[kind]:
        for path, value in _walk(data, pattern):
            if isinstance(value, str) and ID.match(value):
                yield path, value, kinds


def references(entity: Entity) -> Iterator[Reference]:
    """Every reference an entity makes, field by field."""
    for path, target, kinds in raw_references(entity.KIND, entity):
        yield Reference(entity, path, target, kinds)


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return " or ".join(kinds)


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def check(playbook: Playbook, sources: Sources) -> Problems:
    """Every cross-file rule; returns errors and warnings together."""
    problems = Problems()
    _check_references(playbook, sources, problems)
    _check_cycles(playbook, sources, problems, "departments", "parent", "department")
    _check_cycles(playbook, sources, problems, "roles", "reports_to", "role")
    _check_leads(playbook, sources, problems)
    _check_shares(playbook, sources, problems)
    _check_raci(playbook, sources, problems)
    _check_usage(playbook, sources, problems)
    _check_themes(playbook, sources, problems)
    return problems


def all_references(playbook: Playbook, sources: Sources) -> Iterator[tuple[str, Document, tuple[str | int, ...], str, tuple[str, ...]]]:
    """(source kind, document, path, id, kinds) for every reference in every parsed file,
    including files that broke a rule of their own: their references still count."""
    for entity in playbook.all_entities():
        document = sources.documents[entity.id if entity.KIND != "organization" else "organization"]
        for ref in references(entity):
            yield entity.KIND, document, ref.path, ref.target, ref.kinds
    for kind, document in sources.broken:
        if isinstance(document.data, dict):
            for path, target, kinds in raw_references(kind, document.data):
                yield kind, document, path, target, kinds


def _check_references(playbook: Playbook, sources: Sources, problems: Problems) -> None:
    for _kind, document, path, target, kinds in all_references(playbook, sources):
        found = playbook.kind_of(target)
        if found in kinds or sources.unloaded.get(target) in kinds:
            continue
        location = document.at(path)
        ref = Reference(None, path, target, kinds)
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
                f"'{ref.target}' is {_a(found)}, but '{ref.field}' needs {_a(wanted)}",
                "reference",
            )


def _check_cycles(playbook: Playbook, sources: Sources, problems: Problems, attr: str, field: str, noun: str) -> None:
    entities = getattr(playbook, attr)
    reported: set[str] = set()
    for start in entities:
        seen: list[str] = []
        current: str | None = start
        while current is not None and current in entities and current not in seen:
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
                sources.locate(entities[eid], (field,)),
                f"{noun} '{eid}' {verb} itself through a cycle: {chain}",
                "cycle",
            )


def _check_leads(playbook: Playbook, sources: Sources, problems: Problems) -> None:
    for department in playbook.departments.values():
        role = playbook.roles.get(department.lead or "")
        if role is not None and role.department != department.id:
            problems.add(
                sources.locate(department, ("lead",)),
                f"lead '{role.id}' belongs to department '{role.department}', not to "
                f"'{department.id}'; move the role or choose a lead from this department",
                "lead",
            )


def _check_shares(playbook: Playbook, sources: Sources, problems: Problems) -> None:
    shared = [d for d in playbook.departments.values() if d.share is not None]
    if not shared:
        return
    total = sum(d.share or 0 for d in shared)
    listing = ", ".join(f"{d.id} {_number(d.share or 0)}" for d in shared)
    location = sources.locate(shared[-1], ("share",))
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


def _check_raci(playbook: Playbook, sources: Sources, problems: Problems) -> None:
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
                        sources.locate(objective, path),
                        f"'{party}' is both {seen[party]} and {letter}; give each party one letter",
                        "raci",
                    )
                seen.setdefault(party, letter)
        if not objective.kpis:
            problems.add(
                sources.locate(objective, ()),
                f"objective '{objective.id}' has no KPI; add one under 'kpis' so progress can be measured",
                "no-kpi",
                "warning",
            )


def _check_usage(playbook: Playbook, sources: Sources, problems: Problems) -> None:
    used_roles: set[str] = set()
    used_metrics: set[str] = set()
    for kind, _document, _path, target, kinds in all_references(playbook, sources):
        if "metric" in kinds:
            used_metrics.add(target)
        elif "role" in kinds and kind not in ("role", "department", "organization"):
            used_roles.add(target)
    for role in playbook.roles.values():
        if role.id not in used_roles:
            problems.add(
                sources.locate(role, ()),
                f"role '{role.id}' has no objective, channel, theme or workflow step; "
                "name it in a RACI, as a channel owner or operator, or in a workflow",
                "unused-role",
                "warning",
            )
    for metric in playbook.metrics.values():
        if metric.id not in used_metrics:
            problems.add(
                sources.locate(metric, ()),
                f"metric '{metric.id}' is used by no KPI",
                "unused-metric",
                "warning",
            )
    for channel in playbook.channels.values():
        if not channel.operators:
            problems.add(
                sources.locate(channel, ()),
                f"channel '{channel.id}' has no operators; list the roles that post and reply",
                "no-operators",
                "warning",
            )


def _check_themes(playbook: Playbook, sources: Sources, problems: Problems) -> None:
    for theme in playbook.themes.values():
        wanted = set(theme.objectives)
        for index, channel_id in enumerate(theme.channels):
            channel = playbook.channels.get(channel_id)
            if channel is None or wanted & set(channel.objectives):
                continue
            problems.add(
                sources.locate(theme, ("channels", index)),
                f"channel '{channel_id}' serves none of the theme's objectives "
                f"({', '.join(theme.objectives)}); add one of them to the channel or drop the channel",
                "theme-channel",
                "warning",
            )
