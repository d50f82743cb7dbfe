"""The suite cannot pass on a missing expectation or a missing tool.

`need_tool` skips on a developer's machine and fails under CI; the golden helpers fail
on a missing golden and rewrite only with UPDATE_GOLDEN=1; no test skips any other way;
the install steps fail under CI when they cannot install.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from . import golden
from .conftest import REPO

TESTS = Path(__file__).parent

A_TEST_WITHOUT_ITS_TOOL = """
from tests.conftest import need_tool

def test_needs_a_missing_tool():
    need_tool("frobnicator is not installed (apt-get install frobnicator)")
"""


def run_pytest(folder: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run pytest on `folder` in a fresh process, with `CI` set to `ci` (None: unset)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS", "UPDATE_GOLDEN")}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-rfs", "-p", "no:cacheprovider", str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.parametrize("ci", [None, ""])
def test_need_tool_skips_outside_ci(tmp_path: Path, ci: str | None) -> None:
    (tmp_path / "test_tiny.py").write_text(A_TEST_WITHOUT_ITS_TOOL)
    done = run_pytest(tmp_path, ci)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout, done.stdout
    assert "frobnicator is not installed (apt-get install frobnicator)" in done.stdout


@pytest.mark.parametrize("ci", ["true", "1", "false"])
def test_need_tool_fails_under_ci(tmp_path: Path, ci: str) -> None:
    (tmp_path / "test_tiny.py").write_text(A_TEST_WITHOUT_ITS_TOOL)
    done = run_pytest(tmp_path, ci)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 failed" in done.stdout and "skipped" not in done.stdout, done.stdout
    assert "frobnicator is not installed (apt-get install frobnicator); CI is set" in done.stdout


def test_no_test_skips_except_through_need_tool() -> None:
    """Every skip for a missing tool goes through conftest.need_tool, so CI turns it into a failure."""
    pattern = re.compile(r"pytest\.skip\(|importorskip|mark\.skip|mark\.skipif|pytest\.xfail|mark\.xfail")
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(TESTS.glob("*.py"))
        if path.name not in ("conftest.py", "test_honesty.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == [], "skip through conftest.need_tool(reason) instead:\n" + "\n".join(found)


# -- the golden rule ---------------------------------------------------------------------------


def test_missing_golden_file_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    with pytest.raises(pytest.fail.Exception, match="no golden file"):
        golden.check_file(tmp_path / "expected.txt", "output\n")
    assert not (tmp_path / "expected.txt").exists()


def test_missing_golden_folder_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    with pytest.raises(pytest.fail.Exception, match="no golden"):
        golden.check_folder(tmp_path / "absent", {"a.dot": "digraph {}\n"}, ".dot")
    (tmp_path / "empty").mkdir()
    with pytest.raises(pytest.fail.Exception, match="no golden"):
        golden.check_folder(tmp_path / "empty", {}, ".dot")


@pytest.mark.parametrize("value", ["0", "", "true", "yes", " 1", "1 "])
def test_only_update_golden_1_rewrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("UPDATE_GOLDEN", value)
    (tmp_path / "expected.txt").write_text("old\n")
    (tmp_path / "dots").mkdir()
    (tmp_path / "dots" / "a.dot").write_text("old\n")
    with pytest.raises(AssertionError):
        golden.check_file(tmp_path / "expected.txt", "new\n")
    with pytest.raises(AssertionError):
        golden.check_folder(tmp_path / "dots", {"a.dot": "new\n"}, ".dot")
    with pytest.raises(pytest.fail.Exception):
        golden.check_file(tmp_path / "missing.txt", "new\n")
    assert (tmp_path / "expected.txt").read_text() == "old\n"
    assert (tmp_path / "dots" / "a.dot").read_text() == "old\n"
    assert not (tmp_path / "missing.txt").exists()


def test_update_golden_1_rewrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPDATE_GOLDEN", "1")
    golden.check_file(tmp_path / "new" / "expected.txt", "new\n")
    assert (tmp_path / "new" / "expected.txt").read_text() == "new\n"
    (tmp_path / "dots").mkdir()
    (tmp_path / "dots" / "stale.dot").write_text("old\n")
    golden.check_folder(tmp_path / "dots", {"role/a.dot": "new\n"}, ".dot")
    assert sorted(p.relative_to(tmp_path / "dots").as_posix() for p in (tmp_path / "dots").rglob("*.dot")) == ["role/a.dot"]


def test_golden_differences_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    (tmp_path / "a.dot").write_text("one\n")
    (tmp_path / "b.dot").write_text("two\n")
    golden.check_folder(tmp_path, {"a.dot": "one\n", "b.dot": "two\n"}, ".dot")
    with pytest.raises(AssertionError, match="added"):
        golden.check_folder(tmp_path, {"a.dot": "one\n", "b.dot": "two\n", "c.dot": "3\n"}, ".dot")
    with pytest.raises(AssertionError, match="removed"):
        golden.check_folder(tmp_path, {"a.dot": "one\n"}, ".dot")
    with pytest.raises(AssertionError, match=r"1 files differ .*\['b.dot'\]"):
        golden.check_folder(tmp_path, {"a.dot": "one\n", "b.dot": "changed\n"}, ".dot")


# -- the install steps under CI ------------------------------------------------------------------


@pytest.fixture
def bare_path(tmp_path: Path) -> str:
    """A PATH with `id` and nothing else: no dot, chromium, apt-get or npm."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("id",):
        source = next(Path(d) / tool for d in ("/usr/bin", "/bin") if (Path(d) / tool).exists())
        (folder / tool).symlink_to(source)
    return str(folder)


@pytest.mark.parametrize("ci", [None, "true"])
def test_system_deps_fail_under_ci_when_they_cannot_install(bare_path: str, ci: str | None) -> None:
    env = {"PATH": bare_path, **({"CI": ci} if ci is not None else {})}
    done = subprocess.run(["/bin/bash", str(REPO / "scripts" / "install-system-deps.sh")],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    output = done.stdout + done.stderr
    assert "graphviz chromium" in output, output
    if ci:
        assert done.returncode == 1, output
        assert "error:" in output and "apt-get install graphviz chromium" in output
    else:
        assert done.returncode == 0, output
        assert "skipped" in output


@pytest.mark.parametrize("ci", [None, "true"])
def test_system_deps_fail_under_ci_when_apt_get_fails(tmp_path: Path, ci: str | None) -> None:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, script in (("id", "echo 0"), ("apt-get", "echo 'E: Unable to locate package' >&2; exit 100")):
        (folder / name).write_text(f"#!/bin/sh\n{script}\n")
        (folder / name).chmod(0o755)
    env = {"PATH": str(folder), **({"CI": ci} if ci is not None else {})}
    done = subprocess.run(["/bin/bash", str(REPO / "scripts" / "install-system-deps.sh")],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    output = done.stdout + done.stderr
    assert "apt-get could not install graphviz chromium" in output, output
    assert done.returncode == (1 if ci else 0), output


@pytest.mark.parametrize("ci", [None, "true"])
def test_node_deps_fail_under_ci_without_npm(bare_path: str, ci: str | None) -> None:
    make = next((p for p in ("/usr/bin/make", "/bin/make") if Path(p).exists()), None)
    assert make is not None, "make is a prerequisite of the repository (README)"
    env = {"PATH": bare_path, **({"CI": ci} if ci is not None else {})}
    done = subprocess.run([make, "-s", "-C", str(REPO), "node-deps", "AXE_JS=/nonexistent/axe.min.js"],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    output = done.stdout + done.stderr
    assert "npm not found" in output, output
    assert (done.returncode != 0) == bool(ci), output


def test_ci_script_sets_ci_and_runs_the_readme_command() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert "export CI=true" in commands
    assert commands[-1] == "make test"
    assert commands.index("export CI=true") < commands.index("make test")
