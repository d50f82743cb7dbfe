"""Hostile sizes: inputs built to make validation slow, timed in fresh processes.

    .venv/bin/python benchmarks/limits.py                      # this checkout, writes benchmarks/LIMITS.md
    .venv/bin/python benchmarks/limits.py --tree /tmp/old --out -   # also an older checkout, print only

Each case writes a project into a temporary folder and runs `validate` on it in a new
Python process with the given tree first on `sys.path`, under a timeout. `make test` runs
small cases of the same code paths (tests/test_limits.py); these are the big ones.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from stamp import head_commit, provenance, publish

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BASE = REPO / "tests" / "problems" / "_base"
TIMEOUT = 300
"""Seconds a case may take before it is reported as 'over' the limit."""

VALIDATE = """
import sys, time
from pathlib import Path
from generator.project import validate
start = time.perf_counter()
result = validate(Path(sys.argv[1]))
print(time.perf_counter() - start, len(result.errors))
"""


def role(rid: str, boss: str | None, department: str = "marketing") -> str:
    line = f"reports_to: {boss}\n" if boss else ""
    return f"title: {rid}\nsummary: A role.\ndepartment: {department}\n{line}responsibilities:\n  - Work.\n"


def chain(project: Path, length: int) -> None:
    """A reporting line `length` roles long: the cycle check used to be cubic in it."""
    roles = project / "org" / "roles"
    for i in range(length):
        (roles / f"level-{i:05d}.yml").write_text(role(f"level-{i:05d}", "head-of-marketing" if i == 0 else f"level-{i - 1:05d}"))


def misspelt(project: Path, count: int) -> None:
    """`count` roles, each reporting to a misspelt id: "did you mean" used to compare each with every id."""
    roles = project / "org" / "roles"
    words = ("social", "media", "community", "content", "brand", "care", "store", "video", "design", "sales")
    for i in range(count):
        rid = f"{words[i % 10]}-{words[(i // 10) % 10]}-{words[(i // 100) % 10]}-{i}"
        wrong = f"{words[i % 10]}-{words[(i // 10) % 10]}-{words[(i // 100) % 10]}-{i + 1}x"
        (roles / f"{rid}.yml").write_text(role(rid, wrong))


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "chain-50000": ("a reporting line of 50,000 roles", lambda p: chain(p, 50_000)),
    "misspelt-3000": ("3,000 roles with a misspelt reports_to each", lambda p: misspelt(p, 3_000)),
}


def measure(tree: Path, project: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONHASHSEED="0")
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", VALIDATE, str(project)],
            capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False,
            cwd=tree,  # `python -c` puts the working folder first on sys.path, before PYTHONPATH
        )
    except subprocess.TimeoutExpired:
        return f"over {TIMEOUT} s"
    if done.returncode != 0:
        return f"failed after {time.perf_counter() - start:.1f} s: {done.stderr.strip().splitlines()[-1]}"
    seconds, errors = done.stdout.split()
    return f"{float(seconds):.2f} s ({int(errors):,} error{'s' if errors != '1' else ''})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", action="append", default=[], help="another checkout to measure too")
    parser.add_argument("--out", default=str(HERE / "LIMITS.md"), help="where to write the report; - prints only")
    args = parser.parse_args()
    trees = [REPO, *(Path(t).resolve() for t in args.tree)]
    commit = head_commit()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name, (what, make) in CASES.items():
            project = Path(work) / name
            shutil.copytree(BASE, project)
            make(project)
            times = [measure(tree, project) for tree in trees]
            rows.append(f"| {what} | " + " | ".join(times) + " |")
            print(rows[-1], flush=True)
    header = ["| case | " + " | ".join(["this checkout", *[f"`{t}`" for t in args.tree]]) + " |"]
    header.append("| --- | " + " | ".join("---" for _ in trees) + " |")
    report = "\n".join(
        [
            "# Hostile sizes: validation time",
            "",
            f"{provenance(commit)}. Written by `benchmarks/limits.py`; "
            f"each case in a fresh process, time inside `validate()`, timeout {TIMEOUT} s.",
            "",
            *header,
            *rows,
            "",
        ]
    )
    publish(report, args.out)


if __name__ == "__main__":
    main()
