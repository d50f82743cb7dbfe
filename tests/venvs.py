"""Virtual environments of their own for the other engines and for the installed package.

ProperDocs redirects `mkdocs` imports, Zensical brings its own Python packages, and "the
wheel alone" must not see the source tree: none of them may go into the main `.venv`. Each
kind is made once under `.cache/venvs/<kind>-<version>/` and reused by later sessions (a
`.ready` file says it was finished; a half-made one is made again). The tests and
`benchmarks/engines.py` share this module.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = ROOT / ".cache" / "venvs"
PROPERDOCS = "1.6.7"
"""The ProperDocs release the tests build with (the newest on the package index today)."""
ZENSICAL = "0.0.73"
"""The newest Zensical that installs from our package index: later releases need `zensical-ui`."""


def bin_of(venv: Path, program: str) -> Path:
    return venv / "bin" / program


def _pip(venv: Path, *args: str) -> None:
    done = subprocess.run([str(bin_of(venv, "python")), "-m", "pip", "install", "--quiet", *args],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pip install {' '.join(args)} failed in {venv}:\n{done.stdout}{done.stderr}")


def _make(name: str, fill) -> Path:  # noqa: ANN001 - a function of the new venv's path
    """The venv `name` under .cache/venvs, made by `fill(venv)` unless a finished one is there."""
    venv = VENVS / name
    if (venv / ".ready").is_file():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    VENVS.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    fill(venv)
    (venv / ".ready").write_text("ready\n", encoding="utf-8")
    return venv


def _without_mkdocs(requirements: list[str]) -> list[str]:
    """Requirement strings without markers for extras, and without mkdocs itself."""
    kept = []
    for requirement in requirements:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].strip().lower()
        if name != "mkdocs":
            kept.append(requirement)
    return kept


def properdocs_venv() -> Path:
    """ProperDocs, Material and this package (editable, from this checkout) with mkdocs not
    installed at all: Material and this package go in without their dependencies, and
    everything they need but mkdocs is installed by name."""
    material = metadata.version("mkdocs-material")
    ours = metadata.requires("playbook-site") or []
    key = hashlib.sha256(f"{ROOT}|{material}|{sorted(ours)}".encode()).hexdigest()[:8]

    def fill(venv: Path) -> None:
        needed = _without_mkdocs(metadata.requires("mkdocs-material") or []) + _without_mkdocs(ours)
        _pip(venv, f"properdocs=={PROPERDOCS}", *needed)
        _pip(venv, "--no-deps", f"mkdocs-material=={material}", "-e", str(ROOT))
        # a dependency of a dependency (mkdocs-material-extensions) still pulls mkdocs in
        subprocess.run([str(bin_of(venv, "python")), "-m", "pip", "uninstall", "--yes", "--quiet", "mkdocs",
                        "mkdocs-get-deps"], capture_output=True, check=True)

    return _make(f"properdocs-{PROPERDOCS}-{key}", fill)


def zensical_venv() -> Path:
    """Zensical alone: it builds the Markdown that `playbook export` writes."""
    return _make(f"zensical-{ZENSICAL}", lambda venv: _pip(venv, f"zensical=={ZENSICAL}"))


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a program of another venv: no PYTHONPATH or VIRTUAL_ENV of ours."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(extra)
    return env
