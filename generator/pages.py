"""The typed playbook -> `{page path: Markdown}`. Pure: it reads nothing and writes nothing.

Python decides *what* each page shows (the facts, the backlinks, the RACI duties of a role);
one Jinja2 template per page type in `templates/` decides *how*. Every string from YAML goes
through one of the escaping filters of `escape.py` on its way into Markdown, and the Jinja
environment refuses to print a plain `str`, so a field left unescaped fails the build.

Pages live one folder deep (`roles/community-manager.md`), links between them are relative
links to the `.md` file, so MkDocs checks them and any other static site generator can follow
them. A page that shows a diagram holds a placeholder for it (`diagram_slot(key)`, one line of
HTML that Markdown passes through) and lists its key in `Page.diagrams`; each writer puts its
own figure there (the mkdocs plugin after search indexing, `playbook export` before writing).
"""

from __future__ import annotations

import datetime
import functools
import posixpath
import re
import string
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from markdown.extensions.toc import slugify
from markupsafe import Markup

from .cache import Cache
from .cadence import WEEKDAYS, month_weeks, slot_channels, slot_format, weekdays
from .diagrams.common import ORG_CHART_LIMIT
from .diagrams.coordination import coordination_matrix
from .errors import Problem
from .escape import Md, html_text, md_block, md_inline, md_text, md_url
from .facts import RACI_LETTERS, Facts, StepRef, by_title, raci_parties, sort_key
from .labels import Labels
from .model import (
    KIND,
    PLURALS,
    Channel,
    Contact,
    Department,
    Entity,
    Metric,
    Objective,
    Organization,
    Playbook,
    Role,
    Slot,
    Theme,
    Workflow,
)
from .review import Review

HOME_MARKER = "<!-- playbook:home -->"
"""The line a hand-written page (usually `docs/index.md`) places where the plugin puts the
first-day block (`home_section`): find your role, and the questions new hires ask with a link
to each answer. The page itself stays hand-written; only the marker's line is replaced."""
HOME_LINE = re.compile(rf"^{re.escape(HOME_MARKER)}[ \t]*$", re.MULTILINE)
"""`HOME_MARKER` on a line of its own: only there is it replaced (the guide can write about it)."""
MD_HREF = re.compile(r'href="([^":#?]+\.md)"')
"""A relative link to a generated page's Markdown file in generated HTML (the home block's role
list, the calendar's views): the writer (plugin or export) turns it into the page's address."""

HOME_OPEN_ROLES = 40
"""Up to this many roles, "find your role" shows every department open; above it, each
department is a `<details>` that opens to its roles, so a big organization's home page stays short."""

RACI_MATRIX_COLUMNS = 40
"""Above this many parties, a matrix is unreadable (and its size grows with objectives times
parties): the RACI page then lists each objective's parties by letter instead."""

ROLES_INDEX_LIMIT = 500
"""Up to this many roles, the roles index is one table of every role with its department,
manager and summary; above it, one row per department with its number of roles and their
titles, its lead marked (each department's page lists its roles with what they do). Why 500:
the flat table grows by about 180 bytes of Markdown, 0.2 ms of Python-Markdown and 135 px
of a 390 px phone's page per role; at 500 roles that is 88 KB, 0.1 s on every summary edit
in `playbook serve`, and 80 screens to scroll on a phone, where a small organization still
gains from reading every summary in one place. At 3,000 roles it was 539 KB and 0.63 s;
grouped, 161 KB and 0.17 s, and a 501-role organization's page is 11 phone screens
(`benchmarks/ROLES_INDEX.md`). Grouped, the page reads no summary, so a summary edit leaves
it as it is (see `incremental`): it is made again only when a title, a role's department or
a department's lead changes, or a role or a department comes or goes."""

SECTIONS = {
    "organization": ("organization", "departments", "roles", "raci", "coordination"),
    "playbook": ("playbook", "objectives", "themes", "channels", "metrics", "workflows", "calendar"),
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
    diagrams: tuple[str, ...] = ()
    """Keys of the diagrams whose placeholder (`diagram_slot`) is in `markdown`."""
    unindexed: tuple[str, ...] = ()
    """Headings (plain text) of the sections that only repeat other pages (hand-offs shown on
    the workflow pages, "Referenced by", the RACI matrix, lists of linked entities, diagrams):
    a site's search leaves them out, so that a search leads to the page that holds the answer
    (the plugin marks each heading with Material's `data-search-exclude`). A page that lists
    its own title keeps its title and introduction in the index but leaves out its tables (the
    index pages: one row per entity, each of which has its page). The one list of what is not
    indexed, for relevance and for the index's size alike: no single search entry grows with
    the organization."""


def page_path(entity: Entity) -> str:
    """The Markdown file of an entity's page."""
    if isinstance(entity, Organization):
        return "organization/index.md"
    return f"{PLURALS[entity.KIND]}/{entity.id}.md"


def diagram_path(key: str) -> str:
    """The standalone SVG file of a diagram key such as `role/community-manager`."""
    return f"diagrams/{key}.svg"


def diagram_slot(key: str) -> str:
    """The placeholder for diagram `key` in a page: one line of HTML, which Markdown passes
    through as it is, for a writer to replace with its figure (`fill_slots`)."""
    return f'<div class="playbook-diagram-slot" data-key="{html_text(key)}"></div>'


def fill_slots(text: str, keys: Iterable[str], figure: Callable[[str], str]) -> str:
    """Replace the placeholder of each diagram key with `figure(key)`."""
    for key in keys:
        text = text.replace(diagram_slot(key), figure(key), 1)
    return text


ORG_CHART_PATH = "organization/chart.md"
"""The page of the full org chart (the organization page shows the departments overview)."""


def diagram_key(entity: Entity) -> str:
    """The diagram of an entity: `org-chart` for the organization (on `ORG_CHART_PATH`),
    else `<kind>/<id>` on the entity's page."""
    return "org-chart" if isinstance(entity, Organization) else f"{entity.KIND}/{entity.id}"


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


def environment() -> jinja2.Environment:
    """A Jinja environment for the page templates; a `Cache` keeps one, with its compiled
    templates, for a build or a `serve` session."""
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
        diagrams: Collection[str] = (),
        facts: Facts | None = None,
        cache: Cache | None = None,
        reviews: Mapping[str, Review] | None = None,
    ) -> None:
        self.playbook = playbook
        self.reviews: Mapping[str, Review] = reviews or {}
        """Entity id -> its review standing; empty when the build measures none."""
        self.labels = labels
        self.say = Say(labels)
        self.facts = facts or Facts(playbook)
        self.drawn = frozenset(diagrams)
        """Keys of the diagrams the writer will put in: pages hold a placeholder for these only."""
        self.targets: dict[str, tuple[str, str]] = {
            entity.id: (str(md_text(entity.label)), page_path(entity)) for entity in playbook.all_entities()
        }
        """Entity id -> (escaped link text, page path), for `link`."""
        self.env = cache.environment(environment) if cache is not None else environment()
        self.common: dict[str, Any] = {
            "t": self.say,
            "slot": self.slot,
            "duration": self.duration,
            "letter": lambda name: self.say(f"raci_{name}"),
            "field_names": self.field_names,
            "indent": lambda depth: Md("    " * depth),
            "kind_label": lambda entity: self.say(KIND[entity.KIND].label),
            "contact": self.contact,
        }
        """The helpers that do not depend on the page."""

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

        def reach(party: str | None) -> Md:
            """How to reach a party a step hands work to: its own contact, else (a role) its
            department's, named; empty when neither has one, or on the page that shows that contact."""
            entity = self.playbook.entity(party) if party else None
            if entity is None:
                return Md("")
            own = getattr(entity, "contact", None)
            if own is not None:
                # the page of the one reached shows the contact at its top: not on every step
                return say("reach", contact=self.contact(own)) if page_path(entity) != here else Md("")
            department = self.playbook.departments.get(entity.department) if isinstance(entity, Role) else None
            if department is not None and department.contact is not None and page_path(department) != here:
                return say("reach_via", department=link(department), contact=self.contact(department.contact))
            return Md("")

        def page_link(path: str, label: Md) -> Md:
            return Md(f"[{label}]({href(path)})")

        def anchor_link(path: str, heading: str, label: Md) -> Md:
            """A link to the section titled `heading` (plain text) of page `path`."""
            return Md(f"[{label}]({href(path)}#{slug(heading)})")

        return {
            **self.common,
            "link": link,
            "links": links,
            "page_link": page_link,
            "anchor_link": anchor_link,
            "reach": reach,
            "href": href,
            "page": here,
            "review_texts": lambda review: self.review_texts(review, link),
            "cadence_text": lambda theme: self.cadence_text(theme, links),
            "cadence_short": self.cadence_short,
        }

    # -- helpers for every page

    @staticmethod
    def slot(key: str) -> Md:
        """The placeholder of a diagram: ours, not YAML text, so no escaping."""
        return Md(diagram_slot(key) + "\n")

    def duration(self, value: str | None) -> Md:
        if not value:
            return Md("")
        amount, unit = int(value[:-1]), value[-1]
        key = {"m": "minutes", "h": "hours", "d": "days"}[unit] + ("_one" if amount == 1 else "")
        return self.say(key, n=amount)

    def review_texts(self, review: Review, link: Callable[[str], Md]) -> tuple[Md | None, Md]:
        """(the "may be out of date" note or None, the line saying when and by whom it was checked)."""
        say, rule = self.say, self.say(f"review_rule_{review.entity.KIND}")
        owner = {"owner": link(review.owner)} if review.owner else {"rule": rule}
        suffix = "" if review.owner else "_nobody"
        note = None
        if review.overdue:
            note = say("review_overdue" + suffix, age=str(review.age), period=str(review.period), **owner)
        if review.reviewed is not None:
            line = say("review_reviewed" + suffix, day=review.reviewed.isoformat(), **owner)
        elif isinstance(review.changed, datetime.date):
            line = say("review_changed" + suffix, day=review.changed.isoformat(), **owner)
        else:
            why = say(f"changed_{review.changed or 'uncommitted'}")
            line = say("review_unknown" + suffix, why=why, **({"owner": owner["owner"]} if review.owner else {}))
        return note, line

    def cadence_text(self, theme: Theme, links: Callable[[Iterable[str]], Md]) -> Md:
        """A theme's cadence: its text, one slot in words, or one nested list item per slot."""
        if isinstance(theme.cadence, str):
            return md_inline(theme.cadence)
        said = [self.slot_text(theme, slot, links) for slot in theme.slots]
        return said[0] if len(said) == 1 else Md("".join(f"\n    - {line}" for line in said))

    def cadence_short(self, theme: Theme, channel: str | None = None) -> Md:
        """A theme's cadence for a table cell: its text, or when its slots are (on `channel`, if given)."""
        if isinstance(theme.cadence, str):
            return md_inline(theme.cadence)
        said = [self.slot_when(s) for s in theme.slots if channel is None or channel in slot_channels(theme, s)]
        return Md("; ".join(said)) if said else self.say("dash")

    def slot_text(self, theme: Theme, slot: Slot, links: Callable[[Iterable[str]], Md]) -> Md:
        """One slot in words: when, on which channels, in which format, in which campaign window."""
        say = self.say
        text = say("cadence_channels", slot=self.slot_when(slot), channels=links(slot_channels(theme, slot)))
        if slot_format(theme, slot):
            text = say("cadence_format", slot=text, format=md_inline(slot_format(theme, slot)))
        if slot.starts or slot.ends:
            key = "cadence_window" if slot.starts and slot.ends else "cadence_from" if slot.starts else "cadence_until"
            text = say(key, slot=text, starts=slot.starts or "", ends=slot.ends or "")
        return text

    def slot_when(self, slot: Slot) -> Md:
        """The days and times of a slot in words: "every week on Tue, Fri at 19:00"."""
        say = self.say
        days = Md(say.plain("list_separator").join(say.plain(f"weekday_{WEEKDAYS[d]}") for d in weekdays(slot)))
        times = Md(say.plain("list_separator").join(slot.at))
        weeks = month_weeks(slot)
        if weeks is not None:
            text = say("cadence_monthly", weeks=Md(say.plain("cadence_and").join(say.plain(f"week_{w}") for w in weeks)),
                       day=days, times=times)
        elif slot.per == "day" and not slot.days:
            text = say("cadence_daily", times=times)
        else:
            text = say("cadence_days" if slot.per == "day" else "cadence_weekly", days=days, times=times)
        return text

    @staticmethod
    def contact(contact: Contact) -> Md:
        """A role's or department's contact on one line: chat (a link when it has an address),
        mailbox (a mailto link), phone."""
        parts: list[str] = []
        if contact.chat or contact.chat_url:
            text = md_text(contact.chat or contact.chat_url)
            parts.append(f"[{text}]({md_url(contact.chat_url)})" if contact.chat_url else text)
        if contact.email:
            parts.append(f"[{md_text(contact.email)}]({md_url('mailto:' + contact.email)})")
        if contact.phone:
            parts.append(md_text(contact.phone))
        return Md(" · ".join(parts))

    def field_names(self, paths: tuple[tuple[str | int, ...], ...]) -> Md:
        """The fields where one entity names another, as a reader calls them."""
        say = self.say
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

    def render(self, template: str, here: str, **context: Any) -> str:
        text = self.env.get_template(template).render(**self.helpers(here), **context)
        # one blank line between blocks, whatever the template's conditionals left behind
        while "\n\n\n" in text:
            text = text.replace("\n\n\n", "\n\n")
        return text.strip("\n") + "\n"

    # -- the pages

    def pages(self) -> dict[str, Page]:
        """Every page, keyed by path, in path order."""
        found = [page for _unit, make in self.units() for page in [make()] if page is not None]
        return {page.path: page for page in sorted(found, key=lambda p: p.path)}

    def units(self) -> list[tuple[tuple[str, ...], Callable[[], Page | None]]]:
        """Every page as (unit, make): `make()` gives the page, or None when there is none
        (the org chart's page without the chart). The unit names the page before it is made,
        so that `incremental` can make only the pages an edit touches: `("index", name)`,
        `("organization",)`, `("org-chart",)`, `(kind, id)`."""
        units: list[tuple[tuple[str, ...], Callable[[], Page | None]]] = [
            (("index", name), make) for name, make in self.index_units()
        ]
        units.append((("organization",), self._organization_unit))
        units.append((("org-chart",), self._org_chart_unit))
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
            for entity_id in self.playbook.of_kind(kind):
                units.append(((kind, entity_id), functools.partial(self._entity_unit, kind, entity_id, make)))
        return units

    def _organization_unit(self) -> Page | None:
        organization = self.playbook.organization
        return self.organization_page(organization) if organization else None

    def _org_chart_unit(self) -> Page | None:
        organization = self.playbook.organization
        chart = self.figure(diagram_key(organization)) if organization else None
        return self.org_chart_page(organization, chart) if organization and chart else None

    def _entity_unit(self, kind: str, entity_id: str, make: Callable[[Any], Page]) -> Page | None:
        entity = self.playbook.of_kind(kind).get(entity_id)
        return make(entity) if entity is not None else None

    def figure(self, key: str) -> str | None:
        """`key` when that diagram is drawn, so that the page shows it; None otherwise."""
        return key if key in self.drawn else None

    def entity_page(
        self, entity: Entity, template: str, *, diagram: str | None = None, unindexed: tuple[str, ...] = (), **context: Any
    ) -> Page:
        here = page_path(entity)
        key = self.figure(diagram) if diagram else None
        markdown = self.render(template, here, diagram=key, review=self.reviews.get(entity.id), **context)
        backlinks = self.not_shown(self.facts.backlinks.get(entity.id, []), markdown, here)
        if backlinks:
            markdown += "\n" + self.render("referenced-by.md.j2", here, backlinks=backlinks)
        return Page(
            here,
            entity.label,
            markdown,
            source=entity.path,
            diagrams=(key,) if key else (),
            unindexed=(*unindexed, self.labels("referenced_by")),
        )

    def not_shown(self, backlinks: list[Any], markdown: str, here: str) -> list[Any]:
        """The backlinks whose page `markdown` (the page at `here`) does not link to already:
        "Referenced by" lists only what the page does not show."""
        link = self.helpers(here)["link"]
        return [b for b in backlinks if str(link(b.source)) not in markdown]

    def organization_page(self, organization: Organization) -> Page:
        here = page_path(organization)
        facts = self.facts
        hub = self.playbook.departments.get(organization.hub or "")
        key = self.figure(diagram_key(organization))  # on a page of its own: a link here
        overview = self.figure("org-overview")
        markdown = self.render(
            "organization.md.j2",
            here,
            review=self.reviews.get("organization"),
            chart=ORG_CHART_PATH if key else None,
            too_big=len(self.playbook.roles) > ORG_CHART_LIMIT,
            limit=ORG_CHART_LIMIT,
            overview=overview,
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
        shown = (overview,) if overview else ()
        return Page(
            here, organization.label, markdown, source=organization.path, index=True, diagrams=shown,
            unindexed=(self.labels("structure"), self.labels("workload")),  # the departments again, one line each
        )

    def org_chart_page(self, organization: Organization, key: str) -> Page:
        """The full org chart on a page of its own, without sidebars, so it has the width."""
        markdown = self.render("org-chart.md.j2", ORG_CHART_PATH, organization=organization, diagram=key)
        # made from every role, not from one file: no edit button (as the RACI matrix)
        return Page(ORG_CHART_PATH, self.labels("org_chart"), markdown, diagrams=(key,))

    def department_page(self, department: Department) -> Page:
        facts = self.facts
        roles = facts.roles_of(department)
        parties = [department.id, *(r.id for r in roles)]
        return self.entity_page(
            department,
            "department.md.j2",
            diagram=diagram_key(department),
            unindexed=(self.labels("handoffs"), self.labels("roles_title"), self.labels("duties"),
                       self.labels("channels_run"), self.labels("department_chart")),
            department=department,
            parent=self.playbook.departments.get(department.parent or ""),
            lead=self.playbook.roles.get(department.lead or ""),
            children=facts.children.get(department.id, []),
            is_hub=bool(self.playbook.organization and self.playbook.organization.hub == department.id),
            roles=roles,
            duties=facts.duties(parties),
            channels=facts.accounts_of(parties),
            handoffs=_by_workflow(facts.steps_of(parties)),
        )

    def role_page(self, role: Role) -> Page:
        facts = self.facts
        channels = facts.channels_run.get(role.id, [])
        return self.entity_page(
            role,
            "role.md.j2",
            diagram=diagram_key(role),
            # duties, accounts and themes repeat the objectives', channels' and themes' pages
            unindexed=(self.labels("handoffs"), self.labels("duties"), self.labels("channels_run"),
                       self.labels("themes_owned"), self.labels("role_chart")),
            role=role,
            department=self.playbook.departments.get(role.department),
            manager=self.playbook.roles.get(role.reports_to or ""),
            reports=facts.reports.get(role.id, []),
            leads=facts.led_by(role),
            duties=facts.duties_through(role),
            channels=channels,
            themes=facts.themes_owned.get(role.id, []),
            handoffs=_by_workflow(facts.steps_of([role.id, role.department]), own={role.id}),
            kpis=[(kpi, self.playbook.metrics.get(kpi.metric)) for kpi in role.kpis],
        )

    def objective_page(self, objective: Objective) -> Page:
        facts = self.facts
        return self.entity_page(
            objective,
            "objective.md.j2",
            diagram=diagram_key(objective),
            unindexed=(self.labels("themes_title"), self.labels("channels_title"), self.labels("workflows_title"),
                       self.labels("raci_chart")),
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
        themes = self.facts.themes_on.get(channel.id, [])
        return self.entity_page(channel, "channel.md.j2", unindexed=(self.labels("themes_carried"),), channel=channel, themes=themes)

    def metric_page(self, metric: Metric) -> Page:
        return self.entity_page(  # the targets are the KPIs of the roles' and objectives' pages again
            metric, "metric.md.j2", unindexed=(self.labels("targets"),), metric=metric, users=self.facts.kpi_users(metric),
        )

    def workflow_page(self, workflow: Workflow) -> Page:
        steps = list(enumerate(workflow.steps, start=1))
        runs = [(stage, [steps[n - 1] for n in numbers]) for stage, numbers in workflow.stage_runs()]
        return self.entity_page(
            workflow, "workflow.md.j2", diagram=diagram_key(workflow), unindexed=(self.labels("workflow_chart"),),
            workflow=workflow, steps=steps, runs=runs,
        )

    def index_pages(self) -> list[Page]:
        return [make() for _name, make in self.index_units()]

    def index_units(self) -> list[tuple[str, Callable[[], Page]]]:
        """The index pages as (name, make): each context value is a function, called only
        when the page is made, so that making one index page reads only what it shows."""
        playbook, facts = self.playbook, self.facts
        units: list[tuple[str, Callable[[], Page]]] = []

        def add(
            name: str, title_key: str, *, diagram: str | None = None, unindexed: tuple[str, ...] = (),
            **context: Callable[[], Any],
        ) -> None:
            def make() -> Page:
                here = f"{name}/index.md"
                values = {field: value() for field, value in context.items()}
                key = self.figure(diagram) if diagram else None
                markdown = self.render(f"{name}.md.j2", here, diagram=key, **values)
                return Page(
                    here, self.labels(title_key), markdown, index=True, diagrams=(key,) if key else (),
                    unindexed=(self.labels(title_key), *unindexed),
                )

            units.append((name, make))

        def objectives() -> list[Objective]:
            return by_title(playbook.objectives.values())

        def grouped() -> bool:
            return len(playbook.roles) > ROLES_INDEX_LIMIT

        add(
            "playbook",
            "playbook_title",
            sections=lambda: [(kind, len(playbook.of_kind(kind))) for kind in ("objective", "theme", "channel", "metric", "workflow")],
            objectives=objectives,
        )
        add("departments", "departments_title", departments=lambda: by_title(playbook.departments.values()))
        add(
            "roles",
            "roles_title",
            # one or the other: the grouped index must not read what the flat one shows
            roles=lambda: [] if grouped() else by_title(playbook.roles.values()),
            groups=lambda: self.roles_by_department() if grouped() else None,
        )
        add("objectives", "objectives_title", objectives=objectives)
        add("themes", "themes_title", themes=lambda: by_title(playbook.themes.values()))
        add("channels", "channels_title", channels=lambda: by_title(playbook.channels.values()))
        add(
            "metrics",
            "metrics_title",
            layers=lambda: [
                (layer, by_title(m for m in playbook.metrics.values() if m.layer == layer))
                for layer in ("media", "conversation", "network")
            ],
        )
        add("workflows", "workflows_title", workflows=lambda: by_title(playbook.workflows.values()))
        add(
            "raci",
            "raci_title",
            unindexed=(self.labels("departments_title"), self.labels("roles_title")),
            objectives=objectives,
            departments=lambda: facts.raci_parties("department"),
            roles=lambda: facts.raci_parties("role"),
            letters=lambda: _letters(objectives()),
            named=lambda: _named(objectives(), playbook),
            matrix_limit=lambda: RACI_MATRIX_COLUMNS,
        )
        add(
            "coordination",
            "coordination_title",
            diagram="coordination",
            unindexed=(self.labels("handoffs_between"), self.labels("coordination_matrix"), self.labels("shared_objectives")),
            hub=lambda: playbook.departments.get(playbook.organization.hub or "") if playbook.organization else None,
            handovers=lambda: facts.department_handoffs(),
            objectives=lambda: [(o, facts.departments_in(o)) for o in objectives()],
            matrix=lambda: _matrix(playbook, facts),
        )
        return units

    def roles_by_department(self) -> list[tuple[Department, list[Role]]]:
        """The roles index above `ROLES_INDEX_LIMIT`: every department in the departments
        index's order (by title) with its roles, lead first (as its own page lists them). It
        reads which roles each department has and, through their links, their titles: never a
        summary, so that a summary edit does not make the page again. (A role whose
        department does not exist fails validation, so every role is in one group.)"""
        facts = self.facts
        return [(department, facts.roles_of(department)) for department in by_title(self.playbook.departments.values())]

    def home(self, here: str) -> str:
        """The first-day block for the hand-written page `here` (see `HOME_MARKER`): every role by
        department for "find your role", and the questions new hires ask, each with a link to
        the one place that answers it. Links are relative to `here`; the role list is HTML
        (`<details>` per department), with links to the `.md` files for the writer to resolve."""
        playbook, facts = self.playbook, self.facts
        groups = [(d, facts.roles_of(d)) for _depth, d in facts.tree()]
        groups = [(d, roles) for d, roles in groups if roles]
        homeless = by_title(r for r in playbook.roles.values() if r.department not in playbook.departments)
        purposes: dict[str, list[Channel]] = {}
        for channel in by_title(playbook.channels.values()):
            purposes.setdefault(channel.purpose, []).append(channel)
        organization = playbook.organization
        return self.render(
            "home.md.j2",
            here,
            groups=groups,
            homeless=homeless,
            open=len(playbook.roles) <= HOME_OPEN_ROLES,
            purpose=bool(organization and organization.charter and organization.charter.purpose),
            purposes=sorted(purposes.items()),
            workflows=by_title(playbook.workflows.values()),
            has_kpis=any(r.kpis for r in playbook.roles.values()),
            has_onboarding=any(r.onboarding for r in playbook.roles.values()),
        )


def slug(heading: str) -> str:
    """The anchor Python-Markdown's `toc` extension gives a heading (its default slugify), so
    that a link can point at a section of a generated page."""
    return slugify(heading, "-")


def home_section(
    playbook: Playbook, labels: Labels, here: str = "index.md", *, facts: Facts | None = None, cache: Cache | None = None
) -> str:
    """The Markdown that replaces `HOME_MARKER` on the hand-written page `here`."""
    return Renderer(playbook, labels, facts=facts, cache=cache).home(here)


def home_unindexed(labels: Labels) -> tuple[str, ...]:
    """The headings of the first-day block that search leaves out, as `Page.unindexed` says it
    for a generated page: "find your role" repeats every role's title, and a search for a title
    should lead to the role's own page. The plugin and `playbook export` both read this."""
    return (labels("home_find_role"),)


def _matrix(playbook: Playbook, facts: Facts) -> list[tuple[Department, list[tuple[int | None, int]]]]:
    """The coordination map's department x department table: per row, the department and per
    column what the two share (None on the diagonal) with its shade from 0 (nothing) to 4."""
    boxes, cells = coordination_matrix(playbook, facts)
    heaviest = max(cells.values(), default=1)
    rows = []
    for a in boxes:
        row: list[tuple[int | None, int]] = []
        for b in boxes:
            value = None if a.id == b.id else cells.get((a.id, b.id), 0)
            row.append((value, 0 if not value else max(1, min(4, -(-4 * value // heaviest)))))
        rows.append((a, row))
    return rows


def _by_workflow(
    steps: list[StepRef], own: Collection[str] | None = None
) -> list[tuple[Workflow, list[StepRef], list[StepRef]]]:
    """Steps (in `Facts.steps_of` order) grouped by workflow: [(workflow, steps by or to a party
    in `own`, the other steps)]; without `own`, every step is the group's own."""
    groups: dict[str, tuple[Workflow, list[StepRef], list[StepRef]]] = {}
    for ref in steps:
        _workflow, mine, others = groups.setdefault(ref.workflow.id, (ref.workflow, [], []))
        is_own = own is None or ref.step.by in own or (ref.step.to or "") in own
        (mine if is_own else others).append(ref)
    return list(groups.values())


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


def render_pages(
    playbook: Playbook,
    labels: Labels,
    *,
    diagrams: Collection[str] = (),
    facts: Facts | None = None,
    cache: Cache | None = None,
    reviews: Mapping[str, Review] | None = None,
) -> dict[str, Page]:
    """Every page of a playbook that passed validation, keyed by path.

    `diagrams` are the keys of the diagrams that will be drawn: `org-chart`, `org-overview`, `coordination`,
    `department/<id>`, `role/<id>`, `objective/<id>`, `workflow/<id>`. A page whose diagram
    is among them gets a heading and the diagram's placeholder (`diagram_slot`), and names
    the key in `Page.diagrams`; the writer replaces the placeholder with its figure.
    `facts` lets a caller share one `Facts` with the diagrams; `cache` keeps the Jinja
    environment between builds; `reviews` (`review.reviews`) puts each page's review date,
    owner and "may be out of date" note on it.
    """
    return Renderer(playbook, labels, diagrams, facts, cache, reviews).pages()



PROBLEMS_PATH = "playbook-problems.md"
"""The preview's page of YAML problems, while `serve` shows a playbook that has errors."""


def problems_page(problems: Iterable[Problem], labels: Labels) -> str:
    """The Markdown of the page `serve` shows in place of every generated page while the
    YAML has errors: what is wrong, where, and that the page reloads when it is fixed."""
    found = list(problems)
    lines = [f"# {md_text(labels('problems_title', count=len(found)))}", "", md_text(labels("problems_intro")), ""]
    for problem in found:
        where = f"{problem.location.path}:{problem.location.line}:{problem.location.column}"
        lines.append(f"- **{md_text(where)}**: {md_text(problem.message)} ({md_text(problem.rule)})")
    return "\n".join(lines) + "\n"
