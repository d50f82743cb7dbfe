"""Org charts: the whole organization, and one department with its managers from outside.

Both are drawn top to bottom, as people who live in org charts expect: a manager above
their reports, a team of leaf roles stacked in a grid under its manager.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import graphviz

from ..escape import html_label
from ..facts import Facts, by_title
from ..labels import Labels
from ..model import Department, Entity, Playbook, Role
from .common import (
    ACCENT,
    GRID_COLUMNS,
    GRID_FROM,
    INK,
    MUTED,
    TINT,
    TITLE_WIDTH,
    Diagram,
    _count,
    _graph,
    _headcount,
    _html,
    _lines,
    _link_cell,
    _Names,
    _sentences,
    _small,
    _tooltip,
    one_line,
    page_url,
)
from .layout import PAD_X, PAD_Y, Box, compact_tree, text_width

CHART_GRAPH = {"newrank": "true", "rankdir": "TB", "splines": "line", "nodesep": "0.18", "ranksep": "0.3"}
"""Org and department charts: top to bottom, straight lines for the rails' elbows."""

STACK_FROM = 3
"""Top to bottom, a manager's leaf reports from this many on are stacked in a grid under
it (see `grid_columns`) rather than spread in a row."""
OVERVIEW_COLUMNS = 2
"""The department overview stacks sibling departments at most this many side by side."""
OVERVIEW_LIMIT = 24
"""The overview shows at most this many departments (whole levels of the tree, see
`overview_depth`); each department's own chart shows what lies below."""
OVERVIEW_WIDTH = 18
"""Characters per line of a department's title in the overview."""


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
        lines.append(_small(_html(department.title, 30)))
    lines.append(_small(html_label(_headcount(labels, role)), ACCENT if role.headcount == 0 else MUTED))
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


class _Chart:
    """Items drawn as a top-down org chart: frames nest like departments, each manager's
    reports hang from a rail (an elbow connector), and a team of leaf roles is stacked in
    a grid of at most `columns` boxes side by side from `grid_from` boxes on.

    `draw(g)` writes it into a graph drawn top to bottom (rankdir=TB), or left to right
    with `across` (rankdir=LR)."""

    def __init__(self, names: _Names, items: list[_Item], clusters: dict[str, Department],
                 cluster_parent: dict[str, str | None], *, grid_from: int = GRID_FROM,
                 columns: int = GRID_COLUMNS, across: bool = False) -> None:
        self.names, self.items, self.clusters = names, items, clusters
        self.grid_from, self.columns, self.across = grid_from, columns, across
        by_key = {item.key: item for item in items}
        self.children: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            if item.parent in by_key and item.parent != item.key:
                self.children[item.parent].append(item)
        self.parent_of: dict[str, str | None] = dict(cluster_parent)
        self.frame: dict[str, str | None] = {item.key: item.cluster for item in items}
        self.members: dict[str | None, list[tuple[str, dict[str, str]]]] = defaultdict(list)
        """What each frame holds besides boxes: grid nodes and rail points."""
        self.rails: list[list[str]] = []
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.gridded: set[str] = set()
        self._wrap_mixed_teams(_top_down(items, by_key))

    def frames_above(self, cluster: str | None) -> tuple[str, ...]:
        """The frame and those around it, outermost first."""
        path: list[str] = []
        while cluster is not None and cluster not in path:
            path.append(cluster)
            cluster = self.parent_of.get(cluster)
        return tuple(reversed(path))

    def _wrap_mixed_teams(self, ordered: list[_Item]) -> None:
        """Dot keeps each frame in one piece, so a box that sits loose beside frames drifts
        away from its rail. When a manager's reports are partly in its own frame and partly
        in others, its own-frame reports (and their own-frame teams) get a borderless frame."""
        for item in ordered:
            team = self.children.get(item.key, [])
            own = [c for c in team if self.frame[c.key] == self.frame[item.key]]
            if not own or len(own) == len(team):
                continue
            wrapper = f"group:{item.key}"
            self.parent_of[wrapper] = self.frame[item.key]
            stack, seen = list(own), set()
            while stack:
                member = stack.pop()
                if member.key in seen:
                    continue
                seen.add(member.key)
                before, self.frame[member.key] = self.frame[member.key], wrapper
                stack.extend(c for c in self.children.get(member.key, []) if self.frame[c.key] == before)

    def _order(self, item: _Item) -> tuple:
        titles = [self.clusters[c].title if c in self.clusters else "" for c in self.frames_above(self.frame[item.key])]
        return (titles, 1 if self.children.get(item.key) else 0, item.entity.label, item.key)

    def _grid(self, parent: _Item, where: str | None, group: list[_Item]) -> str:
        """One node for a team of leaves: a table of linked boxes, `columns` at most side by side."""
        grid = self.names(f"grid:{parent.key}:{where}")
        columns = grid_columns(len(group), self.columns)
        rows = "".join(
            "<TR>" + "".join(_grid_cell(m) for m in group[i:i + columns]) + "</TR>"
            for i in range(0, len(group), columns)
        )
        label = f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="6" CELLPADDING="0">{rows}</TABLE>>'
        self.members[where].append((grid, {"shape": "plain", "style": "solid", "label": label}))
        self.gridded.update(m.key for m in group)
        return grid

    def _heads(self, parent: _Item) -> list[tuple[str, str | None]]:
        """Node name and frame of each report of `parent` on its rail, a grid for a team of leaves."""
        team = sorted(self.children.get(parent.key, []), key=self._order)
        leaves: dict[str | None, list[_Item]] = defaultdict(list)
        for item in team:
            if item.groupable and not self.children.get(item.key):
                leaves[self.frame[item.key]].append(item)
        heads: list[tuple[str, str | None]] = []
        for item in team:
            where = self.frame[item.key]
            group = leaves.get(where, [])
            if len(group) < self.grid_from or item not in group:
                heads.append((self.names(item.key), where))
            elif item is group[0]:
                heads.append((self._grid(parent, where, group), where))
        return heads

    def _home(self, parent: _Item, heads: list[tuple[str, str | None]]) -> str | None:
        """The innermost frame around a manager and all its reports: where its rail goes."""
        paths = [self.frames_above(self.frame[parent.key])] + [self.frames_above(where) for _, where in heads]
        common = paths[0]
        for path in paths[1:]:
            n = 0
            while n < min(len(common), len(path)) and common[n] == path[n]:
                n += 1
            common = common[:n]
        return common[-1] if common else None

    def _connect(self, parent: _Item) -> None:
        heads = self._heads(parent)
        if not heads:
            return
        top = self.names(parent.key)
        if len(heads) == 1:
            self.edges.append((top, heads[0][0], {"weight": "4"}))
            return
        # a rail: a point above each report on one rank, joined in a line, the manager
        # meeting it in the middle; with straight lines this makes clean elbows
        points = [self.names(f"rail:{parent.key}:{i}") for i in range(len(heads))]
        drops = list(points)
        junction = self.names(f"rail:{parent.key}:mid")
        points.insert(len(points) // 2, junction)
        self.members[self._home(parent, heads)].extend((point, {"shape": "point"}) for point in points)
        self.rails.append(points)
        self.edges.append((top, junction, {"weight": "2"}))
        # dot puts the tail of a flat edge first: left to right, but bottom to top in LR
        chain = points[::-1] if self.across else points
        self.edges.extend((a, b, {}) for a, b in zip(chain, chain[1:], strict=False))
        self.edges.extend((point, head, {"weight": "8"}) for point, (head, _) in zip(drops, heads, strict=True))

    def _contents(self) -> dict[str | None, list[tuple[str, dict[str, str]]]]:
        """Every node by the frame that holds it: boxes first, then grids and rail points."""
        boxes: dict[str | None, list[tuple[str, dict[str, str]]]] = defaultdict(list)
        for item in self.items:
            if item.key not in self.gridded:
                attrs = {"label": f"<{item.label}>", **item.attrs}
                if item.link:
                    attrs["URL"] = page_url(item.entity)
                boxes[self.frame[item.key]].append((self.names(item.key), attrs))
        for where, extra in self.members.items():
            boxes[where].extend(extra)
        return boxes

    def _frame(self, sub: graphviz.Digraph, f: str) -> None:
        department = self.clusters.get(f)
        if department is None:  # a borderless group inside a frame
            sub.attr(label="", URL="", tooltip="", style="invis", margin="0")
            return
        sub.attr(
            label=f"<<B>{_html(department.title, 40)}</B>>",
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

    def draw(self, g: graphviz.Digraph) -> None:
        for parent in self.items:
            self._connect(parent)
        contents = self._contents()
        inner: dict[str | None, list[str]] = defaultdict(list)
        used = {f for c in contents if c is not None for f in self.frames_above(c)}
        for f in sorted(used, key=lambda f: (self.clusters[f].title if f in self.clusters else "", f)):
            inner[self.parent_of.get(f) if self.parent_of.get(f) in used else None].append(f)

        def emit(target: graphviz.Digraph, where: str | None) -> None:
            for name, attrs in contents.get(where, []):
                if attrs.get("shape") == "point":
                    target.node(name, shape="point", width="0.01", height="0.01", style="invis", label="")
                else:
                    target.node(name, **attrs)
            for f in inner.get(where, []):
                with target.subgraph(name=f"cluster_{self.names('frame:' + f)}") as sub:
                    self._frame(sub, f)
                    emit(sub, f)

        emit(g, None)
        for points in self.rails:
            with g.subgraph() as rank:
                rank.attr(rank="same")
                for point in points:
                    rank.node(point)
        for a, b, attrs in self.edges:
            g.edge(a, b, arrowhead="none", **attrs)


def grid_columns(boxes: int, most: int) -> int:
    """Columns of a grid of `boxes` leaf boxes under their manager, at most `most`.

    A box is about three times as wide as it is tall, so about sqrt(0.3 n) columns make a
    roughly square block: 2 boxes stack in one column, 7 in two, 45 in four."""
    return max(1, min(most, math.ceil(math.sqrt(boxes * 0.3))))


def _top_down(items: list[_Item], by_key: dict[str, _Item]) -> list[_Item]:
    """Items ordered by how many managers are above them, keeping their order otherwise."""

    def depth(item: _Item) -> int:
        n, seen, current = 0, {item.key}, item.parent
        while current in by_key and current not in seen:
            seen.add(current)
            n, current = n + 1, by_key[current].parent
        return n

    return sorted(items, key=depth)


CHART_BOX_WIDTH = 30
"""Characters per line of a department's title in a box of the full chart."""


def _chart_box(labels: Labels, role: Role, department: Department | None, *, lead: bool) -> tuple[dict[str, str], Box]:
    """A role's box on the full chart: its title, department and headcount, sized for
    Graphviz (`layout.text_width`) since the layout is ours and the box's size is fixed."""
    title = _lines(role.title, TITLE_WIDTH)
    small = (_lines(department.title, CHART_BOX_WIDTH) if department is not None else []) + [_headcount(labels, role)]
    width = max([text_width(line, 11, bold=True) for line in title] + [text_width(line, 9) for line in small])
    height = len(title) * 11 * 1.2 + len(small) * 9 * 1.2
    label = "<BR/>".join(
        [f"<B>{html_label(line)}</B>" for line in title]
        + [_small(html_label(line)) for line in small[:-1]]
        + [_small(html_label(small[-1]), ACCENT if role.headcount == 0 else MUTED)]
    )
    styles = "rounded,filled,dashed" if role.headcount == 0 else "rounded,filled"
    attrs = {"label": f"<{label}>", "URL": page_url(role), "tooltip": _tooltip(role.title), "style": styles,
             "fixedsize": "true", "penwidth": "2" if lead else "1"}
    return attrs, Box(role.id, round(width + 2 * PAD_X), round(height + 2 * PAD_Y + 2))


def _points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _break_loops(boxes: dict[str, Box], roots: list[Box]) -> None:
    """Roles in a reporting loop are reached from no top: the validator refuses loops, but a
    chart must not lose boxes over them, so the first unreached role (by title) of each loop
    leaves its manager's team and stands at the top."""
    parent = {child.key: box for box in boxes.values() for child in box.children}
    reached: set[str] = set()
    stack = list(roots)
    while True:
        while stack:
            box = stack.pop()
            if box.key not in reached:
                reached.add(box.key)
                stack.extend(box.children)
        loose = next((box for box in boxes.values() if box.key not in reached), None)
        if loose is None:
            return
        parent[loose.key].children.remove(loose)
        roots.append(loose)
        stack.append(loose)


def org_chart(playbook: Playbook, labels: Labels, facts: Facts | None = None) -> Diagram:
    """Every role under its manager, top to bottom, each box naming its department.

    Laid out by `layout.compact_tree` (reports stacked on spines, the whole chart kept
    near a screen's shape: a 3,000-role organization is not a 100,000 pt strip), and
    drawn by Graphviz at those positions (`layout=nop2`). Department frames are left to
    the department pages' charts: reporting lines cross departments, frames around them
    made dot spread the chart out and the frames overlap the lines."""
    facts = facts or Facts(playbook)
    g = _graph({"layout": "nop2", "splines": "line"})
    names = _Names()
    attrs: dict[str, dict[str, str]] = {}
    boxes: dict[str, Box] = {}
    for role in by_title(playbook.roles.values()):
        attrs[role.id], boxes[role.id] = _chart_box(
            labels, role, playbook.departments.get(role.department), lead=role.id in facts.leads)
    roots: list[Box] = []
    for role in by_title(playbook.roles.values()):
        boss = boxes.get(role.reports_to or "")
        (boss.children if boss is not None and role.reports_to != role.id else roots).append(boxes[role.id])
    _break_loops(boxes, roots)
    for box in boxes.values():  # leaves first, then the reports who have teams of their own
        box.children.sort(key=lambda child: 1 if child.children else 0)
    layout = compact_tree(roots)
    for key, (x, y) in layout.boxes.items():
        box = boxes[key]
        g.node(names(key), pos=f"{_points(x)},{_points(-y)}", width=_points(box.width / 72),
               height=_points(box.height / 72), **attrs[key])
    for key, (x, y) in layout.points.items():
        g.node(names(key), shape="point", width="0.01", height="0.01", style="invis", label="",
               pos=f"{_points(x)},{_points(-y)}")
    for a, b in layout.lines:
        g.edge(names(a), names(b), arrowhead="none")
    name = playbook.organization.name if playbook.organization else ""
    title = labels("diagram_org_chart_title", name=one_line(name),
                   roles=_count(labels, "diagram_roles", len(playbook.roles)),
                   departments=_count(labels, "diagram_departments", len(playbook.departments)))
    caption = _sentences(labels("diagram_org_chart_caption"),
                         labels("diagram_org_chart_open") if any(r.headcount == 0 for r in playbook.roles.values()) else "")
    return Diagram("org-chart", "organization/chart/", title, caption, g.source)


def _department_item(labels: Labels, department: Department, facts: Facts, playbook: Playbook,
                     hidden: int = 0) -> _Item:
    """A department as one box of the overview: its title, its lead, its size, and how many
    departments under it the overview leaves to the department's own page (`hidden`)."""
    own = facts.members.get(department.id, [])
    lines = [f"<B>{_html(department.title, OVERVIEW_WIDTH)}</B>"]
    lead = playbook.roles.get(department.lead or "")
    if lead is not None:
        lines.append(_small(_html(lead.title, OVERVIEW_WIDTH + 4), INK))
    size = _count(labels, "diagram_roles", len(own)) + " · " + _count(
        labels, "diagram_people", sum(r.headcount for r in own))
    lines.append(_small(html_label(size)))
    if hidden:
        lines.append(_small(html_label("+ " + _count(labels, "diagram_subdepartments", hidden)), ACCENT))
    attrs = {"tooltip": _tooltip(department.title), "penwidth": "1.5"}
    return _Item(f"dept:{department.id}", department, "<BR/>".join(lines), None,
                 parent=f"dept:{facts.parent[department.id]}" if facts.parent[department.id] else None, attrs=attrs)


def overview_depth(tree: list[tuple[int, Department]]) -> int:
    """How deep the overview goes: the deepest level of the department tree that keeps it to
    `OVERVIEW_LIMIT` boxes (at least the top departments and their sub-departments' level 1
    when that is all there is). Deeper departments are counted in their ancestor's box."""
    deepest = max((level for level, _ in tree), default=0)
    for depth in range(deepest, 0, -1):
        if sum(1 for level, _ in tree if level <= depth) <= OVERVIEW_LIMIT:
            return depth
    return 0 if sum(1 for level, _ in tree if level == 0) > 1 else min(1, deepest)


def org_overview(playbook: Playbook, labels: Labels, facts: Facts | None = None) -> Diagram:
    """The departments as a tree, top to bottom: each with its lead and size, sub-departments
    under their parent, sibling departments without sub-departments stacked in a grid.
    Small enough for the page's column where the full chart of every role is not."""
    facts = facts or Facts(playbook)
    g = _graph(CHART_GRAPH)
    names = _Names()
    tree = facts.tree()
    depth = overview_depth(tree)
    below: dict[str, int] = defaultdict(int)  # departments deeper than `depth`, by their shown ancestor
    for level, department in tree:
        if level > depth:
            below[facts.chains[department.id][depth]] += 1
    items = [_department_item(labels, d, facts, playbook, below[d.id]) for level, d in tree if level <= depth]
    _Chart(names, items, {}, {}, grid_from=STACK_FROM, columns=OVERVIEW_COLUMNS).draw(g)
    name = playbook.organization.name if playbook.organization else ""
    title = labels("diagram_org_overview_title", name=one_line(name),
                   departments=_count(labels, "diagram_departments", len(playbook.departments)))
    return Diagram("org-overview", "organization/", title, labels("diagram_org_overview_caption"), g.source)


def department_chart(playbook: Playbook, labels: Labels, department: Department,
                     facts: Facts | None = None) -> Diagram:
    """The department's roles, its sub-departments as single boxes, and managers from outside."""
    facts = facts or Facts(playbook)
    g = _graph(CHART_GRAPH)
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
                 + _small(html_label(labels("diagram_subdepartment") + " · " + _count(labels, "diagram_roles", size))))
        lead = playbook.roles.get(sub.lead or "")
        parent = lead.reports_to if lead is not None and lead.reports_to in own_ids else None
        items.append(_Item(f"dept:{sub.id}", sub, label, department.id, parent,
                           {"shape": "folder", "style": "filled", "tooltip": _tooltip(sub.title)}))
    items = list(outside.values()) + items if outside else items
    if not items:  # an empty department still shows its frame
        items.append(_Item(f"dept:{department.id}", department, f"<B>{_html(department.title)}</B>", None, None,
                           {"shape": "folder", "style": "filled", "tooltip": _tooltip(department.title)}))
    _Chart(names, items, {department.id: department}, {department.id: None}, grid_from=STACK_FROM).draw(g)
    title = labels("diagram_department_title", department=one_line(department.title),
                   roles=_count(labels, "diagram_roles", len(own)),
                   subdepartments=_count(labels, "diagram_subdepartments", len(subs)))
    outside_boss = bool(outside)
    open_position = any(r.headcount == 0 for r in own)
    dashed = {(True, True): "diagram_dashed_outside_open", (True, False): "diagram_dashed_outside",
              (False, True): "diagram_dashed_open"}.get((outside_boss, open_position))
    caption = _sentences(labels("diagram_department_caption"),
                         labels("diagram_department_subdepartments") if subs else "",
                         labels(dashed) if dashed else "")
    return Diagram(f"department/{department.id}", page_url(department), title, caption, g.source)
