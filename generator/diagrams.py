"""Playbook -> DOT text for every diagram of the site. Pure: no files, no processes.

Each diagram is built from sorted input, so the same YAML always gives the same DOT
text (the order of declarations changes Graphviz's layout). Data never becomes DOT
syntax: node names are `n0`, `n1`, …; every string from YAML goes through `_html()`
inside HTML-like labels or `graphviz.escape()` in plain attributes; the only URLs are
our own page paths, relative to the site root (`roles/x/`). `render.py` makes those
relative to the page and swaps the placeholder colours below for the site's palette.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections import defaultdict
from dataclasses import dataclass, field

import graphviz

from .facts import Facts, by_title
from .labels import Labels
from .load import Playbook
from .model import PLURALS, Department, Entity, Objective, Role, Workflow

# Placeholder colours. Graphviz rejects `currentColor` and CSS variables, so diagrams are
# drawn with these and render.py replaces them in the SVG (see render.PALETTES).
INK = "#010203"
"""Text and outlines: the page's text colour."""
PAPER = "#fefdfc"
"""Box fills: the page's background, so boxes hide lines and are clickable all over."""
ACCENT = "#010204"
"""The diagram's subject: the page's link colour."""
MUTED = "#010205"
"""Connectors and secondary text."""
TINT = "#010206"
"""Department frames: a faint wash that darkens as departments nest."""

FONT = "Helvetica"
"""Graphviz measures text in this font (Liberation Sans on Linux, hard-coded metrics in
graphviz-pure); the browser draws it with Helvetica, Arial or their look-alikes."""

GRID_FROM = 7
"""A manager's team of this many roles with no reports of their own becomes one grid of
boxes instead of a row: 40 reports in a row are 4,600 pt wide, in a grid about 600."""
GRID_COLUMNS = 4
"""At most this many boxes side by side in a grid."""
COORDINATION_LIMIT = 24
"""The coordination map draws at most this many departments; in a bigger organization
sub-departments count for their parents."""
TITLE_WIDTH = 22
"""Characters per line of a box title; longer titles wrap."""

DIRECTORY_OF_KIND = PLURALS

_LETTER = {"accountable": "A", "responsible": "R", "consulted": "C", "informed": "I"}

_SAFE_PATH = re.compile(r"^[a-z0-9-]+(/[a-z0-9-]+)*/$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry (and C1 controls): YAML's escapes can produce them."""
_MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images keep their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
]


@dataclass(frozen=True)
class Diagram:
    """One diagram: where it is shown, what it says in words, and its DOT text."""

    key: str
    """`org-chart`, `coordination` or `<kind>/<id>`; the standalone file is `diagrams/<key>.svg`."""
    page: str
    """URL of the page that shows it, relative to the site root: `roles/x/`."""
    title: str
    """Text alternative: what the diagram shows, in one sentence."""
    caption: str
    """Caption under the diagram."""
    dot: str
    """The DOT text to render."""


def page_url(entity: Entity) -> str:
    """Our own page of an entity, relative to the site root (`roles/x/`)."""
    if entity.KIND == "organization":
        return "organization/"
    url = f"{DIRECTORY_OF_KIND[entity.KIND]}/{entity.id}/"
    if not _SAFE_PATH.match(url):  # pragma: no cover - ids are checked by the model
        raise ValueError(f"not a page path: {url!r}")
    return url


# -- text ------------------------------------------------------------------------------


def plain(text: object) -> str:
    """Text from YAML as one would say it: Markdown marks and control characters dropped."""
    value = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    for pattern, repl in _MARKDOWN:
        value = pattern.sub(repl, value)
    return value.strip()


def _lines(text: object, width: int, max_lines: int | None = None) -> list[str]:
    """Wrap text to lines of about `width` characters. As in Markdown, a blank line
    separates paragraphs and a single line break is a space."""
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", plain(text)):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            lines.extend(textwrap.wrap(paragraph, width, break_long_words=True, break_on_hyphens=False))
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" .,;:") + "…"
    return lines or [""]


def _html(text: object, width: int = TITLE_WIDTH, max_lines: int | None = 4) -> str:
    """Text for an HTML-like label: wrapped, every line escaped, lines joined by <BR/>."""
    return "<BR/>".join(html.escape(line, quote=True) for line in _lines(text, width, max_lines))


def one_line(text: object) -> str:
    """Text for a sentence: plain, its whitespace and line breaks collapsed to single spaces
    (a blank line would end the HTML block that carries the figure in Markdown)."""
    return " ".join(plain(text).split())


def _attr(text: object) -> str:
    """Text for an attribute of an HTML-like label (TITLE): one escaped line."""
    return html.escape(one_line(text), quote=True)


def _tooltip(text: object) -> str:
    """Text for a plain DOT attribute (tooltip): one line, backslashes and <…> literal."""
    return graphviz.escape(one_line(text))


def _small(text_html: str, colour: str = MUTED) -> str:
    return f'<FONT POINT-SIZE="9" COLOR="{colour}">{text_html}</FONT>'


def _count(labels: Labels, key: str, n: int) -> str:
    return labels(f"{key}_one" if n == 1 else f"{key}_other", n=n)


def _headcount(labels: Labels, role: Role) -> str:
    if role.headcount == 0:
        return labels("diagram_open_position")
    return _count(labels, "diagram_people", role.headcount)


_UNITS = {"m": "diagram_minutes", "h": "diagram_hours", "d": "diagram_days"}


def _duration(labels: Labels, value: str) -> str:
    """`15m` -> `15 minutes`, in the page's language."""
    return _count(labels, _UNITS[value[-1]], int(value[:-1]))


# -- DOT scaffolding ----------------------------------------------------------------------


class _Names:
    """Node names n0, n1, … handed out in first-use order; data never names a node."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key not in self._names:
            self._names[key] = f"n{len(self._names)}"
        return self._names[key]


GRAPH_DEFAULTS = {
    "layout": "dot",
    "bgcolor": "transparent",
    "fontname": FONT,
    "fontsize": "10",
    "fontcolor": INK,
    "pad": "0.1",
    "newrank": "false",
    "rankdir": "TB",
    "splines": "spline",
    "nodesep": "0.25",
    "ranksep": "0.5",
    # boxes above lines; and in one Graphviz process `edgesfirst` cannot be undone by a
    # later graph, so every graph uses it
    "outputorder": "edgesfirst",
    "overlap": "true",
    "sep": "+4",
    "esep": "+3",
    "mode": "major",
    "start": "1",
}
NODE_DEFAULTS = {
    "shape": "box",
    "style": "rounded,filled",
    "fillcolor": PAPER,
    "color": INK,
    "fontcolor": INK,
    "fontname": FONT,
    "fontsize": "11",
    "margin": "0.14,0.08",
    "penwidth": "1",
}
EDGE_DEFAULTS = {
    "color": MUTED,
    "fontcolor": MUTED,
    "fontname": FONT,
    "fontsize": "9",
    "penwidth": "1.2",
    "arrowsize": "0.7",
    "arrowhead": "normal",
    "len": "1",
}


def _graph(graph: dict[str, str] | None = None, edge: dict[str, str] | None = None) -> graphviz.Digraph:
    """A graph with our fonts and placeholder colours.

    Every graph states every default any of our graphs changes: when several graphs are
    drawn in one Graphviz process, a graph attribute such as `layout=neato` or
    `outputorder` set in one graph stays in force for the graphs after it (measured on
    2.43 and graphviz-pure), and an SVG must not depend on its neighbours in a batch."""
    unknown = set(graph or {}) - set(GRAPH_DEFAULTS) | set(edge or {}) - set(EDGE_DEFAULTS)
    assert not unknown, f"add {unknown} to the defaults first"
    g = graphviz.Digraph(name="diagram")
    g.attr("graph", **{**GRAPH_DEFAULTS, **(graph or {})})
    g.attr("node", **NODE_DEFAULTS)
    g.attr("edge", **{**EDGE_DEFAULTS, **(edge or {})})
    return g


def _table(rows: list[str], *, border: str = INK, header: str | None = None, cellspacing: int = 0) -> str:
    """An HTML-like table label: a header row and one row per item (already HTML)."""
    head = f'<TR><TD ALIGN="LEFT" CELLPADDING="5" BORDER="0">{header}</TD></TR>' if header else ""
    return (
        f'<<TABLE BORDER="1" COLOR="{border}" STYLE="ROUNDED" CELLBORDER="0" CELLSPACING="{cellspacing}" '
        f'CELLPADDING="5" BGCOLOR="{PAPER}">{head}{"".join(rows)}</TABLE>>'
    )


def _link_cell(entity: Entity, content: str, *, align: str = "LEFT", extra: str = "") -> str:
    return (
        f'<TD HREF="{page_url(entity)}" TITLE="{_attr(entity.label)}" BGCOLOR="{PAPER}" '
        f'ALIGN="{align}" BALIGN="{align}"{extra}>{content}</TD>'
    )


# -- org charts ------------------------------------------------------------------------------


@dataclass
class _Item:
    """One box of a chart: a role, a collapsed department or a manager from outside."""

    key: str
    entity: Entity
    label: str
    """HTML-like label content (without the outer <>)."""
    cluster: str | None
    """Department id whose frame holds the box, None for outside every frame."""
    parent: str | None = None
    """Key of the item it reports to."""
    attrs: dict[str, str] = field(default_factory=dict)
    groupable: bool = True
    """May join a grid of the manager's team."""
    link: bool = True
    """Links to the entity's page (not on that page's own diagram)."""


def _role_item(labels: Labels, role: Role, cluster: str | None, *, lead: bool = False,
               department: Department | None = None, outside: bool = False) -> _Item:
    lines = [f"<B>{_html(role.title)}</B>"]
    if department is not None:
        lines.append(_small(_html(department.title, 30, 2)))
    lines.append(_small(html.escape(_headcount(labels, role)), ACCENT if role.headcount == 0 else MUTED))
    attrs = {"tooltip": _tooltip(role.title)}
    styles = ["rounded", "filled"]
    if role.headcount == 0:
        styles.append("dashed")
    if outside:
        styles.append("dashed")
        attrs["color"] = MUTED
    if lead:
        attrs["penwidth"] = "2"
    attrs["style"] = ",".join(dict.fromkeys(styles))
    return _Item(role.id, role, "<BR/>".join(lines), cluster, attrs=attrs)


def _grid_cell(item: _Item) -> str:
    """A box of a grid: the item's label in a cell that links to its page."""
    dashed = isinstance(item.entity, Role) and item.entity.headcount == 0
    return _link_cell(
        item.entity,
        item.label,
        align="CENTER",
        extra=f' BORDER="1" COLOR="{INK}" CELLPADDING="5" STYLE="{"ROUNDED,DASHED" if dashed else "ROUNDED"}"',
    )


def _chart(g: graphviz.Digraph, names: _Names, items: list[_Item], clusters: dict[str, Department],
           cluster_parent: dict[str, str | None], *, across: bool = False,
           grid_from: int = GRID_FROM, grid_columns: int = GRID_COLUMNS) -> None:
    """Draw items as an org chart: frames nest like departments, each manager's reports
    hang from a rail (an elbow connector), and big teams of leaf roles become grids.
    `across` is for graphs drawn left to right (rankdir=LR)."""
    by_key = {item.key: item for item in items}
    children: dict[str, list[_Item]] = defaultdict(list)
    for item in items:
        if item.parent in by_key and item.parent != item.key:
            children[item.parent].append(item)
    parent_of: dict[str, str | None] = dict(cluster_parent)
    frame = {item.key: item.cluster for item in items}

    def frames_above(cluster: str | None) -> tuple[str, ...]:
        """The frame and those around it, outermost first."""
        path: list[str] = []
        while cluster is not None and cluster not in path:
            path.append(cluster)
            cluster = parent_of.get(cluster)
        return tuple(reversed(path))

    # Dot keeps each frame in one piece, so a box that sits loose beside frames drifts away
    # from its rail. When a manager's reports are partly in its own frame and partly in
    # others, its own-frame reports (and their own-frame teams) get a borderless frame.
    for item in _top_down(items, by_key):
        team = children.get(item.key, [])
        own = [c for c in team if frame[c.key] == frame[item.key]]
        if not own or len(own) == len(team):
            continue
        wrapper = f"group:{item.key}"
        parent_of[wrapper] = frame[item.key]
        stack, seen = list(own), set()
        while stack:
            member = stack.pop()
            if member.key in seen:
                continue
            seen.add(member.key)
            before, frame[member.key] = frame[member.key], wrapper
            stack.extend(c for c in children.get(member.key, []) if frame[c.key] == before)

    members: dict[str | None, list[tuple[str, dict[str, str]]]] = defaultdict(list)
    """What each frame holds, in declaration order: node name and attributes."""
    rails: list[list[str]] = []
    edges: list[tuple[str, str, dict[str, str]]] = []
    gridded: set[str] = set()

    def order(item: _Item) -> tuple:
        titles = [clusters[c].title if c in clusters else "" for c in frames_above(frame[item.key])]
        return (titles, 1 if children.get(item.key) else 0, item.entity.label, item.key)

    for parent in items:
        team = sorted(children.get(parent.key, []), key=order)
        if not team:
            continue
        # a frame's leaves beyond grid_from become one grid node, a box per cell
        leaves: dict[str | None, list[_Item]] = defaultdict(list)
        for item in team:
            if item.groupable and not children.get(item.key):
                leaves[frame[item.key]].append(item)
        heads: list[tuple[str, str | None]] = []  # (node name, frame) of each report on the rail
        for item in team:
            where = frame[item.key]
            group = leaves.get(where, [])
            if len(group) < grid_from or item not in group:
                heads.append((names(item.key), where))
            elif item is group[0]:
                grid = names(f"grid:{parent.key}:{where}")
                columns = min(grid_columns, math.ceil(math.sqrt(len(group))))
                rows = "".join(
                    "<TR>" + "".join(_grid_cell(m) for m in group[i:i + columns]) + "</TR>"
                    for i in range(0, len(group), columns)
                )
                label = f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="6" CELLPADDING="0">{rows}</TABLE>>'
                members[where].append((grid, {"shape": "plain", "style": "solid", "label": label}))
                gridded.update(m.key for m in group)
                heads.append((grid, where))
        top = names(parent.key)
        if len(heads) == 1:
            edges.append((top, heads[0][0], {"weight": "4"}))
            continue
        # a rail: a point beside each report on one rank, joined in a line, the manager
        # meeting it in the middle; with straight lines this makes clean elbows
        paths = [frames_above(frame[parent.key])] + [frames_above(where) for _, where in heads]
        common = paths[0]
        for path in paths[1:]:
            n = 0
            while n < min(len(common), len(path)) and common[n] == path[n]:
                n += 1
            common = common[:n]
        home = common[-1] if common else None
        points = [names(f"rail:{parent.key}:{i}") for i in range(len(heads))]
        drops = list(points)
        junction = names(f"rail:{parent.key}:mid")
        points.insert(len(points) // 2, junction)
        members[home].extend((point, {"shape": "point"}) for point in points)
        rails.append(points)
        edges.append((top, junction, {"weight": "2"}))
        # dot puts the tail of a flat edge first: left to right, but bottom to top in LR
        chain = points[::-1] if across else points
        edges.extend((a, b, {}) for a, b in zip(chain, chain[1:], strict=False))
        edges.extend((point, head, {"weight": "8"}) for point, (head, _) in zip(drops, heads, strict=True))

    boxes: dict[str | None, list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for item in items:
        if item.key not in gridded:
            attrs = {"label": f"<{item.label}>", **item.attrs}
            if item.link:
                attrs["URL"] = page_url(item.entity)
            boxes[frame[item.key]].append((names(item.key), attrs))
    for where, grids_and_points in list(members.items()):
        boxes[where].extend(grids_and_points)
    members = boxes

    inner: dict[str | None, list[str]] = defaultdict(list)
    used = {f for c in members if c is not None for f in frames_above(c)}
    for f in sorted(used, key=lambda f: (clusters[f].title if f in clusters else "", f)):
        inner[parent_of.get(f) if parent_of.get(f) in used else None].append(f)

    def emit(target: graphviz.Digraph, where: str | None) -> None:
        for name, attrs in members.get(where, []):
            if attrs.get("shape") == "point":
                target.node(name, shape="point", width="0.01", height="0.01", style="invis", label="")
            else:
                target.node(name, **attrs)
        for f in inner.get(where, []):
            with target.subgraph(name=f"cluster_{names('frame:' + f)}") as sub:
                department = clusters.get(f)
                if department is None:  # a borderless group inside a frame
                    sub.attr(label="", URL="", tooltip="", style="invis", margin="0")
                else:
                    sub.attr(
                        label=f"<<B>{_html(department.title, 40, 2)}</B>>",
                        URL=page_url(department),
                        tooltip=_tooltip(department.title),
                        style="rounded,filled",
                        fillcolor=TINT,
                        color=MUTED,
                        penwidth="1",
                        labeljust="l",
                        fontsize="11",
                        margin="10",
                    )
                emit(sub, f)

    emit(g, None)
    for points in rails:
        with g.subgraph() as rank:
            rank.attr(rank="same")
            for point in points:
                rank.node(point)
    for a, b, attrs in edges:
        g.edge(a, b, arrowhead="none", **attrs)


def _top_down(items: list[_Item], by_key: dict[str, _Item]) -> list[_Item]:
    """Items ordered by how many managers are above them, keeping their order otherwise."""

    def depth(item: _Item) -> int:
        n, seen, current = 0, {item.key}, item.parent
        while current in by_key and current not in seen:
            seen.add(current)
            n, current = n + 1, by_key[current].parent
        return n

    return sorted(items, key=depth)


def org_chart(playbook: Playbook, labels: Labels, facts: Facts | None = None) -> Diagram:
    """Every role in its department's frame, frames nested like departments, reporting lines."""
    facts = facts or Facts(playbook)
    g = _graph({"newrank": "true", "rankdir": "LR", "splines": "line", "nodesep": "0.18", "ranksep": "0.3"})
    names = _Names()
    items: list[_Item] = []
    for role in by_title(playbook.roles.values()):
        cluster = role.department if role.department in playbook.departments else None
        item = _role_item(labels, role, cluster, lead=role.id in facts.leads)
        item.parent = role.reports_to if role.reports_to in playbook.roles else None
        items.append(item)
    _chart(g, names, items, playbook.departments, facts.parent, across=True)
    name = playbook.organization.name if playbook.organization else ""
    title = labels("diagram_org_chart_title", name=one_line(name),
                   roles=_count(labels, "diagram_roles", len(playbook.roles)),
                   departments=_count(labels, "diagram_departments", len(playbook.departments)))
    return Diagram("org-chart", "organization/", title, labels("diagram_org_chart_caption"), g.source)


def department_chart(playbook: Playbook, labels: Labels, department: Department,
                     facts: Facts | None = None) -> Diagram:
    """The department's roles, its sub-departments as single boxes, and managers from outside."""
    facts = facts or Facts(playbook)
    g = _graph({"newrank": "true", "rankdir": "LR", "splines": "line", "nodesep": "0.18", "ranksep": "0.3"})
    names = _Names()
    own = facts.members.get(department.id, [])
    own_ids = {r.id for r in own}
    items: list[_Item] = []
    outside: dict[str, _Item] = {}
    for role in own:
        item = _role_item(labels, role, department.id, lead=role.id == department.lead)
        boss = playbook.roles.get(role.reports_to or "")
        if boss is not None and boss.id not in own_ids:
            outside.setdefault(boss.id, _role_item(
                labels, boss, None, department=playbook.departments.get(boss.department), outside=True))
        item.parent = boss.id if boss is not None else None
        items.append(item)
    subs = facts.children.get(department.id, [])
    for sub in subs:
        size = len(facts.members.get(sub.id, []))
        label = (f"<B>{_html(sub.title)}</B><BR/>"
                 + _small(html.escape(labels("diagram_subdepartment") + " · " + _count(labels, "diagram_roles", size))))
        lead = playbook.roles.get(sub.lead or "")
        parent = lead.reports_to if lead is not None and lead.reports_to in own_ids else None
        items.append(_Item(f"dept:{sub.id}", sub, label, department.id, parent,
                           {"shape": "folder", "style": "filled", "tooltip": _tooltip(sub.title)}))
    items = list(outside.values()) + items if outside else items
    if not items:  # an empty department still shows its frame
        items.append(_Item(f"dept:{department.id}", department, f"<B>{_html(department.title)}</B>", None, None,
                           {"shape": "folder", "style": "filled", "tooltip": _tooltip(department.title)}))
    _chart(g, names, items, {department.id: department}, {department.id: None}, across=True)
    title = labels("diagram_department_title", department=one_line(department.title),
                   roles=_count(labels, "diagram_roles", len(own)),
                   subdepartments=_count(labels, "diagram_subdepartments", len(subs)))
    return Diagram(f"department/{department.id}", page_url(department), title,
                   labels("diagram_department_caption"), g.source)


# -- role neighbourhood -------------------------------------------------------------------------


def role_diagram(playbook: Playbook, labels: Labels, role: Role, facts: Facts | None = None) -> Diagram:
    """The role with its manager above, its reports below, its RACI duties to the left
    and the accounts it owns or operates to the right."""
    facts = facts or Facts(playbook)
    g = _graph({"newrank": "true", "splines": "line", "nodesep": "0.3", "ranksep": "0.35"})
    names = _Names()
    department = playbook.departments.get(role.department)
    centre = _role_item(labels, role, None, department=department)
    centre.attrs.update(color=ACCENT, penwidth="2.5")
    centre.link = centre.groupable = False
    items = [centre]
    boss = playbook.roles.get(role.reports_to or "")
    if boss is not None and boss.id != role.id:
        items.insert(0, _role_item(labels, boss, None, department=playbook.departments.get(boss.department),
                                   outside=True))
        centre.parent = boss.id
    reports = facts.reports.get(role.id, [])
    for report in reports:
        item = _role_item(labels, report, None)
        item.parent = role.id
        items.append(item)
    # the page column is narrow: more than four reports go in a grid of three columns
    _chart(g, names, items, {}, {}, grid_from=5, grid_columns=3)
    me = names(role.id)

    side: list[str] = [me]
    # A first, then R, C and I; by objective title within a letter
    duties = sorted(((_LETTER[d.letter], d.objective) for d in facts.duties_of(role.id)),
                    key=lambda d: "ARCI".index(d[0]))
    if duties:
        rows = [
            "<TR>" + _link_cell(objective, f"<B>{letter}</B>  {_html(objective.title, 30, 2)}") + "</TR>"
            for letter, objective in duties
        ]
        node = names("duties")
        g.node(node, shape="plain", label=_table(rows, header=f"<B>{html.escape(labels('diagram_raci_duties'))}</B>"))
        g.edge(node, me, style="dashed", minlen="2", arrowhead="none")
        side.insert(0, node)
    # the accounts it owns first, then those it operates; by title within each
    channels = [c for c, _how in sorted(facts.channels_run.get(role.id, []), key=lambda row: row[1] != "owner")]
    if channels:
        rows = []
        for channel in channels:
            how = labels("diagram_owner") if channel.owner == role.id else labels("diagram_operator")
            text = f"{_html(channel.title, 30, 2)}<BR/>" + _small(html.escape(
                f"{labels('diagram_platform_' + channel.platform)} · {how}"))
            rows.append("<TR>" + _link_cell(channel, text) + "</TR>")
        node = names("channels")
        g.node(node, shape="plain", label=_table(rows, header=f"<B>{html.escape(labels('diagram_accounts'))}</B>"))
        g.edge(me, node, style="dashed", minlen="2", arrowhead="none")
        side.append(node)
    if len(side) > 1:
        with g.subgraph() as rank:
            rank.attr(rank="same")
            for node in side:
                rank.node(node)
    title = labels("diagram_role_title", role=one_line(role.title),
                   reports=_count(labels, "diagram_reports", len(reports)),
                   duties=_count(labels, "diagram_duties", len(duties)),
                   accounts=_count(labels, "diagram_accounts_count", len(channels)))
    return Diagram(f"role/{role.id}", page_url(role), title, labels("diagram_role_caption"), g.source)


# -- objective RACI ---------------------------------------------------------------------------


def _party_cell(playbook: Playbook, labels: Labels, party_id: str) -> str | None:
    party = playbook.roles.get(party_id) or playbook.departments.get(party_id)
    if party is None:
        return None
    kind = labels("diagram_kind_" + party.KIND)
    return _link_cell(party, f"{_html(party.label, 30, 2)}<BR/>{_small(html.escape(kind))}")


def objective_diagram(playbook: Playbook, labels: Labels, objective: Objective) -> Diagram:
    """The objective in the middle, the accountable role above, R, C and I below."""
    g = _graph({"nodesep": "0.3", "ranksep": "0.45"})
    names = _Names()
    centre = names("objective")
    facts = labels("diagram_goal_" + objective.goal)
    if objective.focus:
        facts += " · " + labels("diagram_focus_" + objective.focus)
    g.node(centre, label=f"<<B>{_html(objective.title, 28)}</B><BR/>{_small(html.escape(facts))}>",
           color=ACCENT, penwidth="2.5", tooltip=_tooltip(objective.title))
    accountable = playbook.roles.get(objective.raci.accountable)
    counts = {}
    if accountable is not None:
        node = names("A")
        row = "<TR>" + _link_cell(accountable, f"<B>{_html(accountable.title)}</B>", align="CENTER") + "</TR>"
        g.node(node, shape="plain",
               label=_table([row], header=f"<B>A</B> · {html.escape(labels('diagram_raci_accountable'))}"))
        g.edge(node, centre, arrowhead="normal")
    for letter, key in (("R", "responsible"), ("C", "consulted"), ("I", "informed")):
        parties = getattr(objective.raci, key)
        cells = [c for c in (_party_cell(playbook, labels, p) for p in dict.fromkeys(parties)) if c]
        counts[key] = len(cells)
        if not cells:
            continue
        node = names(letter)
        header = f"<B>{letter}</B> · {html.escape(labels('diagram_raci_' + key))}"
        g.node(node, shape="plain", label=_table([f"<TR>{c}</TR>" for c in cells], header=header))
        # consulting goes both ways; work goes out to the responsible, news to the informed
        g.edge(centre, node, dir="both" if key == "consulted" else "forward")
    title = labels("diagram_objective_title", objective=one_line(objective.title),
                   accountable=one_line(accountable.title) if accountable else "?",
                   responsible=counts.get("responsible", 0), consulted=counts.get("consulted", 0),
                   informed=counts.get("informed", 0))
    return Diagram(f"objective/{objective.id}", page_url(objective), title,
                   labels("diagram_objective_caption"), g.source)


# -- workflow hand-offs -----------------------------------------------------------------------


def workflow_diagram(playbook: Playbook, labels: Labels, workflow: Workflow) -> Diagram:
    """The trigger, then every step in order: who acts, within how long, and to whom it goes."""
    g = _graph({"nodesep": "0.3", "ranksep": "0.3"})
    names = _Names()
    trigger = names("trigger")
    rows = [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><B>{html.escape(labels("diagram_trigger"))}</B><BR/>'
            f'{_html(workflow.trigger, 44, 5)}</TD></TR>']
    objective = playbook.objectives.get(workflow.objective or "")
    if objective is not None:
        rows.append("<TR>" + _link_cell(objective, _small(html.escape(labels("diagram_serves")), INK) + " "
                                        + f"<B>{_html(objective.title, 40, 2)}</B>") + "</TR>")
    g.node(trigger, shape="plain", label=_table(rows, border=ACCENT))
    previous = trigger
    for number, step in enumerate(workflow.steps, start=1):
        node = names(f"step:{number}")
        by = playbook.roles.get(step.by) or playbook.departments.get(step.by)
        to = playbook.roles.get(step.to or "") or playbook.departments.get(step.to or "")
        by_cell = (_link_cell(by, f"<B>{number}. {_html(by.label, 26, 2)}</B>") if by is not None
                   else f"<TD ALIGN=\"LEFT\"><B>{number}.</B></TD>")
        head = [by_cell]
        if step.within:
            head.append(f'<TD ALIGN="RIGHT">{_small(html.escape(labels("diagram_within", time=_duration(labels, step.within))), INK)}</TD>')
        else:
            head.append("<TD></TD>")
        body = [f'<TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT">{_html(step.action, 48, 6)}</TD></TR>']
        if to is not None:
            body.append("<TR>" + _link_cell(to, _small("→ " + html.escape(labels("diagram_hands_to")), INK)
                                            + f" <B>{_html(to.label, 30, 2)}</B>", extra=' COLSPAN="2"') + "</TR>")
        label = (f'<<TABLE BORDER="1" COLOR="{INK}" STYLE="ROUNDED" CELLBORDER="0" CELLSPACING="0" '
                 f'CELLPADDING="4" BGCOLOR="{PAPER}"><TR>{"".join(head)}</TR>{"".join(body)}</TABLE>>')
        g.node(node, shape="plain", label=label)
        g.edge(previous, node, arrowhead="normal")
        previous = node
    title = labels("diagram_workflow_title", workflow=one_line(workflow.title),
                   steps=_count(labels, "diagram_steps", len(workflow.steps)))
    return Diagram(f"workflow/{workflow.id}", page_url(workflow), title,
                   labels("diagram_workflow_caption"), g.source)


# -- coordination map -------------------------------------------------------------------------


def coordination_groups(facts: Facts, limit: int = COORDINATION_LIMIT) -> dict[str, str]:
    """The box each department is drawn in on the coordination map: its own, or for an
    organization of more than `limit` departments, the box of its ancestor at the deepest
    level of the department tree that still gives at most `limit` boxes."""
    chains = facts.chains
    deepest = max((len(c) for c in chains.values()), default=1)
    for level in range(deepest, 0, -1):
        groups = {d: c[min(level, len(c)) - 1] for d, c in chains.items()}
        if len(set(groups.values())) <= limit or level == 1:
            return groups
    return {d: d for d in chains}  # pragma: no cover - no departments


def coordination_map(playbook: Playbook, labels: Labels, facts: Facts | None = None) -> Diagram:
    """Departments as boxes, one line per pair that shares objectives or hands work over;
    the line's width and number say how much (the breakdown is in its tooltip)."""
    facts = facts or Facts(playbook)
    groups = coordination_groups(facts)
    boxes = sorted((playbook.departments[d] for d in set(groups.values())), key=lambda d: (d.title.casefold(), d.id))
    merged = len(boxes) < len(playbook.departments)
    links = facts.ties(groups)
    g = _graph({"layout": "neato", "overlap": "false", "sep": "+14", "splines": "line", "esep": "+4"},
               edge={"arrowhead": "none", "fontcolor": INK, "fontsize": "10"})
    names = _Names()
    hub = groups.get(playbook.organization.hub or "") if playbook.organization else None
    for department in boxes:
        notes = [labels("diagram_hub")] if department.id == hub else []
        inside = sum(1 for d in groups if groups[d] == department.id) - 1
        if merged and inside:
            notes.append(_count(labels, "diagram_subdepartments_with", inside))
        extra = "".join("<BR/>" + _small(html.escape(note)) for note in notes)
        attrs = {"color": ACCENT, "penwidth": "2.5"} if department.id == hub else {}
        g.node(names(department.id), label=f"<<B>{_html(department.title)}</B>{extra}>",
               URL=page_url(department), tooltip=_tooltip(department.title), **attrs)
    heaviest = max((link.weight for link in links.values()), default=1)
    for (a, b), link in links.items():
        parts = []
        if link.objectives:
            parts.append(_count(labels, "diagram_shared_objectives", len(link.objectives)))
        if link.handoffs:
            parts.append(_count(labels, "diagram_handoffs", link.handoffs))
        share = link.weight / heaviest
        attrs = {"tooltip": graphviz.escape(" · ".join(parts))}
        if link.weight == 1:  # the many single ties stay quiet: dotted, no number
            attrs.update(style="dotted", penwidth="1")
        else:  # the number sits on its line, on a patch of background
            attrs.update(penwidth=f"{0.8 + 4.2 * share:.1f}", label=(
                f'<<TABLE BORDER="0" CELLPADDING="1" BGCOLOR="{PAPER}"><TR><TD>{link.weight}</TD></TR></TABLE>>'))
        g.edge(names(a), names(b), weight=str(link.weight), len=f"{2.6 - 1.2 * share:.2f}", **attrs)
    title = labels("diagram_coordination_title",
                   departments=_count(labels, "diagram_departments", len(playbook.departments)),
                   links=_count(labels, "diagram_links", len(links)))
    return Diagram("coordination", "coordination/", title, labels("diagram_coordination_caption"), g.source)


# -- all of them ------------------------------------------------------------------------------


def site_diagrams(playbook: Playbook, labels: Labels, facts: Facts | None = None) -> list[Diagram]:
    """Every diagram of the site, in key order."""
    facts = facts or Facts(playbook)
    diagrams = [org_chart(playbook, labels, facts), coordination_map(playbook, labels, facts)]
    diagrams += [department_chart(playbook, labels, d, facts) for d in playbook.departments.values()]
    diagrams += [role_diagram(playbook, labels, r, facts) for r in playbook.roles.values()]
    diagrams += [objective_diagram(playbook, labels, o) for o in playbook.objectives.values()]
    diagrams += [workflow_diagram(playbook, labels, w) for w in playbook.workflows.values()]
    return sorted(diagrams, key=lambda d: d.key)
