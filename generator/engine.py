"""Find the Graphviz `dot` program: the system one, else the `graphviz-pure` wheel's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import EngineError

ENGINES = ("auto", "system", "pure")


@dataclass(frozen=True)
class Engine:
    """A Graphviz executable and what it says its version is."""

    name: str
    """'system' for Graphviz's own dot, 'pure' for the graphviz-pure wheel."""
    executable: str
    version: str

    def __str__(self) -> str:
        return f"{self.version} ({self.executable})"


def _pure_executable() -> str | None:
    found = shutil.which("graphviz-pure")
    if found:
        return found
    candidate = Path(sys.executable).parent / "graphviz-pure"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return None


def _version_of(executable: str) -> str:
    try:
        done = subprocess.run(
            [executable, "-V"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError as exc:
        raise EngineError(f"cannot run Graphviz at {executable}: {exc}") from None
    text = (done.stderr or done.stdout).strip().splitlines()
    return text[0] if text else "unknown version"


def find_engine(choice: str = "auto") -> Engine:
    """The engine to draw with; `choice` is auto, system or pure. It runs the program once to
    ask its version: a `Cache` keeps the answer for a build or a `serve` session."""
    if choice not in ENGINES:
        raise EngineError(f"unknown Graphviz engine '{choice}'; choose one of {', '.join(ENGINES)}")
    if choice in ("auto", "system"):
        dot = shutil.which("dot")
        if dot:
            return Engine("system", dot, _version_of(dot))
        if choice == "system":
            raise EngineError(
                "Graphviz's dot program is not installed; install it (apt-get install graphviz) "
                "or choose the engine 'pure' (pip install graphviz-pure)"
            )
    pure = _pure_executable()
    if pure:
        return Engine("pure", pure, _version_of(pure))
    raise EngineError(
        "no Graphviz engine found: install Graphviz (apt-get install graphviz) "
        "or the graphviz-pure wheel (pip install graphviz-pure)"
    )


def describe_engine(choice: str = "auto") -> str:
    try:
        return str(find_engine(choice))
    except EngineError as exc:
        return f"none ({exc})"
