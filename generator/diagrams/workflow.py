"""A workflow: its trigger, then every step in order, who acts and to whom the work goes."""

from __future__ import annotations

from ..escape import html_label
from ..labels import Labels
from ..model import Playbook, Workflow
from .common import (
    ACCENT,
    INK,
    PAPER,
    Diagram,
    _count,
    _duration,
    _graph,
    _html,
    _link_cell,
    _Names,
    _small,
    _table,
    one_line,
    page_url,
)


def workflow_diagram(playbook: Playbook, labels: Labels, workflow: Workflow) -> Diagram:
    """The trigger, then every step in order: who acts, within how long, and to whom it goes."""
    g = _graph({"nodesep": "0.3", "ranksep": "0.3"})
    names = _Names()
    trigger = names("trigger")
    rows = [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><B>{html_label(labels("diagram_trigger"))}</B><BR/>'
            f'{_html(workflow.trigger, 44)}</TD></TR>']
    objective = playbook.objectives.get(workflow.objective or "")
    if objective is not None:
        rows.append("<TR>" + _link_cell(objective, _small(html_label(labels("diagram_serves")), INK) + " "
                                        + f"<B>{_html(objective.title, 40)}</B>") + "</TR>")
    g.node(trigger, shape="plain", label=_table(rows, border=ACCENT))
    previous = trigger
    for number, step in enumerate(workflow.steps, start=1):
        node = names(f"step:{number}")
        by = playbook.roles.get(step.by) or playbook.departments.get(step.by)
        to = playbook.roles.get(step.to or "") or playbook.departments.get(step.to or "")
        by_cell = (_link_cell(by, f"<B>{number}. {_html(by.label, 26)}</B>") if by is not None
                   else f"<TD ALIGN=\"LEFT\"><B>{number}.</B></TD>")
        head = [by_cell]
        if step.within:
            head.append(f'<TD ALIGN="RIGHT">{_small(html_label(labels("diagram_within", time=_duration(labels, step.within))), INK)}</TD>')
        else:
            head.append("<TD></TD>")
        body = [f'<TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT">{_html(step.action, 48)}</TD></TR>']
        if to is not None:
            body.append("<TR>" + _link_cell(to, _small("→ " + html_label(labels("diagram_hands_to")), INK)
                                            + f" <B>{_html(to.label, 30)}</B>", extra=' COLSPAN="2"') + "</TR>")
        label = (f'<<TABLE BORDER="1" COLOR="{INK}" STYLE="ROUNDED" CELLBORDER="0" CELLSPACING="0" '
                 f'CELLPADDING="4" BGCOLOR="{PAPER}"><TR>{"".join(head)}</TR>{"".join(body)}</TABLE>>')
        g.node(node, shape="plain", label=label)
        g.edge(previous, node, arrowhead="normal")
        previous = node
    title = labels("diagram_workflow_title", workflow=one_line(workflow.title),
                   steps=_count(labels, "diagram_steps", len(workflow.steps)))
    return Diagram(f"workflow/{workflow.id}", page_url(workflow), title,
                   labels("diagram_workflow_caption"), g.source)
