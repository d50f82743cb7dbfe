"""A compact top-down layout for the full org chart, computed here rather than by `dot`.

Why not `dot`: dot puts every role of a level on one row, so a reporting tree is as wide as
it has leaves (a 3,000-role organization was a 136,000 pt strip when drawn left to right,
and is as wide when drawn top to bottom). People who live in org charts stack a manager's
reports instead. Here each manager's reports hang from a few *spines*: vertical lines with
reports on both sides, one above the other; several spines hang side by side from a bus.
How many spines a manager gets is chosen, bottom up, so that the manager's block comes
closest to a target shape; the target itself is chosen so that the whole chart is closest
to a screen's shape (`TARGET`). Everything is linear in the number of roles.

The result is positions (points, y downwards) of boxes and of the connectors' corner
points; `org.org_chart` writes them as DOT with `layout=nop2`, so Graphviz only draws.
Box sizes are estimated from Helvetica's metrics (`text_width`), which Graphviz's Liberation
Sans shares, with room for Graphviz 2.43 measuring about 17% wider.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

# Advance widths of Helvetica (= Liberation Sans, Arial) for ASCII 32-126, in 1/1000 em,
# measured in Chromium; they are the Adobe metrics.
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
    722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
    278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778,
    722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333,
    278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)
GRAPHVIZ_WIDER = 1.12
"""Graphviz 2.43 (Debian, pango) measures Liberation Sans wider than its metrics: about 12%
more, plus about 0.06 em a letter (whole pixels per letter: a run of narrow letters came out
35% wider, a bold 11 pt title 17%). Boxes are sized for it so that its text never crosses a
border (tests/test_diagrams.py checks it); graphviz-pure measures the metrics themselves."""
PER_LETTER = 0.06
"""Em added per letter, with `GRAPHVIZ_WIDER`."""

PAD_X, PAD_Y = 8.0, 5.0
"""Space inside a box around its text, points."""
V_GAP = 22.0
"""From a manager's box down to the bus or the first reports."""
H_GAP = 16.0
"""Between blocks side by side on a bus."""
SPINE_GAP = 24.0
"""Between the two columns of a spine; the spine runs in its middle."""
ROW_GAP = 10.0
"""Between blocks stacked on one side of a spine."""
TARGET = 1.6
"""The chart's preferred width : height, a laptop screen's shape. Between 1:3 and 3:1 is
required (issue 10); the layout tries a few per-manager targets and keeps the one whose
whole chart comes closest to this."""
READABLE_WIDTH = 900.0
"""A chart at most this wide (points) is read at its drawn size on a laptop's chart page
(the page has no sidebars: about 1,200 px, and 9 pt text is 11 px down to 0.92 of its
size): when one of the tries is this narrow, the narrowest shape closest to `TARGET` wins."""
TRIES = (0.35, 0.6, 0.8, 1.0, 1.25, 1.6, 2.0, 2.5, 4.0)
"""Per-manager targets tried, bottom up, for the shape of every manager's block."""


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width of one line of text in Helvetica at `size` points, as Graphviz will
    measure it at most (see `GRAPHVIZ_WIDER`). Letters outside ASCII count as a wide
    letter, East Asian wide ones and emoji as a full em: a box is better too wide."""
    table = _BOLD if bold else _REGULAR
    total = 0
    for char in text:
        code = ord(char)
        if 32 <= code < 127:
            total += table[code - 32]
        elif unicodedata.east_asian_width(char) in "WF" or code >= 0x1F000:
            total += 1000
        else:
            total += 667
    return (total / 1000 * GRAPHVIZ_WIDER + PER_LETTER * len(text)) * size


@dataclass
class Box:
    """A role's box: its size (points) and, once placed, its centre."""

    key: str
    width: float
    height: float
    children: list[Box] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0


@dataclass
class Block:
    """A box with everything under it, relative to the box's centre line: `left` and
    `right` are the extents either side of that line, `height` from the box's top."""

    left: float
    right: float
    height: float
    spines: int = 1
    """How many spines the box's reports hang from (1: one spine or a single report)."""

    @property
    def width(self) -> float:
        return self.left + self.right


@dataclass
class Layout:
    """Where everything goes: boxes (by key, centre), connector corner points and the
    lines between them (pairs of point or box keys), and the whole chart's size."""

    boxes: dict[str, tuple[float, float]]
    points: dict[str, tuple[float, float]]
    lines: list[tuple[str, str]]
    width: float
    height: float


def _chunks(items: list[Box], n: int) -> list[list[Box]]:
    """`items` cut into `n` consecutive groups whose sizes differ by at most one."""
    size, extra = divmod(len(items), n)
    groups, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        groups.append(items[start:end])
        start = end
    return groups


def _sides(group: list[Box], blocks: dict[str, Block]) -> tuple[list[Box], list[Box]]:
    """A spine's reports: each in turn to the shorter side, the left one on a tie."""
    left: list[Box] = []
    right: list[Box] = []
    heights = [0.0, 0.0]
    for box in group:
        side = 0 if heights[0] <= heights[1] else 1
        (left if side == 0 else right).append(box)
        heights[side] += blocks[box.key].height + ROW_GAP
    return left, right


def _spine_extent(group: list[Box], blocks: dict[str, Block]) -> tuple[float, float, float]:
    """Left and right extent around the spine, and height, of one spine's reports."""
    if len(group) == 1:
        b = blocks[group[0].key]
        return b.left, b.right, b.height
    left, right = _sides(group, blocks)
    half = SPINE_GAP / 2
    lw = half + max((blocks[b.key].width for b in left), default=0.0)
    rw = half + max((blocks[b.key].width for b in right), default=0.0)
    height = max(sum(blocks[b.key].height + ROW_GAP for b in side) - ROW_GAP if side else 0.0
                 for side in (left, right))
    return lw, rw, height


def _arrangement(box: Box, spines: int, blocks: dict[str, Block]) -> Block:
    """The block of `box` with its reports on `spines` spines side by side."""
    extents = [_spine_extent(group, blocks) for group in _chunks(box.children, spines)]
    # spines side by side: anchors (spine lines) at running offsets
    anchors, x = [], 0.0
    for i, (lw, rw, _h) in enumerate(extents):
        if i:
            x += H_GAP + lw
        anchors.append(x)
        x += rw
    centre = (anchors[0] + anchors[-1]) / 2  # the manager sits above the middle of its bus
    left = max(box.width / 2, centre - (anchors[0] - extents[0][0]))
    right = max(box.width / 2, anchors[-1] + extents[-1][1] - centre)
    height = box.height + V_GAP + max(h for _l, _r, h in extents)
    return Block(left, right, height, spines)


def _spine_choices(n: int) -> list[int]:
    return sorted({1, 2, 3, 4, 5, 6, 8, 10, 12, n} & set(range(1, n + 1)))


def _blocks(order: list[Box], target: float) -> dict[str, Block]:
    """Every box's block, bottom up (`order` lists managers before their reports), each
    manager taking the number of spines whose block's shape is closest to `target`."""
    blocks: dict[str, Block] = {}
    goal = math.log(target)
    for box in reversed(order):
        if not box.children:
            blocks[box.key] = Block(box.width / 2, box.width / 2, box.height)
            continue
        best: Block | None = None
        for spines in _spine_choices(len(box.children)):
            block = _arrangement(box, spines, blocks)
            if best is None or abs(math.log(block.width / block.height) - goal) < abs(
                    math.log(best.width / best.height) - goal) - 1e-9:
                best = block
        assert best is not None
        blocks[box.key] = best
    return blocks


class _Placer:
    """Positions from blocks, top down; connector points named `key:…`."""

    def __init__(self, blocks: dict[str, Block]) -> None:
        self.blocks = blocks
        self.boxes: dict[str, tuple[float, float]] = {}
        self.points: dict[str, tuple[float, float]] = {}
        self.lines: list[tuple[str, str]] = []

    def place(self, box: Box, x: float, top: float) -> None:
        """Put `box` with its centre line at `x` and its top at `top`, then its reports.
        The forest's invisible top (key "") gets no box and no connectors."""
        draw = box.key != ""
        if draw:
            self.boxes[box.key] = (x, top + box.height / 2)
        if not box.children:
            return
        block = self.blocks[box.key]
        groups = _chunks(box.children, block.spines)
        extents = [_spine_extent(group, self.blocks) for group in groups]
        anchors, offset = [], 0.0
        for i, (lw, rw, _h) in enumerate(extents):
            if i:
                offset += H_GAP + lw
            anchors.append(offset)
            offset += rw
        shift = x - (anchors[0] + anchors[-1]) / 2
        below = top + box.height + V_GAP
        bus = top + box.height + V_GAP / 2
        if len(groups) > 1 and draw:
            mid = f"{box.key}:bus"
            self.points[mid] = (x, bus)
            self.lines.append((box.key, mid))
            ends = [f"{box.key}:bus:{i}" for i in range(len(groups))]
            for end, anchor in zip(ends, anchors, strict=True):
                self.points[end] = (anchor + shift, bus)
            chain = sorted([mid, *ends], key=lambda p: self.points[p][0])
            self.lines.extend(zip(chain, chain[1:], strict=False))
        for i, (group, anchor) in enumerate(zip(groups, anchors, strict=True)):
            head = box.key if len(groups) == 1 else f"{box.key}:bus:{i}"
            self._spine(group, anchor + shift, below, head, f"{box.key}:{i}", draw)

    def _spine(self, group: list[Box], x: float, top: float, head: str, name: str, draw: bool) -> None:
        if len(group) == 1:
            if draw:
                self.lines.append((head, group[0].key))
            self.place(group[0], x, top)
            return
        left, right = _sides(group, self.blocks)
        stops: dict[float, str] = {}
        for side, sign in ((left, -1), (right, 1)):
            y = top
            for child in side:
                b = self.blocks[child.key]
                cx = x - SPINE_GAP / 2 - b.right if sign < 0 else x + SPINE_GAP / 2 + b.left
                self.place(child, cx, y)
                mid = round(y + child.height / 2, 2)
                if draw:
                    point = stops.setdefault(mid, f"{name}:{len(stops)}")
                    self.points[point] = (x, mid)
                    self.lines.append((point, child.key))
                y += b.height + ROW_GAP
        if draw and stops:
            chain = [head] + [stops[y] for y in sorted(stops)]
            self.lines.extend(zip(chain, chain[1:], strict=False))


def compact_tree(roots: list[Box], *, target: float = TARGET) -> Layout:
    """Lay out a forest of boxes top down, as compact as `TRIES` allows, its shape as close
    to `target` (width : height) as the tries come. Roots sit side by side or stacked like
    the reports of an invisible manager."""
    top = Box("", 0.0, 0.0, children=list(roots))
    order: list[Box] = []
    stack = [top]
    while stack:  # managers before their reports, without recursion
        box = stack.pop()
        order.append(box)
        stack.extend(reversed(box.children))
    best: tuple[tuple[bool, bool, float], dict[str, Block]] | None = None
    for tried in TRIES:
        blocks = _blocks(order, tried)
        whole = blocks[""]
        ratio = whole.width / max(whole.height - V_GAP, 1.0)
        shaped = 1 / 3 <= ratio <= 3
        score = (not (shaped and whole.width <= READABLE_WIDTH), not shaped, abs(math.log(ratio) - math.log(target)))
        if best is None or score < best[0]:
            best = (score, blocks)
    assert best is not None
    placer = _Placer(best[1])
    whole = best[1][""]
    placer.place(top, whole.left, -V_GAP)
    return Layout(placer.boxes, placer.points, placer.lines, whole.width, whole.height - V_GAP)
