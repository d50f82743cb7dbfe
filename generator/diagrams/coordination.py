"""The coordination map: departments joined by shared objectives and hand-offs (`Facts.ties`)."""

from __future__ import annotations

from ..escape import dot_text, html_label
from ..facts import Facts
from ..labels import Labels
from ..model import Playbook
from .common import (
    ACCENT,
    COORDINATION_LIMIT,
    INK,
    PAPER,
    Diagram,
    _count,
    _graph,
    _html,
    _Names,
    _small,
    _tooltip,
    page_url,
)


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
        extra = "".join("<BR/>" + _small(html_label(note)) for note in notes)
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
        attrs = {"tooltip": dot_text(" · ".join(parts))}
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
