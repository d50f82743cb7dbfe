"""The site engine is a choice: the sample builds with MkDocs and with ProperDocs from the
same repository, and the two sites differ only in the generator meta tag.

ProperDocs runs in a virtual environment of its own (tests/venvs.py) where mkdocs is not
installed at all, so the plugin's `mkdocs.*` imports go through ProperDocs' redirection.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.runner import END_OF_LIFE, SITE_ENGINES
from tests import venvs

REPO = Path(__file__).resolve().parent.parent
MAIN_BIN = REPO / ".venv" / "bin"
GENERATOR_TAG = re.compile(r'<meta name="generator" content="([^"]*)">')
TODAY = "2026-11-30"


def _copy_sample(target: Path, config_name: str) -> Path:
    """The sample playbook without its git history, its site config named `config_name`."""
    shutil.copytree(REPO, target, ignore=shutil.ignore_patterns(
        ".git", ".venv", ".cache", "site*", "tests", "benchmarks", "*.egg-info", "__pycache__", "generator"))
    (target / "mkdocs.yml").rename(target / config_name)
    return target


def _build(playbook: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(playbook), "build", "--strict", *args], cwd=cwd, capture_output=True, text=True,
                          env=venvs.clean_env(PLAYBOOK_TODAY=TODAY), timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="session")
def properdocs() -> Path:
    return venvs.properdocs_venv()


@pytest.mark.slow
def test_sample_builds_the_same_with_mkdocs_and_properdocs(tmp_path: Path, properdocs: Path) -> None:
    # mkdocs is not installed beside ProperDocs: the plugin loads through its redirection
    assert subprocess.run([str(venvs.bin_of(properdocs, "pip")), "show", "--quiet", "mkdocs"],
                          capture_output=True, check=False).returncode != 0
    with_mkdocs = _copy_sample(tmp_path / "mkdocs", "mkdocs.yml")
    # a properdocs.yml, and no --engine: the config's name chooses ProperDocs
    with_properdocs = _copy_sample(tmp_path / "properdocs", "properdocs.yml")
    first = _build(MAIN_BIN / "playbook", with_mkdocs)
    second = _build(venvs.bin_of(properdocs, "playbook"), with_properdocs)
    for done in (first, second):  # the plan, said once, in one line, and not Material's banner
        assert done.stderr.count(END_OF_LIFE) == 1 and "reaches end of life" not in done.stderr
    one, other = with_mkdocs / "site", with_properdocs / "site"
    files = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(other).as_posix() for p in other.rglob("*") if p.is_file())
    assert "roles/index.html" in files and len(files) > 100
    tags: set[tuple[str, str]] = set()
    for name in files:
        a, b = (one / name).read_bytes(), (other / name).read_bytes()
        if a == b:
            continue
        assert name.endswith(".html"), f"{name} differs between the engines"
        text_a, text_b = a.decode(), b.decode()
        tags.add((GENERATOR_TAG.search(text_a).group(1), GENERATOR_TAG.search(text_b).group(1)))  # type: ignore[union-attr]
        assert GENERATOR_TAG.sub("", text_a) == GENERATOR_TAG.sub("", text_b), f"{name} differs beyond the generator tag"
    assert len(tags) == 1
    ((tag_a, tag_b),) = tags
    assert tag_a.startswith("mkdocs-1.") and "ProperDocs" in tag_b


def test_engine_from_option_setting_or_config_name(tmp_path: Path) -> None:
    from generator.cli import _site_engine

    setting = {"plugins": ["search", {"playbook": {"site_engine": "properdocs"}}]}
    assert _site_engine(None, tmp_path / "mkdocs.yml", {}) == "mkdocs"
    assert _site_engine(None, tmp_path / "mkdocs.yml", setting) == "properdocs"
    assert _site_engine(None, tmp_path / "properdocs.yml", {}) == "properdocs"
    assert _site_engine("mkdocs", tmp_path / "properdocs.yml", setting) == "mkdocs"
    assert SITE_ENGINES == ("mkdocs", "properdocs")


def test_an_engine_that_is_not_installed_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ProperDocs is not in the main .venv: the build says how to install it, exit 2, no traceback."""
    import importlib.util

    if importlib.util.find_spec("properdocs") is not None:
        pytest.fail("properdocs is installed in the main .venv; it belongs in its own (tests/venvs.py)")
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(main, ["build", "--engine", "properdocs", "-d", str(tmp_path / "site")])
    assert result.exit_code == 2, result.output
    assert "the site engine properdocs is not installed here" in result.output
    assert "pip install properdocs" in result.output and result.exception is not None
    assert not (tmp_path / "site").exists()


def test_validate_finds_a_properdocs_yml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "p"
    project.mkdir()
    for name in ("org", "playbook", "docs"):
        shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / "mkdocs.yml", project / "properdocs.yml")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["validate", "--strict"])
    assert result.exit_code == 0, result.output
    assert CliRunner().invoke(main, ["validate", "-f", str(project)]).exit_code == 0


@pytest.mark.slow
def test_serve_with_properdocs_serves_and_stops_on_sigterm(tmp_path: Path, properdocs: Path) -> None:
    """`playbook serve --engine properdocs` from ProperDocs' own venv: a page comes from
    ProperDocs, and SIGTERM stops the server with no process, port or temporary folder left."""
    import tempfile

    from tests.test_serve import descendants, fetch, free_port, stop_on_sigterm, wait_for

    project = _copy_sample(tmp_path / "sample", "mkdocs.yml")
    port = free_port()
    before = {p.name for p in Path(tempfile.gettempdir()).glob("properdocs_*")}
    server = subprocess.Popen(
        [str(venvs.bin_of(properdocs, "playbook")), "serve", "--engine", "properdocs", "-f", str(project / "mkdocs.yml"),
         "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=venvs.clean_env(PLAYBOOK_TODAY=TODAY),
    )
    try:
        url = f"http://127.0.0.1:{port}/roles/community-manager/"
        assert wait_for(url, "Community Manager", 120) is not None, "the server never came up"
        page = fetch(url) or ""
        assert "ProperDocs" in GENERATOR_TAG.search(page).group(1)  # type: ignore[union-attr]
        assert descendants(server.pid) == [], "serve runs in its own process, with no child"
    finally:
        stop_on_sigterm(server, port, "serve --engine properdocs")
    assert {p.name for p in Path(tempfile.gettempdir()).glob("properdocs_*")} <= before, "a temporary site was left"
