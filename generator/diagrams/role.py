"""A role's neighbourhood: its manager, its reports, its RACI duties and its accounts."""

from __future__ import annotations

from ..escape import html_label
from ..facts import Facts
from ..labels import Labels
from ..model import Playbook, Role
from .common import (
    ACCENT,
    Diagram,
    _count,
    _graph,
    _html,
    _joined,
    _link_cell,
    _Names,
    _sentences,
    _small,
    _table,
    one_line,
    page_url,
)
from .org import _Chart, _role_item

_LETTER = {"accountable": "A", "responsible": "R", "consulted": "C", "informed": "I"}


def role_diagram(playbook: Playbook, labels: Labels, role: Role, facts: Facts | None = None) -> Diagram:
    """The role with its manager above and its reports below, then its RACI duties and the
    accounts it owns or operates in tables under them."""
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
    _Chart(names, items, {}, {}, grid_from=5, columns=3).draw(g)
    me = names(role.id)

    # the tables go under the chart, one above the other, so that the drawing stays about
    # as narrow as a table (a phone's column reads it whole); their headers say what they are
    below: list[str] = []
    # A first, then R, C and I; by objective title within a letter
    duties = sorted(((_LETTER[d.letter], d.objective) for d in facts.duties_of(role.id)),
                    key=lambda d: "ARCI".index(d[0]))
    if duties:
        rows = [
            "<TR>" + _link_cell(objective, f"<B>{letter}</B>  {_html(objective.title, 30)}") + "</TR>"
            for letter, objective in duties
        ]
        node = names("duties")
        g.node(node, shape="plain", label=_table(rows, header=f"<B>{html_label(labels('diagram_raci_duties'))}</B>"))
        below.append(node)
    # the accounts it owns first, then those it operates; by title within each
    channels = [c for c, _how in sorted(facts.channels_run.get(role.id, []), key=lambda row: row[1] != "owner")]
    if channels:
        rows = []
        for channel in channels:
            how = labels("diagram_owner") if channel.owner == role.id else labels("diagram_operator")
            text = f"{_html(channel.title, 30)}<BR/>" + _small(html_label(
                f"{labels('diagram_platform_' + channel.platform)} · {how}"))
            rows.append("<TR>" + _link_cell(channel, text) + "</TR>")
        node = names("channels")
        g.node(node, shape="plain", label=_table(rows, header=f"<B>{html_label(labels('diagram_accounts'))}</B>"))
        below.append(node)
    # under the reports (a rail and their boxes take two ranks) or right under the role
    chain = [me, *below]
    for i, (a, b) in enumerate(zip(chain, chain[1:], strict=False)):
        g.edge(a, b, style="invis", minlen="3" if i == 0 and reports else "1")
    title = labels("diagram_role_title", role=one_line(role.title),
                   reports=_count(labels, "diagram_reports", len(reports)),
                   duties=_count(labels, "diagram_duties", len(duties)),
                   accounts=_count(labels, "diagram_accounts_count", len(channels)))
    return Diagram(f"role/{role.id}", page_url(role), title, _caption(labels, boss is not None and boss.id != role.id,
                                                                 len(reports), bool(duties), bool(channels)), g.source)


def _caption(labels: Labels, boss: bool, reports: int, duties: bool, accounts: bool) -> str:
    """What this role's drawing has, and nothing it does not: a care agent's speaks of no
    direct reports, a CEO's of no manager (issue 10)."""
    if not (boss or reports or duties or accounts):
        return labels("diagram_role_alone")
    parts = ([labels("diagram_role_part_manager")] if boss else []) + (
        [_count(labels, "diagram_role_part_reports", reports)] if reports else [])
    first = labels("diagram_role_caption", parts=_joined(labels, parts)) if parts else labels("diagram_role_caption_plain")
    tables = {(True, True): "both", (True, False): "duties", (False, True): "accounts"}.get((duties, accounts))
    return _sentences(first, labels(f"diagram_role_tables_{tables}") if tables else "")
