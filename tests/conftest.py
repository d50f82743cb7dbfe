"""Shared fixtures and the rule for missing tools.

`need_tool(reason)` is the only way a test may give up because something is not installed:
it skips the test on a developer's machine and fails it when `CI` is set (to any non-empty
value; `.ci/run` sets `CI=true`), so a green CI run cannot hide a missing install step.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent


def in_ci() -> bool:
    """True when the environment variable `CI` is set to anything but the empty string."""
    return bool(os.environ.get("CI"))


def need_tool(reason: str) -> NoReturn:
    """Give up on a test because a tool is missing: skip it, or fail it under CI.

    `reason` says what is missing and how to install it, e.g. "Debian's chromium is not
    installed (make system-deps as root runs apt-get install chromium)".
    """
    if in_ci():
        pytest.fail(f"{reason}; CI is set, so a missing tool fails the test instead of skipping it", pytrace=False)
    pytest.skip(reason)


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


@pytest.fixture(autouse=True)
def _no_job_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside GitHub Actions too: `playbook validate --format github` must not write
    into the real job summary there, nor print less than it does everywhere else."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium through Playwright, one per test module that asks for it."""
    from playwright.sync_api import sync_playwright

    from .browser_support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
