"""Generation after a one-role edit, every unit made (before) against incremental (after).

    .venv/bin/python benchmarks/generate.py [--sizes 100,1000,3000] [--repeat 3] [--out benchmarks/GENERATE.md]

For each synthetic organization (`synth.write`), one run measures side by side, so that the
ratios hold on a busy machine:

- **cold**: `site.generate` in a new process with an empty cache folder (before: nothing
  recorded; after: every read recorded and the state written);
- **serve**: `generate` in a warm process (one `Cache`, in memory, as `playbook serve` keeps
  it) after a role's summary is edited;
- **build**: `generate` in a new process reading the cache folder the last build left, after
  the same kind of edit (`playbook build` with its cache folder).

Before is `Cache.incremental = False`: the cache keeps parsed files, SVG drawings, figures
and the Jinja environment, and every page and diagram is made again (the code at 26a4ae0 did
the same). Times are `generate` only (not Python's start), minimum of `--repeat` edits.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from stamp import head_commit, provenance, publish  # noqa: E402
from synth import write  # noqa: E402

from generator.cache import Cache  # noqa: E402
from generator.site import generate  # noqa: E402

TODAY = datetime.date(2026, 11, 30)


def run(root: Path, cache: Cache, folder: Path) -> dict[str, float | int]:
    start = time.perf_counter()
    output = generate(root, cache=cache, cache_dir=folder / "svg", today=TODAY, changed={})
    seconds = time.perf_counter() - start
    assert not output.result.errors, output.result.errors[:3]
    counts = cache.counts
    return {
        "seconds": seconds,
        # the calendar and the format reference are units too: made again only on a new day (after)
        "pages": len(output.pages),
        "pages_made": counts.pages_made + len(output.pages) - counts.pages if counts else len(output.pages),
        "diagrams": len(output.svgs),
        "diagrams_made": counts.diagrams_made if counts else len(output.svgs),
    }


def child(root: Path, folder: Path, incremental: bool) -> dict[str, float | int]:
    """`generate` in a new process, as `playbook build` runs it."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(root), str(folder), "1" if incremental else "0"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def edit(root: Path, n: int) -> None:
    """A new summary for one role (the same role each time, a different text)."""
    path = sorted((root / "org" / "roles").glob("*.yml"))[len(list((root / "org" / "roles").glob("*.yml"))) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^summary: .*$", f"summary: Edited summary number {n}.", text, count=1, flags=re.M),
                    encoding="utf-8")


def measure(size: int, repeat: int, work: Path) -> dict[str, dict[str, dict[str, float | int]]]:
    root = write(size, work / f"org-{size}")
    folders = {mode: work / f"cache-{size}-{mode}" for mode in ("before", "after")}
    found: dict[str, dict[str, dict[str, float | int]]] = {"cold": {}, "serve": {}, "build": {}}
    for mode, folder in folders.items():  # cold: also leaves each mode its cache folder
        found["cold"][mode] = child(root, folder, mode == "after")
    caches = {}
    for mode in folders:
        cache = Cache()
        cache.folder, cache.write_output, cache.incremental = folders[mode], False, mode == "after"
        run(root, cache, folders[mode])  # the session's first build
        caches[mode] = cache
    for n in range(repeat):
        edit(root, n)
        order = ("before", "after") if n % 2 == 0 else ("after", "before")
        for mode in order:
            for case, result in (("serve", run(root, caches[mode], folders[mode])),
                                 ("build", child(root, folders[mode], mode == "after"))):
                best = found[case].get(mode)
                if best is None or result["seconds"] < best["seconds"]:
                    found[case][mode] = result
    return found


def report(results: dict[int, dict[str, dict[str, dict[str, float | int]]]], repeat: int) -> str:
    lines = [
        "# Incremental generation",
        "",
        f"{provenance(head_commit())}; `benchmarks/generate.py`, minimum of {repeat} one-role summary edits. "
        "Times are `site.generate` alone (validation included, Python's start and MkDocs not). "
        "Before: every page and diagram made again (`Cache.incremental = False`); after: only what the "
        "edit touched (`generator/incremental.py`). Made: pages / diagrams made again of all.",
        "",
        "| roles | case | before | after | after / before | made before | made after |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size, found in results.items():
        for case in ("cold", "serve", "build"):
            b, a = found[case]["before"], found[case]["after"]
            made = [f"{r['pages_made']:,} / {r['pages']:,} pages, {r['diagrams_made']:,} / {r['diagrams']:,} diagrams"
                    for r in (b, a)]
            lines.append(f"| {size:,} | {case} | {b['seconds']:.2f} s | {a['seconds']:.2f} s | "
                         f"{a['seconds'] / b['seconds']:.2f}x | {made[0]} | {made[1]} |")
    lines += [
        "",
        "cold: a new process, empty cache folder. serve: the same process after the edit (the `Cache` "
        "of a `playbook serve` session). build: a new process reading the cache folder of the last "
        "build (`playbook build`). The one-role build against the cold one, after: "
        + ", ".join(f"{size:,} roles {found['build']['after']['seconds'] / found['cold']['after']['seconds']:.2f}x"
                    for size, found in results.items())
        + ".",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        root, folder, incremental = Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "1"
        cache = Cache()
        cache.folder, cache.incremental = folder, incremental
        print(json.dumps(run(root, cache, folder)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default=str(HERE / "GENERATE.md"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="playbook-generate-"))
    try:
        results = {}
        for size in (int(s) for s in args.sizes.split(",")):
            results[size] = measure(size, args.repeat, work)
            print(f"{size} roles done", file=sys.stderr)
        publish(report(results, args.repeat), args.out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
