"""The typed playbook -> `{page path: Markdown}`. Pure: it reads nothing and writes nothing.

Python decides *what* each page shows (the facts, the backlinks, the RACI duties of a role);
one Jinja2 template per page type in `templates/` decides *how*. Every string from YAML goes
through one of the escaping filters of `escape.py` on its way into Markdown, and the Jinja
environment refuses to print a plain `str`, so a field left unescaped fails the build.

Pages live one folder deep (`roles/community-manager.md`), links between them are relative
links to the `.md` file, so MkDocs checks them and any other static site generator can follow
them. Diagrams come from outside through `diagram(key)`: ready HTML, or "" when there is none.
"""

from __future__ import annotations

import functools
import posixpath
import string
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import jinja2
from markupsafe import Markup

from .escape import Md, html_text, md_block, md_inline, md_text, md_url
from .labels import Labels
from .model import (
    KIND,
    KIND_ORDER,
    PLURALS,
    Channel,
    Department,
    Entity,
    Metric,
    Objective,
    Organization,
    Playbook,
    Role,
    Step,
    Theme,
    Workflow,
)
from .rules import references

RACI_LETTERS = ("accountable", "responsible", "consulted", "informed")

RACI_MATRIX_COLUMNS = 40
"""Above this many parties, a matrix is unreadable (and its size grows with objectives times
parties): the RACI page then lists each objective's parties by letter instead."""

SECTIONS = {
    "organization": ("organization", "departments", "roles", "raci", "coordination"),
    "playbook": ("playbook", "objectives", "themes", "channels", "metrics", "workflows"),
}
"""The two groups of index pages, each led by its overview page (see `index_pages`)."""


@dataclass(frozen=True)
class Page:
    """One generated page."""

    path: str
    """Where the Markdown file lives, relative to the docs folder: `roles/community-manager.md`."""
    title: str
    """The page title as plain text (not escaped)."""
    markdown: str
    source: str | None = None
    """The YAML file behind the page, relative to the project folder; None for index pages."""
    index: bool = False
    """True for the overview and index pages that belong in the navigation."""
    diagrams: dict[str, str] = field(default_factory=dict, compare=False)
    """Diagram key -> the HTML block placed in `markdown` for it (see `Renderer.helpers`)."""


def page_path(entity: Entity) -> str:
    """The Markdown file of an entity's page."""
    if isinstance(entity, Organization):
        return "organization/index.md"
    return f"{PLURALS[entity.KIND]}/{entity.id}.md"


def diagram_path(key: str) -> str:
    """The standalone SVG file of a diagram key such as `role/community-manager`."""
    return f"diagrams/{key}.svg"


def no_diagram(key: str) -> str:
    return ""


def sort_key(entity: Entity) -> tuple[str, str]:
    """Entities are listed by title, then id, whatever the order of the files."""
    return (entity.label.casefold(), entity.id)


def by_title(entities: Iterable[Any]) -> list[Any]:
    return sorted(entities, key=sort_key)


# --- what the pages show -----------------------------------------------------------------


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
    party: str
    """The id named in the RACI: the role itself, or its department."""


@dataclass(frozen=True)
class Handoff:
    """One workflow step that involves a role or department."""

    workflow: Workflow
    number: int
    step: Step


@dataclass(frozen=True)
class Share:
    """One bar of the workload chart."""

    department: Department | None
    percent: float


@dataclass(frozen=True)
class Link:
    """Departments that hand work to each other, and the workflows where they do."""

    source: Department
    target: Department
    workflows: tuple[Workflow, ...]
    count: int


@dataclass
class Facts:
    """Everything computed once per playbook that several pages need."""

    playbook: Playbook
    backlinks: dict[str, list[Backlink]] = field(default_factory=dict)
    reports: dict[str, list[Role]] = field(default_factory=dict)
    children: dict[str, list[Department]] = field(default_factory=dict)
    members: dict[str, list[Role]] = field(default_factory=dict)

    @classmethod
    def of(cls, playbook: Playbook) -> Facts:
        facts = cls(playbook)
        found: dict[str, dict[str, list[tuple[str | int, ...]]]] = defaultdict(dict)
        for entity in playbook.all_entities():
            for ref in references(entity):
                found[ref.target].setdefault(entity.id, []).append(ref.path)
        for target, sources in found.items():
            rows = [
                Backlink(playbook.entity(source) or playbook.organization, tuple(paths))  # type: ignore[arg-type]
                for source, paths in sources.items()
            ]
            facts.backlinks[target] = sorted(rows, key=lambda b: (KIND_ORDER.index(b.source.KIND), *sort_key(b.source)))
        for role in by_title(playbook.roles.values()):
            facts.members.setdefault(role.department, []).append(role)
            if role.reports_to:
                facts.reports.setdefault(role.reports_to, []).append(role)
        for department in by_title(playbook.departments.values()):
            if department.parent:
                facts.children.setdefault(department.parent, []).append(department)
        return facts

    # -- roles and departments

    def department_of(self, party: str) -> Department | None:
        """The department of a party: itself when it is one, a role's department otherwise."""
        if party in self.playbook.departments:
            return self.playbook.departments[party]
        role = self.playbook.roles.get(party)
        return self.playbook.departments.get(role.department) if role else None

    def led_by(self, role: Role) -> list[Department]:
        return by_title(d for d in self.playbook.departments.values() if d.lead == role.id)

    def roles_of(self, department: Department) -> list[Role]:
        """The department's roles, its lead first."""
        roles = self.members.get(department.id, [])
        return sorted(roles, key=lambda r: (r.id != department.lead, *sort_key(r)))

    def tree(self) -> list[tuple[int, Department]]:
        """Every department with its depth, parents before their children."""
        departments = self.playbook.departments
        roots = by_title(d for d in departments.values() if not d.parent or d.parent not in departments)
        out: list[tuple[int, Department]] = []

        def walk(department: Department, depth: int) -> None:
            out.append((depth, department))
            for child in self.children.get(department.id, []):
                walk(child, depth + 1)

        for root in roots:
            walk(root, 0)
        return out

    # -- objectives

    def duties(self, parties: Iterable[str]) -> list[Duty]:
        """Every RACI letter held by any of `parties`, objective by objective."""
        wanted = list(parties)
        found = [row for party in dict.fromkeys(wanted) for row in self._duty_index.get(party, [])]
        found.sort(key=lambda row: (row[0], row[1], wanted.index(row[2].party)))
        return [duty for _, _, duty in found]

    @functools.cached_property
    def _duty_index(self) -> dict[str, list[tuple[int, int, Duty]]]:
        """Party id -> (objective position, letter position, duty), built once per site:
        asking every objective about every role made generation quadratic."""
        index: dict[str, list[tuple[int, int, Duty]]] = defaultdict(list)
        for position, objective in enumerate(by_title(self.playbook.objectives.values())):
            for letter_position, letter in enumerate(RACI_LETTERS):
                for party in dict.fromkeys(raci_parties(objective, letter)):
                    index[party].append((position, letter_position, Duty(objective, letter, party)))
        return index

    def raci_parties(self, kind: str) -> list[Entity]:
        """Roles or departments named in any RACI, by title."""
        named = {p for o in self.playbook.objectives.values() for letter in RACI_LETTERS for p in raci_parties(o, letter)}
        return by_title(self.playbook.of_kind(kind)[p] for p in named if p in self.playbook.of_kind(kind))

    def objectives_by_kind(self, objective: Objective, kind: str) -> list[Entity]:
        """Themes, channels or workflows that serve an objective."""
        if kind == "workflow":
            return by_title(w for w in self.playbook.workflows.values() if w.objective == objective.id)
        serving: Iterable[Theme | Channel] = (self.playbook.themes if kind == "theme" else self.playbook.channels).values()
        return by_title(e for e in serving if objective.id in e.objectives)

    def departments_in(self, objective: Objective) -> list[tuple[Department, list[str]]]:
        """Departments taking part in an objective, directly or through their roles, with letters."""
        letters: dict[str, list[str]] = {}
        for letter in RACI_LETTERS:
            for party in raci_parties(objective, letter):
                department = self.department_of(party)
                if department is not None and letter not in letters.setdefault(department.id, []):
                    letters[department.id].append(letter)
        return [(d, letters[d.id]) for d in by_title(self.playbook.departments[i] for i in letters)]

    # -- workflows

    def handoffs(self, parties: Iterable[str]) -> list[Handoff]:
        """Workflow steps done by, or handed to, any of `parties`."""
        found = {key: row for party in set(parties) for key, row in self._handoff_index.get(party, [])}
        return [found[key] for key in sorted(found)]

    @functools.cached_property
    def _handoff_index(self) -> dict[str, list[tuple[tuple[int, int], Handoff]]]:
        """Party id -> ((workflow position, step number), hand-off) for steps it does or receives."""
        index: dict[str, list[tuple[tuple[int, int], Handoff]]] = defaultdict(list)
        for position, workflow in enumerate(by_title(self.playbook.workflows.values())):
            for number, step in enumerate(workflow.steps, start=1):
                row = ((position, number), Handoff(workflow, number, step))
                for party in {step.by, step.to} - {None}:
                    index[party].append(row)  # type: ignore[index]
        return index

    def department_links(self) -> list[Link]:
        """Hand-offs between two different departments, counted over every workflow."""
        found: dict[tuple[str, str], list[Workflow]] = defaultdict(list)
        for workflow in by_title(self.playbook.workflows.values()):
            for step in workflow.steps:
                if not step.to:
                    continue
                source, target = self.department_of(step.by), self.department_of(step.to)
                if source is None or target is None or source.id == target.id:
                    continue
                found[(source.id, target.id)].append(workflow)
        departments = self.playbook.departments
        links = [
            Link(departments[a], departments[b], tuple({w.id: w for w in flows}.values()), len(flows))
            for (a, b), flows in found.items()
        ]
        return sorted(links, key=lambda link: (*sort_key(link.source), *sort_key(link.target)))

    # -- the organization

    def shares(self) -> list[Share]:
        """Departments with a share, largest first, and what nobody carries."""
        rows = [
            Share(d, float(d.share))
            for d in self.playbook.departments.values()
            if d.share is not None
        ]
        rows.sort(key=lambda s: (-s.percent, *sort_key(s.department)))  # type: ignore[arg-type]
        total = sum(s.percent for s in rows)
        if rows and total < 100:
            rows.append(Share(None, 100 - total))
        return rows

    def kpi_users(self, metric: Metric) -> list[tuple[Entity, str]]:
        """Roles and objectives that measure themselves by a metric, with their targets."""
        return self._kpi_index.get(metric.id, [])

    @functools.cached_property
    def _kpi_index(self) -> dict[str, list[tuple[Entity, str]]]:
        index: dict[str, list[tuple[Entity, str]]] = defaultdict(list)
        for kind in ("role", "objective"):
            for entity in by_title(self.playbook.of_kind(kind).values()):
                for kpi in entity.kpis:
                    index[kpi.metric].append((entity, kpi.target))
        return index

    @functools.cached_property
    def channels_run(self) -> dict[str, list[tuple[Channel, str]]]:
        """Role id -> (channel, "owner" or "operator") for every account it runs, by title."""
        index: dict[str, list[tuple[Channel, str]]] = defaultdict(list)
        for channel in by_title(self.playbook.channels.values()):
            for who, how in _channel_roles(channel):
                index[who].append((channel, how))
        return index


def raci_parties(objective: Objective, letter: str) -> list[str]:
    raci = objective.raci
    return [raci.accountable] if letter == "accountable" else list(getattr(raci, letter))


def number(value: float) -> str:
    return f"{value:g}"


# --- turning it into Markdown --------------------------------------------------------------


def _refuse_plain(value: Any) -> Any:
    """Jinja's `finalize`: only escaped text (`Md`, or a macro's output) and numbers reach the page."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Md(number(value))
    raise TypeError(
        f"template printed {type(value).__name__} {str(value)[:60]!r} without escaping it; "
        "pass it through |text, |inline, |block or a helper"
    )


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja environment for every page template."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # on, so that macros return Markup; `_refuse_plain` stops a plain str before Jinja
        # would HTML-escape it, because Markdown needs Markdown escaping (escape.py)
        autoescape=True,
        finalize=_refuse_plain,
    )
    env.filters.update(
        text=md_text,
        inline=md_inline,
        block=md_block,
        item=lambda value: Md(md_block(value).replace("\n", "\n    ").replace("\n    \n", "\n\n")),
        url=md_url,
        html=html_text,
        number=lambda value: Md(number(value)),
    )
    return env


class Say:
    """Labels for templates: `t("reports_to")`, `t("through", party=link)` -> escaped Markdown.

    The label text is escaped like any plain text; values that are already `Md` (links) go
    in as they are, anything else is escaped too."""

    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self._parsed: dict[str, list[tuple[str, str | None]]] = {}

    def __call__(self, key: str, **values: Any) -> Md:
        parts = self._parsed.get(key)
        if parts is None:
            parts = self._parsed[key] = [
                (_literal(literal), name) for literal, name, _spec, _conversion in string.Formatter().parse(self.labels[key])
            ]
        out: list[str] = []
        for literal, name in parts:
            out.append(literal)
            if name is not None:
                value = values[name]
                out.append(value if isinstance(value, Md) else md_text(value))
        return Md("".join(out))

    def plain(self, key: str, **values: Any) -> str:
        """The label as plain text, for HTML attributes and titles."""
        return self.labels(key, **values)


def _literal(text: str) -> str:
    """Escape the text of a label around its placeholders, keeping the spaces next to them."""
    if not text.strip():
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return lead + str(md_text(text)) + trail


class Renderer:
    """Renders every page of one playbook in one language."""

    def __init__(
        self,
        playbook: Playbook,
        labels: Labels,
        diagram: Callable[[str], str] = no_diagram,
    ) -> None:
        self.playbook = playbook
        self.labels = labels
        self.say = Say(labels)
        self.facts = Facts.of(playbook)
        self.diagram_html = diagram
        self.placed: dict[str, str] = {}
        """The diagrams placed on the page being rendered."""
        self.targets: dict[str, tuple[str, str]] = {
            entity.id: (str(md_text(entity.label)), page_path(entity)) for entity in playbook.all_entities()
        }
        """Entity id -> (escaped link text, page path), for `link`."""
        self.env = environment()

    # -- helpers bound to the page being written

    def helpers(self, here: str) -> dict[str, Any]:
        say = self.say

        folder = posixpath.dirname(here)

        def href(target: str) -> str:
            return posixpath.relpath(target, folder or ".")

        def link(target: Entity | str | None) -> Md:
            """A link to an entity's page, by entity or id; its title as the link text."""
            if target is None:
                return say("nobody")
            entity_id = target if isinstance(target, str) else target.id
            found = self.targets.get(entity_id)
            if found is None:  # only when the playbook has errors: no page to link to
                return md_text(entity_id)
            text, path = found
            # every page is one folder deep: a sibling by its name, anything else through ../
            url = path[len(folder) + 1 :] if folder and path.startswith(folder + "/") else "../" + path if folder else path
            return Md(f"[{text}]({url})")

        def links(targets: Iterable[Entity | str]) -> Md:
            return Md(", ".join(link(t) for t in targets))

        def page_link(path: str, label: Md) -> Md:
            return Md(f"[{label}]({href(path)})")

        def diagram(key: str) -> Md:
            """The diagram for `key`: the renderer's HTML block (a figure with its caption and
            download link), or "" when there is none. It is ours, not YAML text: no escaping."""
            inline = self.diagram_html(key).strip()
            if not inline:
                return Md("")
            self.placed[key] = inline
            return Md(inline + "\n")

        def duration(value: str | None) -> Md:
            if not value:
                return Md("")
            amount, unit = int(value[:-1]), value[-1]
            key = {"m": "minutes", "h": "hours", "d": "days"}[unit] + ("_one" if amount == 1 else "")
            return say(key, n=amount)

        def letter(name: str) -> Md:
            return say(f"raci_{name}")

        def field_names(paths: tuple[tuple[str | int, ...], ...]) -> Md:
            names: list[str] = []
            for path in paths:
                if path[0] == "steps":
                    name = say(f"field_step_{path[2]}", n=int(path[1]) + 1)
                elif path[0] == "kpis":
                    name = say("field_kpi")
                elif path[0] == "raci":
                    name = say(f"raci_{path[1]}")
                else:
                    name = say(f"field_{path[0]}")
                if name not in names:
                    names.append(name)
            return Md(", ".join(names))

        def indent(depth: int) -> Md:
            return Md("    " * depth)

        return {
            "t": say,
            "link": link,
            "links": links,
            "page_link": page_link,
            "diagram": diagram,
            "duration": duration,
            "letter": letter,
            "field_names": field_names,
            "indent": indent,
            "kind_label": lambda entity: say(KIND[entity.KIND].label),
            "page": here,
        }

    def render(self, template: str, here: str, **context: Any) -> str:
        self.placed = {}
        text = self.env.get_template(template).render(**self.helpers(here), **context)
        # one blank line between blocks, whatever the template's conditionals left behind
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text.strip("\n") + "\n"

    # -- the pages

    def pages(self) -> dict[str, Page]:
        """Every page, keyed by path, in path order."""
        found: list[Page] = []
        found.extend(self.index_pages())
        if self.playbook.organization:
            found.append(self.organization_page(self.playbook.organization))
        entity_pages: dict[str, Callable[[Any], Page]] = {
            "department": self.department_page,
            "role": self.role_page,
            "objective": self.objective_page,
            "theme": self.theme_page,
            "channel": self.channel_page,
            "metric": self.metric_page,
            "workflow": self.workflow_page,
        }
        for kind, make in entity_pages.items():
            for entity in self.playbook.of_kind(kind).values():
                found.append(make(entity))
        return {page.path: page for page in sorted(found, key=lambda p: p.path)}

    def entity_page(self, entity: Entity, template: str, **context: Any) -> Page:
        here = page_path(entity)
        markdown = self.render(
            template,
            here,
            backlinks=self.facts.backlinks.get(entity.id, []),
            **context,
        )
        return Page(here, entity.label, markdown, source=entity.path, diagrams=self.placed)

    def organization_page(self, organization: Organization) -> Page:
        here = page_path(organization)
        facts = self.facts
        hub = self.playbook.departments.get(organization.hub or "")
        markdown = self.render(
            "organization.md.j2",
            here,
            organization=organization,
            charter=organization.charter,
            hub=hub,
            shares=facts.shares(),
            tree=facts.tree(),
            leads={d.id: self.playbook.roles.get(d.lead or "") for d in self.playbook.departments.values()},
            counts={k: len(self.playbook.of_kind(k)) for k in ("department", "role")},
            headcount=sum(r.headcount for r in self.playbook.roles.values()),
            open_positions=sum(1 for r in self.playbook.roles.values() if r.headcount == 0),
        )
        return Page(here, organization.label, markdown, source=organization.path, index=True, diagrams=self.placed)

    def department_page(self, department: Department) -> Page:
        facts = self.facts
        roles = facts.roles_of(department)
        parties = [department.id, *(r.id for r in roles)]
        involved = set(parties)
        channels = [
            (channel, role, how)
            for channel in by_title(self.playbook.channels.values())
            for role, how in _channel_roles(channel)
            if role in involved
        ]
        return self.entity_page(
            department,
            "department.md.j2",
            department=department,
            parent=self.playbook.departments.get(department.parent or ""),
            lead=self.playbook.roles.get(department.lead or ""),
            children=facts.children.get(department.id, []),
            is_hub=bool(self.playbook.organization and self.playbook.organization.hub == department.id),
            roles=roles,
            duties=facts.duties(parties),
            channels=channels,
            handoffs=facts.handoffs(parties),
        )

    def role_page(self, role: Role) -> Page:
        facts = self.facts
        channels = facts.channels_run.get(role.id, [])
        return self.entity_page(
            role,
            "role.md.j2",
            role=role,
            department=self.playbook.departments.get(role.department),
            manager=self.playbook.roles.get(role.reports_to or ""),
            reports=facts.reports.get(role.id, []),
            leads=facts.led_by(role),
            duties=facts.duties([role.id, role.department]),
            channels=channels,
            themes=by_title(t for t in self.playbook.themes.values() if t.owner == role.id),
            handoffs=facts.handoffs([role.id, role.department]),
            kpis=[(kpi, self.playbook.metrics.get(kpi.metric)) for kpi in role.kpis],
        )

    def objective_page(self, objective: Objective) -> Page:
        facts = self.facts
        return self.entity_page(
            objective,
            "objective.md.j2",
            objective=objective,
            raci={letter: raci_parties(objective, letter) for letter in RACI_LETTERS},
            kpis=[(kpi, self.playbook.metrics.get(kpi.metric)) for kpi in objective.kpis],
            themes=facts.objectives_by_kind(objective, "theme"),
            channels=facts.objectives_by_kind(objective, "channel"),
            workflows=facts.objectives_by_kind(objective, "workflow"),
            departments=facts.departments_in(objective),
        )

    def theme_page(self, theme: Theme) -> Page:
        return self.entity_page(theme, "theme.md.j2", theme=theme)

    def channel_page(self, channel: Channel) -> Page:
        themes = by_title(t for t in self.playbook.themes.values() if channel.id in t.channels)
        return self.entity_page(channel, "channel.md.j2", channel=channel, themes=themes)

    def metric_page(self, metric: Metric) -> Page:
        return self.entity_page(metric, "metric.md.j2", metric=metric, users=self.facts.kpi_users(metric))

    def workflow_page(self, workflow: Workflow) -> Page:
        steps = list(enumerate(workflow.steps, start=1))
        return self.entity_page(workflow, "workflow.md.j2", workflow=workflow, steps=steps)

    def index_pages(self) -> list[Page]:
        playbook, facts = self.playbook, self.facts
        indexes: list[Page] = []

        def add(name: str, title_key: str, **context: Any) -> None:
            here = f"{name}/index.md"
            markdown = self.render(f"{name}.md.j2", here, **context)
            indexes.append(Page(here, self.labels(title_key), markdown, index=True, diagrams=self.placed))

        add(
            "playbook",
            "playbook_title",
            sections=[(kind, len(playbook.of_kind(kind))) for kind in ("objective", "theme", "channel", "metric", "workflow")],
            objectives=by_title(playbook.objectives.values()),
        )
        add("departments", "departments_title", departments=by_title(playbook.departments.values()))
        add("roles", "roles_title", roles=by_title(playbook.roles.values()))
        add("objectives", "objectives_title", objectives=by_title(playbook.objectives.values()))
        add("themes", "themes_title", themes=by_title(playbook.themes.values()))
        add("channels", "channels_title", channels=by_title(playbook.channels.values()))
        add(
            "metrics",
            "metrics_title",
            layers=[
                (layer, by_title(m for m in playbook.metrics.values() if m.layer == layer))
                for layer in ("media", "conversation", "network")
            ],
        )
        add("workflows", "workflows_title", workflows=by_title(playbook.workflows.values()))
        objectives = by_title(playbook.objectives.values())
        add(
            "raci",
            "raci_title",
            objectives=objectives,
            departments=facts.raci_parties("department"),
            roles=facts.raci_parties("role"),
            letters=_letters(objectives),
            named=_named(objectives, playbook),
            matrix_limit=RACI_MATRIX_COLUMNS,
        )
        add(
            "coordination",
            "coordination_title",
            hub=playbook.departments.get(playbook.organization.hub or "") if playbook.organization else None,
            handovers=facts.department_links(),
            objectives=[(o, facts.departments_in(o)) for o in objectives],
        )
        return indexes


def _letters(objectives: list[Objective]) -> dict[tuple[str, str], list[str]]:
    """(objective id, party id) -> the RACI letters the party holds for the objective."""
    letters: dict[tuple[str, str], list[str]] = {}
    for objective in objectives:
        for letter in RACI_LETTERS:
            for party in raci_parties(objective, letter):
                letters.setdefault((objective.id, party), []).append(letter)
    return letters


def _named(objectives: list[Objective], playbook: Playbook) -> dict[tuple[str, str, str], list[Entity]]:
    """(objective id, letter, kind) -> the roles or departments holding that letter, by title."""
    named: dict[tuple[str, str, str], list[Entity]] = {}
    for objective in objectives:
        for letter in RACI_LETTERS:
            for party in dict.fromkeys(raci_parties(objective, letter)):
                entity = playbook.entity(party)
                if entity is not None:
                    named.setdefault((objective.id, letter, entity.KIND), []).append(entity)
    for parties in named.values():
        parties.sort(key=sort_key)
    return named


def _channel_roles(channel: Channel) -> list[tuple[str, str]]:
    """(role id, "owner" or "operator") for every role that runs an account."""
    rows = [(channel.owner, "owner")]
    rows.extend((role, "operator") for role in channel.operators if role != channel.owner)
    return rows


def render_pages(
    playbook: Playbook,
    labels: Labels,
    *,
    diagram: Callable[[str], str] = no_diagram,
) -> dict[str, Page]:
    """Every page of a playbook that passed validation, keyed by path.

    `diagram(key)` gives the HTML of a diagram, ready to drop into the page as one block
    without blank lines ("" when there is none). Keys: `org-chart`, `coordination`,
    `department/<id>`, `role/<id>`, `objective/<id>`, `workflow/<id>`.
    """
    return Renderer(playbook, labels, diagram).pages()
