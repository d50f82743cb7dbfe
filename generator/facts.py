"""What the playbook means beyond its files: every relation derived from the entities.

One `Facts` per playbook answers who reports to whom, which department a role counts
for, who hands work to whom, who holds which RACI letter, what names what. Pages,
diagrams and any later feature (rules, diff) ask it instead of walking the entities
themselves, so two views of the same relation cannot disagree.

Each relation is computed on first use, once, in one pass over the entities (linear in
the size of the playbook), and every list is sorted by title then id
(`sort_key`), whatever the order of the files. Facts never raise on a playbook with
errors: an unknown id simply has no relations, and cycles are walked once.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .model import Channel, Department, Entity, Metric, Objective, Role, Step, Theme, Workflow

if TYPE_CHECKING:
    from .model import Playbook

KIND_ORDER = ("organization", "department", "role", "objective", "theme", "channel", "metric", "workflow")
"""The order kinds are listed in, on pages and in "Referenced by"."""

RACI_LETTERS = ("accountable", "responsible", "consulted", "informed")
"""RACI letters in the order they are shown."""


def sort_key(entity: Entity) -> tuple[str, str]:
    """Entities are listed by title, then id, whatever the order of the files."""
    return (entity.label.casefold(), entity.id)


def by_title(entities: Iterable[Any]) -> list[Any]:
    return sorted(entities, key=sort_key)


def raci_parties(objective: Objective, letter: str) -> list[str]:
    """The ids named for one RACI letter of an objective, as written."""
    raci = objective.raci
    return [raci.accountable] if letter == "accountable" else list(getattr(raci, letter))


# --- what the relations hold -----------------------------------------------------------------


@dataclass(frozen=True)
class Backlink:
    """Another entity that names this one, and the fields where it does."""

    source: Entity
    fields: tuple[tuple[str | int, ...], ...]


@dataclass(frozen=True)
class Duty:
    """A RACI letter a role or department holds for an objective."""

    objective: Objective
    letter: str
    """`accountable`, `responsible`, `consulted` or `informed`."""
    party: str
    """The id named in the RACI: the role itself, or its department."""


@dataclass(frozen=True)
class StepRef:
    """One workflow step, with its number (from 1)."""

    workflow: Workflow
    number: int
    step: Step


@dataclass(frozen=True)
class Handoff:
    """Work passing from one party (role or department) to another at a workflow step.

    A step hands off to the party it names in `to`; a step that names nobody hands off to
    the `by` of every step that waits for it (`Workflow.followers`: the next step, or the
    steps that name it in `after`, which run side by side), in whose hands the work goes on.
    An explicit `to` says where the work goes, so the followers' `by` are not counted as
    further receivers (they get the work from whoever received it). A party never hands off
    to itself, and hands off to the same party once per step.
    Hand-offs are stored directed (`source` -> `target`); views that show pairs of
    departments sum both directions."""

    workflow: Workflow
    number: int
    """The step's number, from 1."""
    source: str
    """The party that does the step (`by`)."""
    target: str
    """The party that receives the work."""
    named: bool
    """True when the step names the receiver in `to`; False for the next step's `by`."""


@dataclass(frozen=True)
class DepartmentHandoffs:
    """Every hand-off from one department to a different one (a role counts for its department)."""

    source: Department
    target: Department
    handoffs: tuple[Handoff, ...]

    @property
    def count(self) -> int:
        return len(self.handoffs)

    @property
    def workflows(self) -> tuple[Workflow, ...]:
        """The workflows where they happen, each once, in the order of `handoffs`."""
        return tuple({h.workflow.id: h.workflow for h in self.handoffs}.values())


@dataclass(frozen=True)
class Tie:
    """What joins two departments, both directions summed: shared objectives and hand-offs."""

    objectives: frozenset[str]
    """Ids of objectives they share (see `Facts.ties`)."""
    handoffs: int
    """Hand-offs between them, in either direction."""

    @property
    def weight(self) -> int:
        return len(self.objectives) + self.handoffs


@dataclass(frozen=True)
class Share:
    """One bar of the workload chart: a department's share, or what nobody carries."""

    department: Department | None
    percent: float


# --- the facts ----------------------------------------------------------------------------------


class Facts:
    """Every derived relation of one playbook, each computed once on first use.

    Build it with `Facts(playbook)` after loading; it reads the playbook and never changes it.
    Relations are keyed by id; lists are sorted by title (`sort_key`) unless said otherwise."""

    def __init__(self, playbook: Playbook, references: Mapping[str, Iterable[tuple[Any, str, Any]]] | None = None) -> None:
        self.playbook = playbook
        self._references = references or {}
        """Entity id -> (path, id, kinds) of its references, as the loader found them
        (`load.Sources.references`); an entity not in it is walked (`rules.raw_references`)."""

    # -- people and departments

    @functools.cached_property
    def reports(self) -> dict[str, list[Role]]:
        """Direct reports by manager id."""
        found: dict[str, list[Role]] = defaultdict(list)
        for role in by_title(self.playbook.roles.values()):
            if role.reports_to and role.reports_to != role.id:
                found[role.reports_to].append(role)
        return dict(found)

    def manager(self, role: Role) -> Role | None:
        """The role a role reports to, if it exists (and is not the role itself)."""
        boss = self.playbook.roles.get(role.reports_to or "")
        return boss if boss is not None and boss.id != role.id else None

    @functools.cached_property
    def members(self) -> dict[str, list[Role]]:
        """Roles by the id of the department they belong to."""
        found: dict[str, list[Role]] = defaultdict(list)
        for role in by_title(self.playbook.roles.values()):
            found[role.department].append(role)
        return dict(found)

    def roles_of(self, department: Department) -> list[Role]:
        """The department's roles, its lead first."""
        roles = self.members.get(department.id, [])
        return sorted(roles, key=lambda r: (r.id != department.lead, *sort_key(r)))

    @functools.cached_property
    def children(self) -> dict[str, list[Department]]:
        """Sub-departments by parent id."""
        found: dict[str, list[Department]] = defaultdict(list)
        for department in by_title(self.playbook.departments.values()):
            if department.parent and department.parent != department.id:
                found[department.parent].append(department)
        return dict(found)

    @functools.cached_property
    def parent(self) -> dict[str, str | None]:
        """Department id -> its parent's id, None for a top department (or an unknown parent)."""
        departments = self.playbook.departments
        return {
            d.id: d.parent if d.parent in departments and d.parent != d.id else None for d in departments.values()
        }

    @functools.cached_property
    def chains(self) -> dict[str, tuple[str, ...]]:
        """Department id -> the departments it sits in, top department first, itself last.
        A department in a cycle (only in a playbook with errors) stops where the cycle closes."""
        chains: dict[str, tuple[str, ...]] = {}
        for _depth, department in self.tree():  # parents before children: linear
            above = self.parent[department.id]
            chains[department.id] = (*(chains[above] if above else ()), department.id)
        for start in self.playbook.departments:  # in or under a cycle: walk up to where it closes
            if start not in chains:
                path: list[str] = []
                current: str | None = start
                while current is not None and current not in path:
                    path.append(current)
                    current = self.parent.get(current)
                chains[start] = tuple(reversed(path))
        return chains

    def department_of(self, party: str | None) -> Department | None:
        """The department a party counts for: itself when it is one, a role's department
        otherwise; None for an unknown id or a role in an unknown department."""
        departments = self.playbook.departments
        if party in departments:
            return departments[party]  # type: ignore[index]
        role = self.playbook.roles.get(party or "")
        return departments.get(role.department) if role is not None else None

    def departments_of(self, party: str | None) -> tuple[str, ...]:
        """Every department a party belongs to through nesting, its own first, then outwards."""
        department = self.department_of(party)
        return tuple(reversed(self.chains[department.id])) if department is not None else ()

    @functools.cached_property
    def leads(self) -> dict[str, list[Department]]:
        """Departments by the id of the role that leads them."""
        found: dict[str, list[Department]] = defaultdict(list)
        for department in by_title(self.playbook.departments.values()):
            if department.lead:
                found[department.lead].append(department)
        return dict(found)

    def led_by(self, role: Role) -> list[Department]:
        return self.leads.get(role.id, [])

    def tree(self) -> list[tuple[int, Department]]:
        """Every department with its depth, parents before their children, siblings by title."""
        departments = self.playbook.departments
        out: list[tuple[int, Department]] = []
        stack = [(0, d) for d in reversed(by_title(d for d in departments.values() if self.parent[d.id] is None))]
        seen: set[str] = set()
        while stack:
            depth, department = stack.pop()
            if department.id in seen:
                continue
            seen.add(department.id)
            out.append((depth, department))
            stack.extend((depth + 1, child) for child in reversed(self.children.get(department.id, [])))
        return out

    def shares(self) -> list[Share]:
        """Departments with a share, largest first, and what nobody carries."""
        rows = [Share(d, float(d.share)) for d in self.playbook.departments.values() if d.share is not None]
        rows.sort(key=lambda s: (-s.percent, *sort_key(s.department)))  # type: ignore[arg-type]
        total = sum(s.percent for s in rows)
        if rows and total < 100:
            rows.append(Share(None, 100 - total))
        return rows

    # -- what names what

    @functools.cached_property
    def backlinks(self) -> dict[str, list[Backlink]]:
        """Entity id -> the other entities that name it, by kind (KIND_ORDER) then title."""
        from .rules import raw_references  # rules may use facts: import on use, not at import

        found: dict[str, dict[str, list[tuple[str | int, ...]]]] = defaultdict(dict)
        sources: dict[str, Entity] = {}
        for entity in self.playbook.all_entities():
            sources[entity.id] = entity
            kept = self._references.get(entity.id)
            for path, target, _kinds in kept if kept is not None else raw_references(entity.KIND, entity):
                found[target].setdefault(entity.id, []).append(path)
        order = {kind: i for i, kind in enumerate(KIND_ORDER)}
        out: dict[str, list[Backlink]] = {}
        for target, by_source in found.items():
            rows = [Backlink(sources[source], tuple(paths)) for source, paths in by_source.items()]
            out[target] = sorted(rows, key=lambda b: (order[b.source.KIND], *sort_key(b.source)))
        return out

    @functools.cached_property
    def serving(self) -> dict[str, dict[str, list[Entity]]]:
        """Objective id -> kind (`theme`, `channel`, `workflow`) -> what serves the objective."""
        found: dict[str, dict[str, list[Entity]]] = defaultdict(lambda: defaultdict(list))
        for theme in by_title(self.playbook.themes.values()):
            for objective in dict.fromkeys(theme.objectives):
                found[objective]["theme"].append(theme)
        for channel in by_title(self.playbook.channels.values()):
            for objective in dict.fromkeys(channel.objectives):
                found[objective]["channel"].append(channel)
        for workflow in by_title(self.playbook.workflows.values()):
            if workflow.objective:
                found[workflow.objective]["workflow"].append(workflow)
        return {objective: dict(kinds) for objective, kinds in found.items()}

    def objectives_by_kind(self, objective: Objective, kind: str) -> list[Entity]:
        """Themes, channels or workflows that serve an objective."""
        return self.serving.get(objective.id, {}).get(kind, [])

    @functools.cached_property
    def themes_owned(self) -> dict[str, list[Theme]]:
        """Themes by the id of the role that plans them."""
        found: dict[str, list[Theme]] = defaultdict(list)
        for theme in by_title(self.playbook.themes.values()):
            if theme.owner:
                found[theme.owner].append(theme)
        return dict(found)

    @functools.cached_property
    def themes_on(self) -> dict[str, list[Theme]]:
        """Themes by the id of a channel that carries them."""
        found: dict[str, list[Theme]] = defaultdict(list)
        for theme in by_title(self.playbook.themes.values()):
            for channel in dict.fromkeys(theme.channels):
                found[channel].append(theme)
        return dict(found)

    @functools.cached_property
    def kpi_index(self) -> dict[str, list[tuple[Entity, str]]]:
        """Metric id -> (role or objective, target) measured by it: roles first, each by title."""
        found: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
        for entities in (self.playbook.roles.values(), self.playbook.objectives.values()):
            for entity in by_title(entities):
                for kpi in entity.kpis:
                    found[kpi.metric].append((entity, kpi.target))
        return dict(found)

    def kpi_users(self, metric: Metric) -> list[tuple[Entity, str]]:
        """Roles and objectives that measure themselves by a metric, with their targets."""
        return self.kpi_index.get(metric.id, [])

    # -- accounts

    @staticmethod
    def runners(channel: Channel) -> list[tuple[str, str]]:
        """(role id, "owner" or "operator") for every role that runs an account, owner first."""
        rows = [(channel.owner, "owner")]
        rows.extend((role, "operator") for role in dict.fromkeys(channel.operators) if role != channel.owner)
        return rows

    @functools.cached_property
    def channels_run(self) -> dict[str, list[tuple[Channel, str]]]:
        """Role id -> (channel, "owner" or "operator") for every account it runs, by channel title."""
        found: dict[str, list[tuple[Channel, str]]] = defaultdict(list)
        for channel in by_title(self.playbook.channels.values()):
            for who, how in self.runners(channel):
                found[who].append((channel, how))
        return dict(found)

    def accounts_of(self, roles: Iterable[str]) -> list[tuple[Channel, str, str]]:
        """(channel, role id, how) for every account any of `roles` runs: by channel title,
        then in the channel's order of runners (owner first)."""
        rows: dict[tuple[int, str], tuple[tuple[int, int], tuple[Channel, str, str]]] = {}
        for role in dict.fromkeys(roles):
            for channel, how in self.channels_run.get(role, []):
                runner = next(i for i, (who, _) in enumerate(self.runners(channel)) if who == role)
                rows[(self._channel_rank[channel.id], role)] = (
                    (self._channel_rank[channel.id], runner),
                    (channel, role, how),
                )
        return [row for _, row in sorted(rows.values(), key=lambda item: item[0])]

    @functools.cached_property
    def _channel_rank(self) -> dict[str, int]:
        return {c.id: i for i, c in enumerate(by_title(self.playbook.channels.values()))}

    # -- RACI

    @functools.cached_property
    def _duty_index(self) -> dict[str, list[tuple[int, int, Duty]]]:
        """Party id -> (objective position, letter position, duty), built once per playbook:
        asking every objective about every role made generation quadratic."""
        index: dict[str, list[tuple[int, int, Duty]]] = defaultdict(list)
        for position, objective in enumerate(by_title(self.playbook.objectives.values())):
            for letter_position, letter in enumerate(RACI_LETTERS):
                for party in dict.fromkeys(raci_parties(objective, letter)):
                    index[party].append((position, letter_position, Duty(objective, letter, party)))
        return dict(index)

    def duties_of(self, party: str) -> list[Duty]:
        """The RACI letters a role or department holds by name, objective by objective."""
        return [duty for _, _, duty in self._duty_index.get(party, [])]

    def duties(self, parties: Iterable[str]) -> list[Duty]:
        """Every RACI letter held by any of `parties`, objective by objective, then letter,
        then in the order of `parties` (`[role.id, role.department]`: direct, then through
        the department)."""
        wanted = list(dict.fromkeys(parties))
        rank = {party: i for i, party in enumerate(wanted)}
        found = [row for party in wanted for row in self._duty_index.get(party, [])]
        found.sort(key=lambda row: (row[0], row[1], rank[row[2].party]))
        return [duty for _, _, duty in found]

    def duties_through(self, role: Role) -> list[Duty]:
        """A role's RACI letters: held by name, or through its department."""
        return self.duties([role.id, role.department])

    @functools.cached_property
    def _named_in_raci(self) -> set[str]:
        return {p for o in self.playbook.objectives.values() for letter in RACI_LETTERS for p in raci_parties(o, letter)}

    def raci_parties(self, kind: str) -> list[Entity]:
        """Roles or departments named in any RACI, by title."""
        entities = self.playbook.of_kind(kind)
        return by_title(entities[p] for p in self._named_in_raci if p in entities)

    @functools.cached_property
    def _departments_in(self) -> dict[str, list[tuple[Department, list[str]]]]:
        found: dict[str, list[tuple[Department, list[str]]]] = {}
        for objective in self.playbook.objectives.values():
            letters: dict[str, list[str]] = {}
            for letter in RACI_LETTERS:
                for party in raci_parties(objective, letter):
                    department = self.department_of(party)
                    if department is not None and letter not in letters.setdefault(department.id, []):
                        letters[department.id].append(letter)
            departments = self.playbook.departments
            found[objective.id] = [(d, letters[d.id]) for d in by_title(departments[i] for i in letters)]
        return found

    def departments_in(self, objective: Objective) -> list[tuple[Department, list[str]]]:
        """Departments taking part in an objective, directly or through their roles, with letters."""
        return self._departments_in.get(objective.id, [])

    # -- workflows and hand-offs

    @functools.cached_property
    def _step_index(self) -> dict[str, list[tuple[tuple[int, int], StepRef]]]:
        """Party id -> ((workflow position, step number), step) for steps it does or is named in `to`."""
        index: dict[str, list[tuple[tuple[int, int], StepRef]]] = defaultdict(list)
        for position, workflow in enumerate(by_title(self.playbook.workflows.values())):
            for number, step in enumerate(workflow.steps, start=1):
                row = ((position, number), StepRef(workflow, number, step))
                for party in dict.fromkeys(p for p in (step.by, step.to) if p):
                    index[party].append(row)
        return dict(index)

    def steps_of(self, parties: Iterable[str]) -> list[StepRef]:
        """Workflow steps done by, or handed by name (`to`) to, any of `parties`, each once,
        by workflow title then step number."""
        found = {key: row for party in set(parties) for key, row in self._step_index.get(party, [])}
        return [found[key] for key in sorted(found)]

    @functools.cached_property
    def handoffs(self) -> list[Handoff]:
        """Every hand-off (see `Handoff` for the one definition), by workflow title then step."""
        out: list[Handoff] = []
        for workflow in by_title(self.playbook.workflows.values()):
            steps = workflow.steps
            for number, step in enumerate(steps, start=1):
                if step.to:
                    targets, named = [step.to], True
                else:  # no follower: the workflow (or this branch of it) ends there
                    targets, named = [steps[n - 1].by for n in workflow.followers(number)], False
                for target in dict.fromkeys(targets):
                    if target != step.by:
                        out.append(Handoff(workflow, number, step.by, target, named))
        return out

    def department_handoffs(self, groups: Mapping[str, str] | None = None) -> list[DepartmentHandoffs]:
        """Hand-offs between two different departments, directed, counted over every workflow,
        by source then target title. With `groups` (department id -> the department it is
        counted for, as on a map that merges sub-departments), between groups."""
        departments = self.playbook.departments
        found: dict[tuple[str, str], list[Handoff]] = defaultdict(list)
        for handoff in self.handoffs:
            a, b = self._box(handoff.source, groups), self._box(handoff.target, groups)
            if a is not None and b is not None and a != b:
                found[(a, b)].append(handoff)
        rows = [DepartmentHandoffs(departments[a], departments[b], tuple(h)) for (a, b), h in found.items()]
        return sorted(rows, key=lambda row: (*sort_key(row.source), *sort_key(row.target)))

    def _box(self, party: str | None, groups: Mapping[str, str] | None) -> str | None:
        department = self.department_of(party)
        if department is None:
            return None
        return department.id if groups is None else groups.get(department.id)

    def ties(self, groups: Mapping[str, str] | None = None) -> dict[tuple[str, str], Tie]:
        """One tie per pair of departments (or of `groups`), keyed (smaller id, larger id), in key order.

        Two departments share an objective when one of them is accountable or responsible for
        it and the other takes any RACI part: the doers coordinate with each other and with
        those they consult and inform, but two departments that are only informed do not.
        Hand-offs are `department_handoffs` with both directions summed."""
        objectives: dict[tuple[str, str], set[str]] = defaultdict(set)
        for objective in self.playbook.objectives.values():
            raci = objective.raci
            doers = {self._box(p, groups) for p in [raci.accountable, *raci.responsible]} - {None}
            others = {self._box(p, groups) for p in [*raci.consulted, *raci.informed]} - {None}
            for a in doers:
                for b in doers | others:
                    if a is not None and b is not None and a != b:
                        objectives[(min(a, b), max(a, b))].add(objective.id)
        handoffs: dict[tuple[str, str], int] = defaultdict(int)
        for row in self.department_handoffs(groups):
            a, b = row.source.id, row.target.id
            handoffs[(min(a, b), max(a, b))] += row.count
        return {
            pair: Tie(frozenset(objectives.get(pair, ())), handoffs.get(pair, 0))
            for pair in sorted(objectives.keys() | handoffs.keys())
        }
