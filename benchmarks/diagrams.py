"""The full org chart's layout at 300, 1,000 and 3,000 roles: time and shape.

    .venv/bin/python benchmarks/diagrams.py              # writes benchmarks/DIAGRAMS.md
    .venv/bin/python benchmarks/diagrams.py --roles 300 --out -

For each size, a synthetic organization (benchmarks/synth.py): the time to build the chart's
DOT text (our layout, generator/diagrams/layout.py), the time Graphviz takes to draw it
(one `dot -Tsvg` run, no cache), the drawing's size and its width : height, which must stay
between 1:3 and 3:1 (issue 10), and the layout's budget: under 10 s at 3,000 roles
(`ORG_CHART_LIMIT`).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from stamp import head_commit, provenance, publish  # noqa: E402
from synth import write  # noqa: E402

from generator.diagrams import ORG_CHART_LIMIT, org_chart  # noqa: E402
from generator.diagrams.render import render_svgs  # noqa: E402
from generator.engine import find_engine  # noqa: E402
from generator.facts import Facts  # noqa: E402
from generator.labels import get_labels  # noqa: E402
from generator.project import validate  # noqa: E402

BUDGET = 10.0
"""Seconds the 3,000-role chart may take, DOT text and drawing together."""


def measure(roles: int, work: Path) -> dict[str, float]:
    playbook = validate(write(roles, work / f"org-{roles}")).playbook
    facts = Facts(playbook)
    start = time.perf_counter()
    chart = org_chart(playbook, get_labels("en"), facts)
    layout = time.perf_counter() - start
    start = time.perf_counter()
    svg = render_svgs([chart.dot], find_engine("auto"))[0]
    draw = time.perf_counter() - start
    size = re.search(r'width="([0-9.]+)pt" height="([0-9.]+)pt"', svg)
    assert size, svg[:200]
    width, height = float(size.group(1)), float(size.group(2))
    return {"roles": roles, "layout": layout, "draw": draw, "width": width, "height": height}


def report(rows: list[dict[str, float]], commit: str) -> str:
    engine = find_engine("auto")
    lines = [
        "# Org chart layout: time and shape",
        "",
        f"{provenance(commit)}, Graphviz {engine}. Written by `benchmarks/diagrams.py`.",
        "",
        "Layout is our DOT text with every position (generator/diagrams/layout.py); drawing is one",
        f"Graphviz run at those positions. Shape must be between 1:3 and 3:1; the 3,000-role total "
        f"must stay under {BUDGET:g} s (the chart is drawn up to {ORG_CHART_LIMIT:,} roles).",
        "",
        "| roles | layout | drawing | total | size (pt) | width : height | within 1:3-3:1 |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        ratio = row["width"] / row["height"]
        lines.append(
            f"| {row['roles']:,.0f} | {row['layout']:.2f} s | {row['draw']:.2f} s | {row['layout'] + row['draw']:.2f} s "
            f"| {row['width']:,.0f} x {row['height']:,.0f} | {ratio:.2f} | {'yes' if 1 / 3 <= ratio <= 3 else 'NO'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roles", type=int, nargs="*", default=[300, 1000, 3000])
    parser.add_argument("--out", default=str(HERE / "DIAGRAMS.md"), help="where to write the report; - prints only")
    args = parser.parse_args()
    commit = head_commit()
    rows = []
    with tempfile.TemporaryDirectory(prefix="playbook-diagrams-") as work:
        for roles in args.roles:
            rows.append(measure(roles, Path(work)))
            print(rows[-1], flush=True)
    text = report(rows, commit)
    failed = [r for r in rows if not 1 / 3 <= r["width"] / r["height"] <= 3
              or (r["roles"] >= 3000 and r["layout"] + r["draw"] > BUDGET)]
    publish(text, args.out)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
