"""Org charts: the whole organization, and one department with its managers from outside.

The chart itself (`_chart`) is rewritten by the diagrams issue; it moved here as it was.
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
    Diagram,
    _count,
    _graph,
    _headcount,
    _html,
    _link_cell,
    _Names,
    _small,
    _tooltip,
    one_line,
    page_url,
)


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


def _chart(g: graphviz.Digraph, names: _Names, items: list[_Item], clusters: dict[str, Department],  # noqa: C901
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
                 + _small(html_label(labels("diagram_subdepartment") + " · " + _count(labels, "diagram_roles", size))))
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
