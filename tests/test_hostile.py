"""Hostile and broken playbooks through a real mkdocs build.

Every folder under tests/hostile/ and tests/problems/ overlays the valid base project.
Each build must end either in a clear, located error (an MkDocs error, never another
exception) or in a site where nothing from the YAML became markup. Either way no file
under docs/, org/ or playbook/ changes, and a failed build leaves the last site alone.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.targets import mark

from .active_content import site_problems
from .test_problems import CASE_NAMES, build_case, overlay, snapshot

HOSTILE = Path(__file__).parent / "hostile"
HOSTILE_CASES = sorted(p.name for p in HOSTILE.iterdir() if p.is_dir())
MKDOCS_YML = """\
site_name: Hostile case
edit_uri: https://example.com/playbook/edit/main/docs/
theme:
  name: material
  font: false
  features:
    - content.action.edit
plugins:
  - search
  - playbook
markdown_extensions:
  - toc
  - tables
  - admonition
  - attr_list
  - md_in_html
"""


def prepare(project: Path) -> Path:
    (project / "mkdocs.yml").write_text(MKDOCS_YML)
    (project / "docs").mkdir(exist_ok=True)
    if not (project / "docs" / "index.md").exists():
        (project / "docs" / "index.md").write_text("# Home\n")
    site = project / "site"
    site.mkdir()
    (site / "last-good.txt").write_text("the previous site\n")
    mark(site, "an earlier build")  # a site folder of ours, which a build may replace
    return site


def run_build(project: Path) -> tuple[Exception | None, str]:
    """Build in-process; return the MkDocs error (if any) and the log text."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
        try:
            build(config)
        except MkDocsException as exc:
            return exc, stream.getvalue()
        finally:
            config.plugins.on_shutdown()  # as `mkdocs build` does; an error here fails the test
    finally:
        logger.removeHandler(handler)
    return None, stream.getvalue()


@pytest.mark.parametrize("name", HOSTILE_CASES)
def test_hostile_case(name: str, tmp_path: Path) -> None:
    project = overlay(HOSTILE / name, tmp_path / name)
    site = prepare(project)
    sources = {top: snapshot(project / top) for top in ("docs", "org", "playbook")}
    error, log = run_build(project)
    expect = (HOSTILE / name / "expect.txt").read_text().strip()
    assert expect in ("fails", "builds"), f"{name}/expect.txt must say 'fails' or 'builds', not {expect!r}"
    if expect == "fails":
        assert error is not None, f"{name} should fail the build"
        assert (site / "last-good.txt").exists(), "a failed build must leave the last site alone"
        assert "Traceback" not in log
    else:
        assert error is None, log
        assert site_problems(site) == {}
        page = (site / "roles" / "care-manager" / "index.html").read_text(encoding="utf-8")
        if "{{ 7*7 }}" in (project / "org" / "roles" / "care-manager.yml").read_text(encoding="utf-8"):
            # template syntax in the data is shown as written, never evaluated
            assert "{{ 7*7 }}" in page and "{% raw %}" in page, "template syntax from the YAML was evaluated"
    for top, before in sources.items():
        assert snapshot(project / top) == before, f"the build changed a file under {top}/"


@pytest.mark.parametrize("name", CASE_NAMES)
def test_problem_case_builds_or_fails_cleanly(name: str, tmp_path: Path) -> None:
    project = build_case(name, tmp_path / name)
    site = prepare(project)
    sources = {top: snapshot(project / top) for top in ("org", "playbook") if (project / top).exists()}
    expected = (Path(__file__).parent / "problems" / name / "expected.txt").read_text()
    error, log = run_build(project)
    if ": error: " in expected:
        assert error is not None
        assert (site / "last-good.txt").exists()
        first = next(line for line in expected.splitlines() if ": error: " in line).split(": error: ")[0]
        assert first in log, f"the build log should name {first}"
    else:
        assert error is None, log
    for top, before in sources.items():
        assert snapshot(project / top) == before


def test_playbook_build_keeps_the_last_site_on_failure(tmp_path: Path) -> None:
    """`playbook build` builds into a new folder and swaps it in only on success."""
    project = overlay(HOSTILE / "emoji-and-indonesian", tmp_path / "project")
    prepare(project)
    shutil.rmtree(project / "site")
    command = [sys.executable, "-m", "generator", "build", "-q", "-f", str(project / "mkdocs.yml")]
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    good = snapshot(project / "site")
    assert "index.html" in good
    # a broken link under --strict fails after mkdocs would have emptied the folder
    (project / "docs" / "index.md").write_text("# Home\n\n[broken](nowhere.md)\n")
    done = subprocess.run([*command, "--strict"], capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "left as it was" in done.stderr
    assert snapshot(project / "site") == good
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


def test_symlink_out_of_the_project_is_refused(tmp_path: Path) -> None:
    """A YAML file that links outside the project is not read (it could be any file)."""
    outside = tmp_path / "secret.yml"
    outside.write_text("title: Secret\nsummary: Not for the site.\nlayer: media\n")
    project = overlay(HOSTILE / "emoji-and-indonesian", tmp_path / "project")
    site = prepare(project)
    (project / "playbook" / "metrics" / "leak.yml").symlink_to(outside)
    error, log = run_build(project)
    assert error is not None
    assert "playbook/metrics/leak.yml:1:1: file links outside the project folder" in log
    assert (site / "last-good.txt").exists()
    assert outside.read_text().startswith("title: Secret")
