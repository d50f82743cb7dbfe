"""The coordination map: departments joined by shared objectives and hand-offs (`Facts.ties`),
drawn as hub and spokes, and the department x department table beside it."""

from __future__ import annotations

from ..escape import dot_text, html_label
from ..facts import Facts, Tie
from ..labels import Labels
from ..model import Department, Playbook
from .common import (
    ACCENT,
    COORDINATION_LIMIT,
    INK,
    MUTED,
    Diagram,
    _count,
    _graph,
    _html,
    _Names,
    _small,
    _tooltip,
    page_url,
)

SPOKE_WIDTH = 18
"""Characters per line of a department's title on the map."""


def coordination_groups(facts: Facts, limit: int = COORDINATION_LIMIT) -> dict[str, str]:
    """The box each department is drawn in on the coordination map: its own, or for an
    organization of more than `limit` departments, the box of its ancestor at the deepest
    level of the department tree that still gives at most `limit` boxes, and never a single
    box when a deeper level gives more (one top department over everything would leave the
    map with its hub alone)."""
    chains = facts.chains
    deepest = max((len(c) for c in chains.values()), default=1)
    for level in range(deepest, 0, -1):
        groups = {d: c[min(level, len(c)) - 1] for d, c in chains.items()}
        boxes = len(set(groups.values()))
        if boxes <= limit or level == 1:
            if boxes == 1 and level < deepest:
                return {d: c[min(level + 1, len(c)) - 1] for d, c in chains.items()}
            return groups
    return {d: d for d in chains}  # pragma: no cover - no departments


def coordination_hub(playbook: Playbook, facts: Facts, groups: dict[str, str]) -> str | None:
    """The box at the centre of the map: the organization's hub (or the box it is drawn in);
    with no hub set, the box with the most shared objectives and hand-offs (by title on a tie)."""
    hub = playbook.organization.hub if playbook.organization else None
    if hub and hub in groups:
        return groups[hub]
    weight: dict[str, int] = {}
    for (a, b), tie in facts.ties(groups).items():
        weight[a] = weight.get(a, 0) + tie.weight
        weight[b] = weight.get(b, 0) + tie.weight
    if not weight:
        return None
    departments = playbook.departments
    return min(weight, key=lambda d: (-weight[d], departments[d].title.casefold(), d))


def _spoke_label(labels: Labels, department: Department, tie: Tie | None, notes: list[str]) -> str:
    """A department's box: its title, and how much it shares with the hub, in words."""
    lines = [f"<B>{_html(department.title, SPOKE_WIDTH)}</B>"]
    parts = []
    if tie is not None and tie.objectives:
        parts.append(_count(labels, "diagram_shared_objectives", len(tie.objectives)))
    if tie is not None and tie.handoffs:
        parts.append(_count(labels, "diagram_handoffs", tie.handoffs))
    lines += [_small(html_label(part), INK) for part in parts]
    lines += [_small(html_label(note)) for note in notes]
    return "<BR/>".join(lines)


def coordination_map(playbook: Playbook, labels: Labels, facts: Facts | None = None) -> Diagram:
    """Hub and spokes: the hub in the middle, every other department in a column to its left
    or right, joined to the hub by a line as wide as what they share with it (shared
    objectives plus hand-offs, written in the department's box, never on a line). The heaviest
    ties come first, alternating sides. Ties between two other departments are in the
    department x department table beside the map (`coordination_matrix`)."""
    facts = facts or Facts(playbook)
    groups = coordination_groups(facts)
    boxes = sorted((playbook.departments[d] for d in set(groups.values())), key=lambda d: (d.title.casefold(), d.id))
    merged = len(boxes) < len(playbook.departments)
    ties = facts.ties(groups)
    hub = coordination_hub(playbook, facts, groups)
    g = _graph({"newrank": "true", "rankdir": "LR", "splines": "line", "nodesep": "0.12", "ranksep": "0.8"},
               edge={"arrowhead": "none"})
    names = _Names()

    def notes(department: Department) -> list[str]:
        inside = sum(1 for d in groups if groups[d] == department.id) - 1
        return [_count(labels, "diagram_subdepartments_with", inside)] if merged and inside else []

    def tie(department: Department) -> Tie | None:
        return ties.get((min(department.id, hub or ""), max(department.id, hub or ""))) if hub else None

    others = [d for d in boxes if d.id != hub]
    weights = {d.id: link.weight if (link := tie(d)) else 0 for d in others}
    others.sort(key=lambda d: -weights[d.id])  # stable: by title within a weight
    heaviest = max((t.weight for t in (tie(d) for d in others) if t), default=1)
    if hub is not None:
        centre = playbook.departments[hub]
        g.node(names(hub), label=f"<{_spoke_label(labels, centre, None, [labels('diagram_hub'), *notes(centre)])}>",
               URL=page_url(centre), tooltip=_tooltip(centre.title), color=ACCENT, penwidth="2.5")
    for side in (0, 1):
        with g.subgraph() as column:
            column.attr(rank="min" if side == 0 else "max")
            if side == 1 and hub is not None and heaviest > 1:  # under the shorter column, off every line
                column.node(names("legend"), shape="plain", label=_legend(labels, heaviest))
            for department in others[side::2]:
                column.node(names(department.id), label=f"<{_spoke_label(labels, department, tie(department), notes(department))}>",
                            URL=page_url(department), tooltip=_tooltip(department.title))
    for index, department in enumerate(others):
        if hub is None:
            continue
        link = tie(department)
        ends = (names(department.id), names(hub)) if index % 2 == 0 else (names(hub), names(department.id))
        if link is None:  # keeps the box in its column, drawn without a line
            g.edge(*ends, style="invis")
            continue
        parts = []
        if link.objectives:
            parts.append(_count(labels, "diagram_shared_objectives", len(link.objectives)))
        if link.handoffs:
            parts.append(_count(labels, "diagram_handoffs", link.handoffs))
        g.edge(*ends, penwidth=f"{1 + 5 * link.weight / heaviest:.1f}", tooltip=dot_text(" · ".join(parts)),
               color=ACCENT if link.weight * 2 > heaviest else MUTED)
    title = labels("diagram_coordination_title",
                   departments=_count(labels, "diagram_departments", len(playbook.departments)),
                   links=_count(labels, "diagram_links", sum(1 for d in others if tie(d))))
    return Diagram("coordination", "coordination/", title, labels("diagram_coordination_caption"), g.source)


def _legend(labels: Labels, heaviest: int) -> str:
    """What a line's width means: a thin, a middle and the widest line with their counts."""
    rows = []
    for weight in sorted({1, max(1, heaviest // 2), heaviest}):
        width = 1 + 5 * weight / heaviest
        colour = ACCENT if weight * 2 > heaviest else MUTED
        bar = (f'<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR><TD FIXEDSIZE="TRUE" WIDTH="36" '
               f'HEIGHT="{max(1, round(width))}" BGCOLOR="{colour}"></TD></TR></TABLE>')
        rows.append(f'<TR><TD>{bar}</TD><TD ALIGN="LEFT" BALIGN="LEFT">'
                    f'{_small(_html(_count(labels, "diagram_ties", weight), 26), INK)}</TD></TR>')
    return (f'<<TABLE BORDER="0" CELLSPACING="3" CELLPADDING="0"><TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT">'
            f'{_small(_html(labels("diagram_legend_width"), 30), INK)}</TD></TR>{"".join(rows)}</TABLE>>')


def coordination_matrix(playbook: Playbook, facts: Facts) -> tuple[list[Department], dict[tuple[str, str], int]]:
    """The map's boxes (by title) and, per ordered pair of them, what they share: shared
    objectives plus hand-offs in either direction (`Facts.ties`), for the table beside the map."""
    groups = coordination_groups(facts)
    boxes = sorted((playbook.departments[d] for d in set(groups.values())), key=lambda d: (d.title.casefold(), d.id))
    cells: dict[tuple[str, str], int] = {}
    for (a, b), tie in facts.ties(groups).items():
        cells[(a, b)] = cells[(b, a)] = tie.weight
    return boxes, cells
