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
    facts = facts or Facts(playbook)
    diagrams = [org_overview(playbook, labels, facts), coordination_map(playbook, labels, facts)]
    if len(playbook.roles) <= ORG_CHART_LIMIT:  # beyond it, the overview stands in (see the limit)
        diagrams.append(org_chart(playbook, labels, facts))
    diagrams += [department_chart(playbook, labels, d, facts) for d in playbook.departments.values()]
    diagrams += [role_diagram(playbook, labels, r, facts) for r in playbook.roles.values()]
    diagrams += [objective_diagram(playbook, labels, o) for o in playbook.objectives.values()]
    diagrams += [workflow_diagram(playbook, labels, w) for w in playbook.workflows.values()]
    return sorted(diagrams, key=lambda d: d.key)
