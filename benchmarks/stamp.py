"""What every benchmark report (ENGINES.md, HUGE.md, LIMITS.md, DIAGRAMS.md) says about where it
was measured, and where it goes: one place, so the reports stay comparable."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def head_commit() -> str:
    """The checkout's commit, short, as the reports name it."""
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def provenance(commit: str) -> str:
    """`<today>, commit <commit>, <machine>, <n> cores, Python <version>`: the start of a report's
    first paragraph, which each script goes on with what it ran."""
    return (f"{datetime.date.today().isoformat()}, commit {commit}, {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")


def publish(report: str, out: str) -> None:
    """Print the report (`out` is '-') or write it to the file `out`."""
    if out == "-":
        print(report)
    else:
        Path(out).write_text(report, encoding="utf-8")
