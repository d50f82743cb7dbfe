"""The same synthetic organization built by each site engine, and exported for Zensical.

    .venv/bin/python benchmarks/engines.py                 # 1,000 and 3,000 roles, writes benchmarks/ENGINES.md
    .venv/bin/python benchmarks/engines.py --roles 300 --out -

Per size, each step in a fresh process with its wall time and peak memory:
`playbook build --engine mkdocs`, `playbook build --engine properdocs` (ProperDocs' own venv,
mkdocs not installed: tests/venvs.py), `playbook export --for zensical` and `zensical build`
on the export (zensical 0.0.73, its own venv). The two engines' sites are compared file by
file: only the generator meta tag may differ. A step that fails is reported with its last
line of output instead of stopping the others (Zensical refuses a search entry of more than
16,384 token positions: the export carries the plugin's search marks so that none grows with
the organization).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from stamp import head_commit, provenance, publish  # noqa: E402
from synth import write  # noqa: E402

from tests import venvs  # noqa: E402

BIN = Path(sys.executable).parent
TIMEOUT = 3600
GENERATOR_TAG = re.compile(rb'<meta name="generator" content="[^"]*">')


def measure(args: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """Wall seconds, peak MiB, exit status and the last line of output of one command."""
    start = time.perf_counter()
    env = venvs.clean_env(PLAYBOOK_TODAY="2026-11-30")
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        lines = [line for line in out.read().splitlines() if line.strip()]
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), (lines[-1] if lines else "")


def same_sites(one: Path, other: Path) -> str:
    """How two sites differ beyond the generator tag: "identical" or the first difference."""
    names = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    if names != sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file()):
        return "different file lists"
    for name in names:
        a, b = (one / name).read_bytes(), (other / name).read_bytes()
        if a != b and GENERATOR_TAG.sub(b"", a) != GENERATOR_TAG.sub(b"", b):
            return f"{name} differs"
    return f"identical apart from the generator tag ({len(names):,} files)"


def run_size(size: int, work: Path) -> list[str]:
    project = write(size, work / f"org-{size}")
    properdocs, zensical = venvs.properdocs_venv(), venvs.zensical_venv()
    steps = [
        ("playbook build --engine mkdocs", [str(BIN / "playbook"), "build", "-q", "--engine", "mkdocs",
                                            "-d", str(work / f"mkdocs-{size}")], project),
        ("playbook build --engine properdocs", [str(venvs.bin_of(properdocs, "playbook")), "build", "-q",
                                                "--engine", "properdocs", "-d", str(work / f"properdocs-{size}")],
         project),
        ("playbook export --for zensical", [str(BIN / "playbook"), "export", "--for", "zensical",
                                            str(work / f"zensical-{size}")], project),
        ("zensical build (0.0.73)", [str(venvs.bin_of(zensical, "zensical")), "build", "-f", "zensical.toml"],
         work / f"zensical-{size}"),
    ]
    rows = []
    for name, command, cwd in steps:
        seconds, memory, status, last = measure(command, cwd)
        outcome = "ok" if status == 0 else f"**failed ({status})**: {last[:200]}"
        rows.append(f"| {size:,} | {name} | {seconds:.1f} s | {memory:,.0f} MiB | {outcome} |")
        print(rows[-1], flush=True)
    if (work / f"mkdocs-{size}").is_dir() and (work / f"properdocs-{size}").is_dir():
        rows.append(f"| {size:,} | MkDocs site vs ProperDocs site | | | "
                    f"{same_sites(work / f'mkdocs-{size}', work / f'properdocs-{size}')} |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--roles", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--out", default=str(HERE / "ENGINES.md"), help="where to write the report; - prints only")
    args = parser.parse_args()
    commit = head_commit()
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="playbook-engines-") as work:
        for size in args.roles:
            rows += run_size(size, Path(work))
    report = "\n".join([
        "# Site engines: MkDocs, ProperDocs, and the export for Zensical",
        "",
        f"{provenance(commit)}, ProperDocs {venvs.PROPERDOCS}, Zensical {venvs.ZENSICAL}. "
        "Written by `benchmarks/engines.py`; each step is a fresh process, no diagram cache.",
        "",
        "| roles | step | wall time | peak memory | outcome |",
        "| ---: | --- | ---: | ---: | --- |",
        *rows,
        "",
    ])
    publish(report, args.out)


if __name__ == "__main__":
    main()
