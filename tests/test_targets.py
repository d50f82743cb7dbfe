"""Output folders: no command replaces or empties a folder it did not make.

`playbook build`, `playbook export` and a plain `mkdocs build` through the plugin refuse,
before touching anything, a target that is, holds or lies inside the project's sources,
and any folder with files in it that carries no marker of ours. A new site folder is swapped in
atomically, with the permissions mkdocs gives, and leaves no work folder behind; a site folder of
ours is rewritten in place, only the files whose bytes changed.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from generator import targets
from generator.cli import main

from .test_hostile import MKDOCS_YML
from .test_problems import BASE, overlay, snapshot


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = overlay(BASE, tmp_path / "project")
    (folder / "mkdocs.yml").write_text(MKDOCS_YML)
    (folder / "docs").mkdir(exist_ok=True)
    (folder / "docs" / "index.md").write_text("# Home\n\nHand-written.\n")
    return folder


def sources_of(project: Path) -> dict[str, dict[str, bytes]]:
    return {top: snapshot(project / top) for top in ("org", "playbook", "docs")}


def run(project: Path, *args: str) -> tuple[int, str]:
    """The CLI in-process, from inside the project folder."""
    old = Path.cwd()
    os.chdir(project)
    try:
        result = CliRunner().invoke(main, list(args))
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def build_in_subprocess(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "generator", "build", "-q", "-f", str(project / "mkdocs.yml"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=project, check=False)


@pytest.mark.parametrize(
    ("site_dir", "says"),
    [
        ("docs", "it is the docs folder with the hand-written pages"),
        ("org", "it is org/, the organization's YAML"),
        ("playbook", "it is playbook/, the playbook's YAML"),
        ("org/site", "it is inside org/, the organization's YAML"),
        ("docs/site", "it is inside the docs folder"),
        (".git", "it is the repository's history (.git)"),
        (".", "it is the project folder"),
        ("..", "it holds the project folder"),
    ],
)
def test_build_refuses_a_source_folder(project: Path, site_dir: str, says: str) -> None:
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = sources_of(project)
    code, output = run(project, "build", "-d", site_dir)
    assert code == 2  # a usage error, before anything is touched
    assert f"refusing to write the playbook build output into {site_dir}: {says}" in output
    assert sources_of(project) == before
    assert (project / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"


def test_build_refuses_site_dir_docs_in_the_config(project: Path) -> None:
    """`site_dir: docs` in mkdocs.yml, then `make site`: the hand-written pages stay."""
    (project / "mkdocs.yml").write_text(MKDOCS_YML + "site_dir: docs\n")
    before = sources_of(project)
    code, output = run(project, "build")
    assert code == 2  # a usage error, before anything is touched
    assert "it is the docs folder with the hand-written pages" in output
    assert sources_of(project) == before


def test_build_refuses_a_folder_it_did_not_make(project: Path) -> None:
    mine = project / "notes"
    mine.mkdir()
    (mine / "plan.txt").write_text("mine\n")
    code, output = run(project, "build", "-d", "notes")
    assert code == 2  # a usage error, before anything is touched
    assert "it holds files that playbook did not write (there is no .playbook-output file in it)" in output
    assert (mine / "plan.txt").read_text() == "mine\n"
    assert sorted(p.name for p in mine.iterdir()) == ["plan.txt"]


def test_build_refuses_a_file(project: Path) -> None:
    (project / "site").write_text("not a folder\n")
    code, output = run(project, "build")
    assert code == 2  # a usage error, before anything is touched
    assert "it is a file, not a folder" in output


def test_dirty_builds_are_gone(project: Path) -> None:
    """`--dirty` wrote into the live site and left a search index without the unchanged pages."""
    code, output = run(project, "build", "--dirty")
    assert code == 2
    assert "--dirty is gone: it wrote into the live site" in output


def test_plain_mkdocs_build_refuses_a_source_folder(project: Path, caplog: pytest.LogCaptureFixture) -> None:
    """mkdocs empties site_dir after on_config: the plugin says no before that."""
    before = sources_of(project)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "playbook"))
    with pytest.raises(Abort):
        build(config)
    assert "refusing to write the mkdocs build output into" in caplog.text
    assert "it is playbook/, the playbook's YAML" in caplog.text
    assert sources_of(project) == before


def test_build_swaps_in_a_marked_site_with_mkdocs_permissions(project: Path) -> None:
    empty = project / "site"
    empty.mkdir()  # an empty folder may be filled
    done = build_in_subprocess(project)
    assert done.returncode == 0, done.stderr
    site = project / "site"
    assert (site / "index.html").is_file()
    assert targets.made_here(site)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(site.stat().st_mode) == 0o777 & ~umask  # not mkdtemp's 0700
    # the next build replaces it, and an old file of ours goes with it
    (site / "stale.html").write_text("from an older build\n")
    done = build_in_subprocess(project)
    assert done.returncode == 0, done.stderr
    assert not (site / "stale.html").exists()
    assert (site / "index.html").is_file()
    assert [p.name for p in project.iterdir() if ".playbook-" in p.name] == []


def test_the_next_build_rewrites_only_the_files_that_changed(project: Path) -> None:
    """A site folder of ours is rewritten in place (sitewrite.py): a file whose bytes are the
    same is not touched, a changed one is replaced whole, one the new site lacks is removed."""
    assert build_in_subprocess(project).returncode == 0
    site = project / "site"
    before = {p.relative_to(site).as_posix(): p.stat() for p in site.rglob("*") if p.is_file()}
    role = sorted((project / "org" / "roles").glob("*.yml"))[0]
    role.write_text(role.read_text(encoding="utf-8").replace("summary: ", "summary: Rewritten ", 1), encoding="utf-8")
    (site / "stale.html").write_text("from an older build\n")
    os.utime(site / "stale.html", (1_000_000, 1_000_000))
    done = build_in_subprocess(project)
    assert done.returncode == 0, done.stderr
    after = {p.relative_to(site).as_posix(): p.stat() for p in site.rglob("*") if p.is_file()}
    assert set(after) == set(before)  # stale.html went; nothing else came or went
    touched = {path for path in after if (after[path].st_ino, after[path].st_mtime_ns)
               != (before[path].st_ino, before[path].st_mtime_ns)}
    assert f"roles/{role.stem}/index.html" in touched
    assert "search/search_index.json" in touched  # the summary is searchable
    assert 0 < len(touched) < len(after) / 4, sorted(touched)
    assert "Rewritten" in (site / "roles" / role.stem / "index.html").read_text(encoding="utf-8")


def test_build_removes_work_folders_of_killed_runs(project: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    debris = project / ".site.playbook-new-abc123"
    debris.mkdir()
    (debris / targets.MARKER).write_text(dead.stdout)
    (debris / "index.html").write_text("half a site\n")
    alive = project / ".site.playbook-new-def456"  # another build, still running
    alive.mkdir()
    (alive / targets.MARKER).write_text(f"{os.getpid()}\n")
    unmarked = project / ".site.playbook-new-user"  # not ours: never touched
    unmarked.mkdir()
    (unmarked / "keep.txt").write_text("keep\n")
    done = build_in_subprocess(project)
    assert done.returncode == 0, done.stderr
    assert not debris.exists()
    assert alive.exists()
    assert (unmarked / "keep.txt").read_text() == "keep\n"


def test_swap_exchanges_in_one_step_or_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "site"
    target.mkdir()
    targets.mark(target, "test")
    (target / "old.txt").write_text("old\n")
    with targets.fresh_folder(target, "test") as work:
        (work / "new.txt").write_text("new\n")
        how = targets.swap_in(work, target, "test")
    assert how == "exchange"  # Linux: renameat2(RENAME_EXCHANGE)
    assert sorted(p.name for p in target.iterdir()) == [targets.MARKER, "new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    monkeypatch.setattr(targets, "_exchange", lambda a, b: False)
    with targets.fresh_folder(target, "test") as work:
        (work / "newer.txt").write_text("newer\n")
        assert targets.swap_in(work, target, "test") == "two renames"
    assert sorted(p.name for p in target.iterdir()) == [targets.MARKER, "newer.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.parametrize(
    ("directory", "says"),
    [
        ("playbook", "it is playbook/, the playbook's YAML"),
        ("org/roles", "it is inside org/, the organization's YAML"),
        ("docs", "it is the docs folder with the hand-written pages"),
        ("docs/generated", "it is inside the docs folder"),
        (".", "it is the project folder"),
    ],
)
def test_export_refuses_a_source_folder(project: Path, directory: str, says: str) -> None:
    """`playbook export playbook --clean` reads like "export the playbook"; it used to delete it."""
    before = sources_of(project)
    code, output = run(project, "export", directory, "--clean", "--no-diagrams")
    assert code == 2  # a usage error, before anything is touched
    assert f"refusing to write the playbook export output into {directory}: {says}" in output
    assert sources_of(project) == before


def test_export_cleans_only_what_it_wrote(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run(project, "export", str(out), "--no-diagrams")
    assert code == 0, output
    assert targets.made_here(out)
    assert (out / "roles" / "index.md").is_file()
    (out / "leftover.md").write_text("from an older export\n")
    code, output = run(project, "export", str(out), "--clean", "--no-diagrams")
    assert code == 0, output
    assert not (out / "leftover.md").exists()
    assert (out / "roles" / "index.md").is_file()
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "page.md").write_text("someone's page\n")
    for extra in ([], ["--clean"]):
        code, output = run(project, "export", str(theirs), "--no-diagrams", *extra)
        assert code == 2  # a usage error, before anything is touched
        assert "it holds files that playbook did not write" in output
    assert sorted(p.name for p in theirs.iterdir()) == ["page.md"]
