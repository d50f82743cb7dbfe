"""The roles index's size and Python-Markdown time, flat and grouped by department.

    python benchmarks/roles_index.py [SIZE ...]     # default: 500 1000 3000

For each size, a synthetic organization (`synth.py`) is generated once (diagrams off) and its
roles index is made twice: as the one table of every role with its summary (the page up to
`pages.ROLES_INDEX_LIMIT` roles, forced here by raising the limit) and grouped by department
(the page above the limit). Each Markdown is converted by Python-Markdown with the
extensions a site uses, and the minimum of 7 runs is printed as a Markdown table.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import markdown

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

from generator import pages  # noqa: E402
from generator.labels import get_labels  # noqa: E402
from generator.site import generate  # noqa: E402

EXTENSIONS = ["toc", "tables", "attr_list", "md_in_html", "admonition"]
RUNS = 7


def convert(text: str) -> tuple[float, int]:
    """The minimum time of `RUNS` conversions, and the HTML's size in bytes."""
    best, html = float("inf"), ""
    for _ in range(RUNS):
        converter = markdown.Markdown(extensions=EXTENSIONS)
        start = time.perf_counter()
        html = converter.convert(text)
        best = min(best, time.perf_counter() - start)
    return best, len(html.encode("utf-8"))


def measure(size: int, folder: Path) -> list[str]:
    """One table row per form of the page (flat, grouped) for an organization of `size` roles."""
    root = synth.write(size, folder / f"org-{size}")
    out = generate(root, diagrams=False)
    playbook = out.result.playbook
    assert playbook is not None, out.result.errors
    labels, limit = get_labels("en"), pages.ROLES_INDEX_LIMIT
    found = []
    for form, forced in (("flat", size), ("grouped", size - 1)):
        pages.ROLES_INDEX_LIMIT = forced
        try:
            text = pages.render_pages(playbook, labels)["roles/index.md"].markdown
        finally:
            pages.ROLES_INDEX_LIMIT = limit
        seconds, html = convert(text)
        shown = " (shown)" if (form == "grouped") == (size > limit) else ""
        found.append(f"| {size:,} | {form}{shown} | {len(text.encode('utf-8')) / 1000:,.0f} KB | {html / 1000:,.0f} KB | {seconds:.3f} s |")
    return found


def main(sizes: list[int]) -> None:
    print("| roles | page | Markdown | HTML | Python-Markdown (min of 7) |")
    print("| ---: | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            for row in measure(size, Path(folder)):
                print(row, flush=True)


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [500, 1000, 3000])
