"""Playbook -> every diagram of the site: DOT text (pure), then SVG and HTML (`render`).

One module per diagram: `org` (the org chart and department charts), `role`, `objective`,
`workflow` and `coordination`; `common` holds what they share (placeholder colours, text
for DOT, graph defaults). Each diagram is built from sorted input, so the same YAML always
gives the same DOT text (the order of declarations changes Graphviz's layout). The
relations come from `Facts`, computed once per playbook.

`render` draws the DOT text with Graphviz and gives, per diagram key, the HTML figure
for its page and the standalone SVG file, with links in one form (relative to the file,
to `.md` pages), which each writer (the mkdocs plugin, `playbook export`) adapts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..facts import Facts
from ..labels import Labels
from ..model import Playbook
from .common import (
    ACCENT,
    COORDINATION_LIMIT,
    INK,
    MUTED,
    ORG_CHART_LIMIT,
    PAPER,
    TINT,
    Diagram,
    _html,
    _lines,
    _tooltip,
    one_line,
    page_url,
    plain,
)
from .coordination import coordination_groups, coordination_map
from .objective import objective_diagram
from .org import department_chart, org_chart, org_overview
from .role import role_diagram
from .workflow import workflow_diagram

__all__ = [
    "ACCENT",
    "COORDINATION_LIMIT",
    "INK",
    "MUTED",
    "ORG_CHART_LIMIT",
    "PAPER",
    "TINT",
    "Diagram",
    "_html",
    "_lines",
    "_tooltip",
    "coordination_groups",
    "coordination_map",
    "diagram_units",
    "department_chart",
    "objective_diagram",
    "one_line",
    "org_chart",
    "org_overview",
    "page_url",
    "plain",
    "role_diagram",
    "site_diagrams",
    "workflow_diagram",
]


def site_diagrams(playbook: Playbook, labels: Labels, facts: Facts | None = None) -> list[Diagram]:
    """Every diagram of the site, in key order."""
    made = [make() for _unit, make in diagram_units(playbook, labels, facts or Facts(playbook))]
    return sorted((d for d in made if d is not None), key=lambda d: d.key)


def diagram_units(playbook: Playbook, labels: Labels, facts: Facts) -> list[tuple[tuple[str, ...], Callable[[], Diagram | None]]]:
    """Every diagram of the site as (unit, make), `make()` giving the diagram or None when it is
    not drawn (the full org chart above `ORG_CHART_LIMIT` roles: the overview stands in). The
    unit names the diagram before it is made, so that `incremental` can make only those an edit
    touches: `("org-overview",)`, `("coordination",)`, `("org-chart",)`, `(kind, id)`."""

    def org_chart_unit() -> Diagram | None:
        return org_chart(playbook, labels, facts) if len(playbook.roles) <= ORG_CHART_LIMIT else None

    def entity_unit(kind: str, entity_id: str, draw: Callable[[Any], Diagram]) -> Callable[[], Diagram | None]:
        def make() -> Diagram | None:
            entity = playbook.of_kind(kind).get(entity_id)
            return draw(entity) if entity is not None else None

        return make

    draws: dict[str, Callable[[Any], Diagram]] = {
        "department": lambda d: department_chart(playbook, labels, d, facts),
        "role": lambda r: role_diagram(playbook, labels, r, facts),
        "objective": lambda o: objective_diagram(playbook, labels, o),
        "workflow": lambda w: workflow_diagram(playbook, labels, w),
    }
    units: list[tuple[tuple[str, ...], Callable[[], Diagram | None]]] = [
        (("org-overview",), lambda: org_overview(playbook, labels, facts)),
        (("coordination",), lambda: coordination_map(playbook, labels, facts)),
        (("org-chart",), org_chart_unit),
    ]
    for kind, draw in draws.items():
        units.extend(((kind, entity_id), entity_unit(kind, entity_id, draw)) for entity_id in playbook.of_kind(kind))
    return units
