"""Problem cases as folders: each overlays the valid `_base` project with broken files.

A case folder holds the files to add or replace, optionally `remove.txt` (paths to
delete from the base), `commit-base.txt` (the base project is committed to a new git
repository first, so the case's files are the change that validate compares with it) and `generate.txt` (`path size` lines for files too big to
commit), and `expected.txt`: the exact output of `playbook validate`. Rewrite the
expected files with UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main

from .golden import check_file

CASES = Path(__file__).parent / "problems"
BASE = CASES / "_base"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))
SPECIAL = {"expected.txt", "expect.txt", "remove.txt", "generate.txt", "commit-base.txt"}
"""Files of a case folder that say what to do or expect, never copied into the project."""


def build_case(name: str, target: Path) -> Path:
    return overlay(CASES / name, target)


def overlay(case: Path, target: Path) -> Path:
    """The base project in `target`, with the case folder's files laid over it."""
    shutil.copytree(BASE, target)
    if (case / "commit-base.txt").exists():
        commit_all(target)
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_dir() or rel.as_posix() in SPECIAL:
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / rel)
    if (case / "remove.txt").exists():
        for line in (case / "remove.txt").read_text().split():
            (target / line).unlink()
    if (case / "generate.txt").exists():
        for line in (case / "generate.txt").read_text().splitlines():
            rel, size = line.split()
            chunk = b"- filler line of a file far too big for a playbook\n"
            data = chunk * (int(size) // len(chunk) + 1)
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (target / rel).write_bytes(data[: int(size)])
    return target


def commit_all(folder: Path) -> None:
    """A new git repository in `folder` with everything in it committed."""
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args],
                       cwd=folder, check=True, capture_output=True)


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_base_is_clean(tmp_path: Path) -> None:
    project = build_case_base(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--strict", "-f", str(project / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""


def build_case_base(tmp_path: Path) -> Path:
    target = tmp_path / "base"
    shutil.copytree(BASE, target)
    return target


@pytest.mark.parametrize("name", CASE_NAMES)
def test_problem_case(name: str, tmp_path: Path) -> None:
    project = build_case(name, tmp_path / name)
    before = snapshot(project)
    assert before != snapshot(BASE), f"the case {name} changes nothing in the base project, so it tests nothing"
    result = CliRunner().invoke(main, ["validate", "-f", str(project / "mkdocs.yml")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    expected = check_file(CASES / name / "expected.txt", result.stdout)
    has_errors = any(": error: " in line for line in expected.splitlines())
    assert result.exit_code == (1 if has_errors else 0)
    assert snapshot(project) == before, "validation must never change a file"


def test_every_rule_has_a_case() -> None:
    """Each rule name the validator can print appears in at least one expected output."""
    seen = set()
    for name in CASE_NAMES:
        for line in (CASES / name / "expected.txt").read_text(encoding="utf-8").splitlines():
            seen.add(line.rsplit("[", 1)[-1].rstrip("]"))
    rules = {
        "syntax", "duplicate-key", "limits", "encoding", "not-a-mapping", "required",
        "unknown-key", "type", "enum", "id", "url", "duration", "percent", "reference",
        "duplicate-id", "cycle", "lead", "share-total", "raci", "unused-role",
        "unused-metric", "no-operators", "theme-channel", "no-kpi", "layout", "redirect", "date", "period",
        "time", "time-zone", "cadence", "cadence-text", "cadence-channels", "posts-per-day",
    }
    assert rules <= seen, sorted(rules - seen)
