"""An objective's RACI: the accountable role above, the responsible, consulted and informed below."""

from __future__ import annotations

from ..escape import html_label
from ..labels import Labels
from ..model import Objective, Playbook
from .common import (
    ACCENT,
    Diagram,
    _graph,
    _html,
    _joined,
    _link_cell,
    _Names,
    _small,
    _table,
    _tooltip,
    one_line,
    page_url,
)


def _party_cell(playbook: Playbook, labels: Labels, party_id: str) -> str | None:
    party = playbook.roles.get(party_id) or playbook.departments.get(party_id)
    if party is None:
        return None
    kind = labels("diagram_kind_" + party.KIND)
    return _link_cell(party, f"{_html(party.label, 30)}<BR/>{_small(html_label(kind))}")


def objective_diagram(playbook: Playbook, labels: Labels, objective: Objective) -> Diagram:
    """The objective in the middle, the accountable role above, R, C and I below."""
    g = _graph({"nodesep": "0.3", "ranksep": "0.45"})
    names = _Names()
    centre = names("objective")
    facts = labels("diagram_goal_" + objective.goal)
    if objective.focus:
        facts += " · " + labels("diagram_focus_" + objective.focus)
    g.node(centre, label=f"<<B>{_html(objective.title, 28)}</B><BR/>{_small(html_label(facts))}>",
           color=ACCENT, penwidth="2.5", tooltip=_tooltip(objective.title))
    accountable = playbook.roles.get(objective.raci.accountable)
    counts = {}
    if accountable is not None:
        node = names("A")
        row = "<TR>" + _link_cell(accountable, f"<B>{_html(accountable.title)}</B>", align="CENTER") + "</TR>"
        g.node(node, shape="plain",
               label=_table([row], header=f"<B>A</B> · {html_label(labels('diagram_raci_accountable'))}"))
        g.edge(node, centre, arrowhead="normal")
    for letter, key in (("R", "responsible"), ("C", "consulted"), ("I", "informed")):
        parties = getattr(objective.raci, key)
        cells = [c for c in (_party_cell(playbook, labels, p) for p in dict.fromkeys(parties)) if c]
        counts[key] = len(cells)
        if not cells:
            continue
        node = names(letter)
        header = f"<B>{letter}</B> · {html_label(labels('diagram_raci_' + key))}"
        g.node(node, shape="plain", label=_table([f"<TR>{c}</TR>" for c in cells], header=header))
        # consulting goes both ways; work goes out to the responsible, news to the informed
        g.edge(centre, node, dir="both" if key == "consulted" else "forward")
    title = labels("diagram_objective_title", objective=one_line(objective.title),
                   accountable=one_line(accountable.title) if accountable else "?",
                   responsible=counts.get("responsible", 0), consulted=counts.get("consulted", 0),
                   informed=counts.get("informed", 0))
    return Diagram(f"objective/{objective.id}", page_url(objective), title,
                   _objective_caption(labels, objective), g.source)


def _objective_caption(labels: Labels, objective: Objective) -> str:
    """The RACI letters this objective's drawing has, and no others."""
    raci = objective.raci
    parts = [labels(f"diagram_objective_part_{key}") for key in ("accountable", "responsible", "consulted", "informed")
             if (raci.accountable if key == "accountable" else getattr(raci, key))]
    return labels("diagram_objective_caption", parts=_joined(labels, parts))
