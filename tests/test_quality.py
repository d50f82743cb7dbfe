"""The code passes our linters: ruff (style, imports, bugbear) and mypy with the pydantic plugin."""

from __future__ import annotations

import shutil
import subprocess
import sys

from .conftest import REPO, need_tool


def _tool(name: str) -> list[str]:
    found = shutil.which(name, path=str(REPO / ".venv" / "bin")) or shutil.which(name)
    if found is None:
        need_tool(f"{name} is not installed (make .venv/.installed runs pip install -e '.[test]')")
    return [found]


def test_ruff() -> None:
    done = subprocess.run([*_tool("ruff"), "check", "generator", "tests", "benchmarks"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "generator"], cwd=REPO, capture_output=True, text=True
    )
    if "No module named mypy" in done.stderr:
        need_tool("mypy is not installed (make .venv/.installed runs pip install -e '.[test]')")
    assert done.returncode == 0, done.stdout + done.stderr


