"""A workflow: its trigger, then every step, who acts and to whom the work goes; steps that
run at the same time side by side, the steps of a stage in a labelled band."""

from __future__ import annotations

from collections import Counter

from ..escape import html_label
from ..labels import Labels
from ..model import Playbook, Step, Workflow
from .common import (
    ACCENT,
    INK,
    MUTED,
    PAPER,
    TINT,
    Diagram,
    _count,
    _duration,
    _graph,
    _html,
    _link_cell,
    _Names,
    _sentences,
    _small,
    _table,
    _tooltip,
    one_line,
    page_url,
)

STEP_WIDTH = 48
"""Characters per line of a step's action; longer actions wrap, never cut."""
PARALLEL_WIDTH = 24
"""Characters per line of the action of a step drawn beside others."""


def side_by_side(workflow: Workflow) -> set[int]:
    """Numbers of the steps that share their row with another step: a step's row is one
    below the lowest of the steps it waits for."""
    row: dict[int, int] = {}
    for number in range(1, len(workflow.steps) + 1):
        row[number] = 1 + max((row[n] for n in workflow.waits_for(number)), default=0)
    count = Counter(row.values())
    return {number for number, r in row.items() if count[r] > 1}


def _step_label(playbook: Playbook, labels: Labels, number: int, step: Step, *, narrow: bool = False) -> str:
    """A step's box: who, within how long, what, and to whom the work goes. A `narrow` box
    (a step beside others) wraps its text shorter, so steps side by side fit the column."""
    width, name_width = (PARALLEL_WIDTH, PARALLEL_WIDTH - 4) if narrow else (STEP_WIDTH, 26)
    by = playbook.roles.get(step.by) or playbook.departments.get(step.by)
    to = playbook.roles.get(step.to or "") or playbook.departments.get(step.to or "")
    # narrow, the time goes under the name (beside it, the name's line is as wide as a box)
    span = ' COLSPAN="2"' if narrow else ""
    by_cell = (_link_cell(by, f"<B>{number}. {_html(by.label, name_width)}</B>", extra=span) if by is not None
               else f"<TD ALIGN=\"LEFT\"{span}><B>{number}.</B></TD>")
    rows = [[by_cell]]
    within = (_small(html_label(labels("diagram_within", time=_duration(labels, step.within))), INK)
              if step.within else "")
    if narrow:
        if within:
            rows.append([f'<TD COLSPAN="2" ALIGN="LEFT">{within}</TD>'])
    else:
        rows[0].append(f'<TD ALIGN="RIGHT">{within}</TD>' if within else "<TD></TD>")
    rows.append([f'<TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT">{_html(step.action, width)}</TD>'])
    if to is not None:
        gap = "<BR/>" if narrow else " "
        rows.append([_link_cell(to, _small("→ " + html_label(labels("diagram_hands_to")), INK)
                                + f"{gap}<B>{_html(to.label, name_width)}</B>", extra=' COLSPAN="2"')])
    body = "".join("<TR>" + "".join(cells) + "</TR>" for cells in rows)
    return (f'<<TABLE BORDER="1" COLOR="{INK}" STYLE="ROUNDED" CELLBORDER="0" CELLSPACING="0" '
            f'CELLPADDING="4" BGCOLOR="{PAPER}">{body}</TABLE>>')


def workflow_diagram(playbook: Playbook, labels: Labels, workflow: Workflow) -> Diagram:
    """The trigger, then every step: who acts, within how long, and to whom it goes. A step
    hangs under the steps it waits for, so steps that run at the same time stand side by
    side; consecutive steps of a stage sit in one band labelled with the stage."""
    g = _graph({"newrank": "true", "nodesep": "0.2", "ranksep": "0.3"})
    names = _Names()
    trigger = names("trigger")
    rows = [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><B>{html_label(labels("diagram_trigger"))}</B><BR/>'
            f'{_html(workflow.trigger, 44)}</TD></TR>']
    objective = playbook.objectives.get(workflow.objective or "")
    if objective is not None:
        rows.append("<TR>" + _link_cell(objective, _small(html_label(labels("diagram_serves")), INK) + " "
                                        + f"<B>{_html(objective.title, 40)}</B>") + "</TR>")
    g.node(trigger, shape="plain", label=_table(rows, border=ACCENT))
    narrow = side_by_side(workflow)
    for band, (stage, numbers) in enumerate(workflow.stage_runs()):
        if stage is None:
            for number in numbers:
                g.node(names(f"step:{number}"), shape="plain",
                       label=_step_label(playbook, labels, number, workflow.steps[number - 1],
                                         narrow=number in narrow))
            continue
        with g.subgraph(name=f"cluster_{names(f'stage:{band}')}") as sub:
            sub.attr(label=f"<<B>{_html(stage, 40)}</B>>", tooltip=_tooltip(stage), style="rounded,filled",
                     fillcolor=TINT, color=MUTED, penwidth="1", labeljust="l", fontsize="11", margin="10")
            for number in numbers:
                sub.node(names(f"step:{number}"), shape="plain",
                         label=_step_label(playbook, labels, number, workflow.steps[number - 1],
                                         narrow=number in narrow))
    # A step starts when the last step it waits for ends: that edge is short and straight
    # (weight), so a step that others join later still starts right under its own start.
    for number in range(1, len(workflow.steps) + 1):
        before = workflow.waits_for(number) or [0]
        for other in before:
            tail = names(f"step:{other}") if other else trigger
            g.edge(tail, names(f"step:{number}"), arrowhead="normal", weight="4" if other == before[-1] else "1")
    title = labels("diagram_workflow_title", workflow=one_line(workflow.title),
                   steps=_count(labels, "diagram_steps", len(workflow.steps)))
    return Diagram(f"workflow/{workflow.id}", page_url(workflow), title,
                   _workflow_caption(labels, workflow), g.source)


def _workflow_caption(labels: Labels, workflow: Workflow) -> str:
    """What this workflow's drawing shows: the time allowed, steps side by side and stage
    bands only where the workflow has them."""
    steps = range(1, len(workflow.steps) + 1)
    parallel = any(workflow.waits_for(n) != ([n - 1] if n > 1 else []) for n in steps)
    stages = any(stage is not None for stage, _numbers in workflow.stage_runs())
    within = labels("diagram_workflow_within") if any(step.within for step in workflow.steps) else ""
    return _sentences(labels("diagram_workflow_caption", within=within),
                      labels("diagram_workflow_parallel") if parallel else "",
                      labels("diagram_workflow_stages") if stages else "")
