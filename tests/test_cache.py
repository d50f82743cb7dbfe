"""The one cache of a build or a `serve` session: passed in, never kept by a module."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import load as load_module
from generator.cache import Cache
from generator.pages import environment
from generator.site import generate

from .conftest import REPO, copy_project, need_tool


def test_an_unchanged_project_gives_the_last_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_project(REPO, tmp_path / "project")
    reads: list[str] = []
    real = load_module.read_bytes
    monkeypatch.setattr(load_module, "read_bytes", lambda data, rel: reads.append(rel) or real(data, rel))
    session = Cache()
    first = generate(root, diagrams=False, cache=session)
    files = len(reads)
    assert files > 50 and not first.result.errors
    assert generate(root, diagrams=False, cache=session) is first
    # an edit: only that file is read again, and the pages are made again
    role = root / "org" / "roles" / "ceo.yml"
    role.write_text(role.read_text(encoding="utf-8").replace("title: ", "title: The ", 1), encoding="utf-8")
    os.utime(role, ns=(role.stat().st_atime_ns, role.stat().st_mtime_ns + 1_000_000))
    second = generate(root, diagrams=False, cache=session)
    assert second is not first and reads[files:] == ["org/roles/ceo.yml"]
    assert "# The " in second.files["roles/ceo.md"]
    # without a cache, everything is read every time
    generate(root, diagrams=False)
    assert len(reads) == 2 * files + 1


def test_an_output_with_errors_is_not_kept(tmp_path: Path) -> None:
    root = copy_project(REPO, tmp_path / "project")
    (root / "org" / "roles" / "broken.yml").write_text("title: [\n", encoding="utf-8")
    session = Cache()
    first = generate(root, diagrams=False, cache=session)
    assert first.result.errors
    assert generate(root, diagrams=False, cache=session) is not first


def test_one_environment_per_cache() -> None:
    session = Cache()
    assert session.environment(environment) is session.environment(environment)
    assert Cache().environment(environment) is not session.environment(environment)


def test_figures_are_made_again_only_when_what_they_are_made_of_changes() -> None:
    session = Cache()
    made: list[str] = []

    def make(name: str) -> tuple[str, Callable[[], str]]:
        def upper() -> str:
            made.append(name)
            return name.upper()

        return name, upper

    assert session.figures([make("a"), make("b")]) == ["A", "B"] and made == ["a", "b"]
    assert session.figures([make("b"), make("c")]) == ["B", "C"] and made == ["a", "b", "c"]
    # only the last call's are kept: "a" is made again
    assert session.figures([make("a")]) == ["A"] and made == ["a", "b", "c", "a"]


def test_a_session_s_figures_after_an_edit_are_a_fresh_build_s(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        need_tool("Graphviz's dot is not installed (make system-deps)")
    root = copy_project(REPO, tmp_path / "project")
    drawings = tmp_path / "drawings"
    session = Cache()
    first = generate(root, cache=session, cache_dir=drawings)
    role = root / "org" / "roles" / "ceo.yml"
    role.write_text(role.read_text(encoding="utf-8").replace("title: ", "title: The ", 1), encoding="utf-8")
    os.utime(role, ns=(role.stat().st_atime_ns, role.stat().st_mtime_ns + 1_000_000))
    second = generate(root, cache=session, cache_dir=drawings)
    fresh = generate(root, cache_dir=drawings)
    assert second.figures == fresh.figures and second.svgs == fresh.svgs
    kept = [key for key in second.figures if second.figures[key] is first.figures.get(key)]
    changed = [key for key in second.figures if second.figures[key] != first.figures.get(key)]
    assert kept and changed and "role/ceo" in changed
