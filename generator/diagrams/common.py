"""What every diagram shares: placeholder colours, text for DOT, graph defaults, table cells.

Data never becomes DOT syntax: node names are `n0`, `n1`, …; every string from YAML goes
through `_html()` (escape.html_label) inside HTML-like labels or escape.dot_text in plain attributes; the
only URLs are our own page paths, relative to the site root (`roles/x/`).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass

import graphviz

from ..escape import dot_text, html_label, own_page_path
from ..labels import Labels
from ..model import PLURALS, Entity, Role

# Placeholder colours. Graphviz rejects `currentColor` and CSS variables, so diagrams are
# drawn with these and render.py replaces them in the SVG (see render.PALETTES).
INK = "#010203"
"""Text and outlines: the page's text colour."""
PAPER = "#fefdfc"
"""Box fills: the page's background, so boxes hide lines and are clickable all over."""
ACCENT = "#010204"
"""The diagram's subject: the page's link colour."""
MUTED = "#010205"
"""Connectors and secondary text."""
TINT = "#010206"
"""Department frames: a faint wash that darkens as departments nest."""

FONT = "Helvetica"
"""Graphviz measures text in this font (Liberation Sans on Linux, hard-coded metrics in
graphviz-pure); the browser draws it with Helvetica, Arial or their look-alikes."""

GRID_FROM = 7
"""A manager's team of this many roles with no reports of their own becomes one grid of
boxes instead of a row: 40 reports in a row are 4,600 pt wide, in a grid about 600."""
GRID_COLUMNS = 4
"""At most this many boxes side by side in a grid."""
COORDINATION_LIMIT = 40
"""The coordination map draws at most this many departments (hub and spokes: two columns
of 20); in a bigger organization sub-departments count for their parents."""
ORG_CHART_LIMIT = 3000
"""The full org chart is drawn for at most this many roles; above the limit the organization
page shows the departments overview and says why, and each department page keeps its own
chart. Our layout (`layout.py`) and Graphviz's drawing take about 1.2 s at 3,000 roles, 4 s
at 5,000 and 8.5 s at 10,000 on 2 busy cores (benchmarks/DIAGRAMS.md; dot's own layout took
50 s at 10,000). What the limit guards now is the page: the 3,000-role chart is an inline SVG
of about 4 MB that every reader's browser must draw."""
TITLE_WIDTH = 22
"""Characters per line of a box title; longer titles wrap."""

DIRECTORY_OF_KIND = PLURALS

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry (and C1 controls): YAML's escapes can produce them."""
_MARKDOWN = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images keep their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
]


@dataclass(frozen=True)
class Diagram:
    """One diagram: where it is shown, what it says in words, and its DOT text."""

    key: str
    """`org-chart`, `coordination` or `<kind>/<id>`; the standalone file is `diagrams/<key>.svg`."""
    page: str
    """URL of the page that shows it, relative to the site root: `roles/x/`."""
    title: str
    """Text alternative: what the diagram shows, in one sentence."""
    caption: str
    """Caption under the diagram."""
    dot: str
    """The DOT text to render."""


def page_url(entity: Entity) -> str:
    """Our own page of an entity, relative to the site root (`roles/x/`)."""
    if entity.KIND == "organization":
        return "organization/"
    return own_page_path(f"{DIRECTORY_OF_KIND[entity.KIND]}/{entity.id}/")  # ids are checked by the model


# -- text ------------------------------------------------------------------------------


def plain(text: object) -> str:
    """Text from YAML as one would say it: Markdown marks and control characters dropped."""
    value = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    for pattern, repl in _MARKDOWN:
        value = pattern.sub(repl, value)
    return value.strip()


def _lines(text: object, width: int) -> list[str]:
    """Wrap text to lines of about `width` characters. As in Markdown, a blank line
    separates paragraphs and a single line break is a space."""
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", plain(text)):
        paragraph = " ".join(paragraph.split())
        if paragraph:
            lines.extend(textwrap.wrap(paragraph, width, break_long_words=True, break_on_hyphens=False))
    return lines or [""]  # never cut: every text is bounded by the model, so each shows whole


def _html(text: object, width: int = TITLE_WIDTH) -> str:
    """Text for an HTML-like label: wrapped, every line escaped, lines joined by <BR/>.

    Nothing is cut off: the model bounds every text (`model.TITLE_MAX`, `TEXT_MAX`), so a
    label is at most a few lines taller, never missing its end ("when in doubt, flag")."""
    return "<BR/>".join(html_label(line) for line in _lines(text, width))


def one_line(text: object) -> str:
    """Text for a sentence: plain, its whitespace and line breaks collapsed to single spaces
    (a blank line would end the HTML block that carries the figure in Markdown)."""
    return " ".join(plain(text).split())


def _attr(text: object) -> str:
    """Text for an attribute of an HTML-like label (TITLE): one escaped line."""
    return html_label(one_line(text))


def _tooltip(text: object) -> str:
    """Text for a plain DOT attribute (tooltip): one line, backslashes and <…> literal."""
    return dot_text(one_line(text))


def _small(text_html: str, colour: str = MUTED) -> str:
    return f'<FONT POINT-SIZE="9" COLOR="{colour}">{text_html}</FONT>'


def _count(labels: Labels, key: str, n: int) -> str:
    return labels(f"{key}_one" if n == 1 else f"{key}_other", n=n)


def _joined(labels: Labels, parts: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`, in the page's language."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {labels('diagram_and')} " + parts[-1]


def _sentences(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _headcount(labels: Labels, role: Role) -> str:
    if role.headcount == 0:
        return labels("diagram_open_position")
    return _count(labels, "diagram_people", role.headcount)


_UNITS = {"m": "diagram_minutes", "h": "diagram_hours", "d": "diagram_days"}


def _duration(labels: Labels, value: str) -> str:
    """`15m` -> `15 minutes`, in the page's language."""
    return _count(labels, _UNITS[value[-1]], int(value[:-1]))


# -- DOT scaffolding ----------------------------------------------------------------------


class _Names:
    """Node names n0, n1, … handed out in first-use order; data never names a node."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key not in self._names:
            self._names[key] = f"n{len(self._names)}"
        return self._names[key]


GRAPH_DEFAULTS = {
    "layout": "dot",
    "bgcolor": "transparent",
    "fontname": FONT,
    "fontsize": "10",
    "fontcolor": INK,
    "pad": "0.1",
    "newrank": "false",
    "rankdir": "TB",
    "splines": "spline",
    "nodesep": "0.25",
    "ranksep": "0.5",
    # boxes above lines; and in one Graphviz process `edgesfirst` cannot be undone by a
    # later graph, so every graph uses it
    "outputorder": "edgesfirst",
    "overlap": "true",
    "sep": "+4",
    "esep": "+3",
    "mode": "major",
    "start": "1",
}
NODE_DEFAULTS = {
    "shape": "box",
    "style": "rounded,filled",
    "fillcolor": PAPER,
    "color": INK,
    "fontcolor": INK,
    "fontname": FONT,
    "fontsize": "11",
    "margin": "0.14,0.08",
    "penwidth": "1",
}
EDGE_DEFAULTS = {
    "color": MUTED,
    "fontcolor": MUTED,
    "fontname": FONT,
    "fontsize": "9",
    "penwidth": "1.2",
    "arrowsize": "0.7",
    "arrowhead": "normal",
    "len": "1",
}


def _graph(graph: dict[str, str] | None = None, edge: dict[str, str] | None = None) -> graphviz.Digraph:
    """A graph with our fonts and placeholder colours.

    Every graph states every default any of our graphs changes: when several graphs are
    drawn in one Graphviz process, a graph attribute such as `layout=neato` or
    `outputorder` set in one graph stays in force for the graphs after it (measured on
    2.43 and graphviz-pure), and an SVG must not depend on its neighbours in a batch."""
    unknown = set(graph or {}) - set(GRAPH_DEFAULTS) | set(edge or {}) - set(EDGE_DEFAULTS)
    assert not unknown, f"add {unknown} to the defaults first"
    g = graphviz.Digraph(name="diagram")
    g.attr("graph", **{**GRAPH_DEFAULTS, **(graph or {})})
    g.attr("node", **NODE_DEFAULTS)
    g.attr("edge", **{**EDGE_DEFAULTS, **(edge or {})})
    return g


def _table(rows: list[str], *, border: str = INK, header: str | None = None, cellspacing: int = 0) -> str:
    """An HTML-like table label: a header row and one row per item (already HTML)."""
    head = f'<TR><TD ALIGN="LEFT" CELLPADDING="5" BORDER="0">{header}</TD></TR>' if header else ""
    return (
        f'<<TABLE BORDER="1" COLOR="{border}" STYLE="ROUNDED" CELLBORDER="0" CELLSPACING="{cellspacing}" '
        f'CELLPADDING="5" BGCOLOR="{PAPER}">{head}{"".join(rows)}</TABLE>>'
    )


def _link_cell(entity: Entity, content: str, *, align: str = "LEFT", extra: str = "") -> str:
    return (
        f'<TD HREF="{page_url(entity)}" TITLE="{_attr(entity.label)}" BGCOLOR="{PAPER}" '
        f'ALIGN="{align}" BALIGN="{align}"{extra}>{content}</TD>'
    )
