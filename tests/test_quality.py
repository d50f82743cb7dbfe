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


def test_every_python_package_is_in_the_distribution() -> None:
    """An editable install finds every folder; a real one (what `playbook init`'s requirements
    install) ships only the packages pyproject names: generator.diagrams was missing once."""
    import ast
    import re

    line = re.search(r"(?m)^packages = (\[.*\])$", (REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert line, "pyproject.toml names no packages"
    declared = set(ast.literal_eval(line.group(1)))
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "generator").rglob("__init__.py")
        if "scaffold" not in init.parts
    }
    assert found <= declared, sorted(found - declared)
