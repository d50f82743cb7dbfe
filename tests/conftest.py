"""Shared fixtures: paths of the repository, the sample project and a copy of it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
UPDATE_GOLDEN = os.environ.get("UPDATE_GOLDEN") == "1"


def copy_project(source: Path, target: Path) -> Path:
    """Copy a playbook project (mkdocs.yml, org/, playbook/, docs/) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "org", "playbook", "docs", "schemas"):
        src = source / name
        if src.is_dir():
            shutil.copytree(src, target / name)
        elif src.is_file():
            shutil.copy2(src, target / name)
    return target


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the sample organization, safe to break."""
    return copy_project(REPO, tmp_path / "sample")
