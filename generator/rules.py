"""Checks across files: references, cycles, leads, shares, RACI, and the warnings.

`references()` is also what pages use to list "Referenced by", so a reference the
validator knows about is always a link on the site.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from . import cadence
from .baseline import Baseline
from .errors import Problems
from .load import Sources
from .model import ID_PATTERN, KINDS, Entity, Playbook, ReferenceField, known_zone
from .suggest import Suggester
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


def check(playbook: Playbook, sources: Sources, baseline: Baseline | None = None) -> Problems:
    """Every cross-file rule; returns errors and warnings together.

    With a `baseline` (the ids of a base revision), a reference to an id that disappeared
    says whether it was renamed or removed in this change."""
    problems = Problems()
    _check_references(playbook, sources, problems, baseline)
    _check_cycles(playbook, sources, problems, "departments", "parent", "department")
    _check_cycles(playbook, sources, problems, "roles", "reports_to", "role")
    _check_leads(playbook, sources, problems)
    _check_shares(playbook, sources, problems)
    _check_raci(playbook, sources, problems)
    _check_usage(playbook, sources, problems)
    _check_themes(playbook, sources, problems)
    cadence.check(playbook, sources, problems)
    _check_time_zone(playbook, sources, problems)
    _check_steps(playbook, sources, problems)
    return problems


def _check_time_zone(playbook: Playbook, sources: Sources, problems: Problems) -> None:
    organization = playbook.organization
    zone = getattr(organization, "time_zone", None)
    if organization is not None and zone and not known_zone(zone):
        problems.add(
            sources.locate(organization, ("time_zone",)),
            f"'{zone}' is not a time zone; write an IANA name such as Asia/Jakarta, Asia/Makassar or Europe/Amsterdam",
            "time-zone",
        )


def all_references(playbook: Playbook, sources: Sources) -> Iterator[tuple[str, Document, tuple[str | int, ...], str, tuple[str, ...]]]:
    """(source kind, document, path, id, kinds) for every reference in every parsed file,
    including files that broke a rule of their own: their references still count."""
    for entity in playbook.all_entities():
        key = entity.id if entity.KIND != "organization" else "organization"
        document = sources.documents[key]
        kept = sources.references.get(key)
        for path, target, kinds in kept if kept is not None else raw_references(entity.KIND, entity):
            yield entity.KIND, document, path, target, kinds
    for kind, document in sources.broken:
        if isinstance(document.data, dict):
            for path, target, kinds in raw_references(kind, document.data):
                yield kind, document, path, target, kinds


def _check_references(playbook: Playbook, sources: Sources, problems: Problems,
                      baseline: Baseline | None = None) -> None:
    unknown = _Unknown(playbook, baseline)
    for _kind, document, path, target, kinds in all_references(playbook, sources):
        found = playbook.kind_of(target)
        if found in kinds or sources.unloaded.get(target) in kinds:
            continue
        location = document.at(path)
        ref = Reference(None, path, target, kinds)
        if found is None:
            problems.add(location, unknown.message(target, kinds), "reference")
        else:
            problems.add(
                location,
                f"'{ref.target}' is {_a(found)}, but '{ref.field}' needs {_a(_kinds_text(kinds))}",
                "reference",
            )


TAKES_OVER = {
    "role": "name who takes over its duties",
    "department": "name the department that takes over its work",
}
"""What to do about a reference to an entity removed in this change, by its kind."""


class _Unknown:
    """The message for a reference to an id that does not exist.

    "Did you mean" offers only ids of the kinds the field accepts. For an id that existed at
    the base revision it offers only ids of that id's kind, and never one that is new in this
    change: a role added in the same branch is not who took over a removed one."""

    def __init__(self, playbook: Playbook, baseline: Baseline | None) -> None:
        self.playbook = playbook
        self.baseline = baseline
        self.suggesters: dict[tuple[tuple[str, ...], bool], Suggester] = {}  # one index per question, not per reference

    def hint(self, target: str, kinds: tuple[str, ...], vanished: bool) -> str:
        key = (kinds, vanished)
        if key not in self.suggesters:
            new = self.baseline.added if vanished and self.baseline else frozenset()
            self.suggesters[key] = Suggester(
                eid for kind in kinds for eid in self.playbook.of_kind(kind) if eid not in new
            )
        return self.suggesters[key].hint(target)

    def message(self, target: str, kinds: tuple[str, ...]) -> str:
        was = self.baseline.vanished(target) if self.baseline else None
        if self.baseline is None or was is None:
            return f"unknown {_kinds_text(kinds)} '{target}'{self.hint(target, kinds, False)}"
        new = self.baseline.renamed.get(target)
        if new is not None:
            return f"{was} '{target}' was renamed to '{new}' in this change; replace it"
        todo = TAKES_OVER.get(was, f"name the {was} that replaces it, or drop the reference")
        return f"{was} '{target}' was removed in this change; {todo}{self.hint(target, (was,), True)}"


MAX_DEPTH = {"parent": 12, "reports_to": 40}
"""How deep departments may nest and how long a reporting line may be: deeper than any real
organization, shallow enough that every page and diagram of the chain stays readable."""


def _check_cycles(playbook: Playbook, sources: Sources, problems: Problems, attr: str, field: str, noun: str) -> None:
    """Cycles and over-long chains of `field` (parent, reports_to), in one linear pass.

    Each entity is walked at most once: a walk stops at an entity whose depth is already
    known, so a chain of 50,000 roles costs 50,000 steps, not 50,000 squared."""
    entities = getattr(playbook, attr)
    depth: dict[str, int] = {}  # finished: how many entities the chain has from the top down to this one
    for start in entities:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current in entities and current not in depth and current not in on_path:
            on_path[current] = len(path)
            path.append(current)
            current = getattr(entities[current], field)
        if current is not None and current in on_path:
            cycle = path[on_path[current]:]
            _report_cycle(sources, problems, entities, cycle, field, noun)
            for eid in cycle:
                depth[eid] = 0  # reported; nothing below it is measured again
            path = path[: on_path[current]]
        above = depth.get(current, 0) if current is not None else 0
        for eid in reversed(path):
            above += 1
            depth[eid] = above
            if above == MAX_DEPTH[field] + 1:
                _report_depth(sources, problems, entities[eid], field, noun)


def _report_cycle(sources: Sources, problems: Problems, entities: dict[str, Any], cycle: list[str],
                  field: str, noun: str) -> None:
    first = min(cycle)
    ordered = cycle[cycle.index(first):] + cycle[: cycle.index(first)]
    shown = ordered if len(ordered) <= 8 else [*ordered[:4], f"… {len(ordered) - 6:,} more …", *ordered[-2:]]
    chain = " -> ".join([*shown, first])  # short even for a loop of thousands
    verb = "reports to" if field == "reports_to" else "belongs to"
    for eid in ordered:
        problems.add(
            sources.locate(entities[eid], (field,)),
            f"{noun} '{eid}' {verb} itself through a cycle: {chain}",
            "cycle",
        )


def _report_depth(sources: Sources, problems: Problems, entity: Any, field: str, noun: str) -> None:
    limit = MAX_DEPTH[field]
    if field == "parent":
        message = (
            f"department '{entity.id}' is nested {limit + 1} levels deep; departments nest at most "
            f"{limit} levels: give it a parent higher up"
        )
    else:
        message = (
            f"role '{entity.id}' makes its reporting line {limit + 1} roles long, counted from the top; "
            f"a line has at most {limit}: let it report to someone higher up"
        )
    problems.add(sources.locate(entity, (field,)), message, "limits")


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
    elif total < 100 and "department" not in sources.unloaded.values():  # one that did not load may hold the rest
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


def _check_steps(playbook: Playbook, sources: Sources, problems: Problems) -> None:
    """A step waits only for steps that exist and come before it: steps are listed in the
    order they start, so waiting can never go round in a circle."""
    for workflow in playbook.workflows.values():
        count = len(workflow.steps)
        for index, step in enumerate(workflow.steps):
            number = index + 1
            for position, other in enumerate(step.after or []):
                if other == number:
                    why = "itself"
                elif other > count:
                    why = f"step {other}, but the workflow has {count} step{'s' if count != 1 else ''}"
                elif other > number:
                    why = f"step {other}, which comes after it; list steps in the order they start"
                else:
                    continue
                problems.add(
                    sources.locate(workflow, ("steps", index, "after", position)),
                    f"step {number} waits for {why}",
                    "step-order",
                )
