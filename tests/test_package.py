"""A package other repositories can install: the wheel and the sdist build without setuptools
warnings and pass `twine check`; the wheel alone, in a fresh virtual environment and away
from this source tree, runs `init`, `validate` and `build`; and the repository `init` makes
passes its own pull-request and Pages workflows' commands without an edit.

One wheel and one venv per session (each takes 10-20 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from generator import __version__
from tests import test_workflows as workflows
from tests import venvs

REPO = Path(__file__).resolve().parent.parent
DATA_FOLDERS = ("generator",)
"""Everything git holds under generator/: every module (generator.diagrams was missing from a
real install once) and every template, label file, script and scaffold file."""
pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=venvs.clean_env(**env),
                          timeout=600, check=False)


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = _run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    (out / "build.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    (found,) = dist.glob("playbook_site-*.whl")
    return found


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory, wheel: Path) -> Path:
    venv = tmp_path_factory.mktemp("wheel-venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    done = _run([str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)], venv)
    assert done.returncode == 0, done.stderr
    return venv


def _package_files() -> set[str]:
    """Every file of the package, as git has it."""
    listed = subprocess.run(["git", "ls-files", *DATA_FOLDERS], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout.split()
    return {name for name in listed if "__pycache__" not in name}


def test_build_has_no_setuptools_warnings_and_twine_passes(dist: Path) -> None:
    log = (dist / "build.log").read_text(encoding="utf-8")
    for sign in ("BuildBackendWarning", "SetuptoolsDeprecationWarning", "absent from the `packages`", "!!"):
        assert sign not in log, log
    files = sorted(str(p) for p in dist.iterdir() if p.suffix in (".whl", ".gz"))
    assert len(files) == 2
    done = _run([sys.executable, "-m", "twine", "check", "--strict", *files], dist)
    assert done.returncode == 0 and done.stdout.count("PASSED") == 2, done.stdout + done.stderr


def test_wheel_and_sdist_carry_every_module_and_data_file(dist: Path, wheel: Path) -> None:
    wanted = _package_files()
    assert any(name.endswith("dot-gitignore") for name in wanted) and len(wanted) > 50
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert wanted <= in_wheel, sorted(wanted - in_wheel)
    (sdist,) = dist.glob("playbook_site-*.tar.gz")
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert wanted <= in_sdist, sorted(wanted - in_sdist)


def test_the_wheel_alone_makes_a_repository_that_passes_its_own_ci(
    tmp_path: Path, wheel_venv: Path, dist: Path, wheel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_ = wheel_venv / "bin"
    where = _run([str(bin_ / "python"), "-c", "import generator; print(generator.__file__)"], tmp_path)
    assert where.stdout.startswith(str(wheel_venv)), where  # the installed copy, not this checkout
    upstream = tmp_path / "acme"
    done = _run([str(bin_ / "playbook"), "init", str(upstream), "--name", "Acme"], tmp_path)
    assert done.returncode == 0, done.stderr
    requirement = f"playbook-site=={__version__}"
    assert (upstream / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1] == requirement
    assert requirement.split("==")[0] in (upstream / "README.md").read_text(encoding="utf-8")
    # the workflows' install step on a machine whose package index holds the release (dist/ here):
    # it resolves to the wheel, and installs
    report = tmp_path / "report.json"
    resolve = _run([str(bin_ / "pip"), "install", "--dry-run", "--ignore-installed", "--no-deps", "--quiet",
                    "--find-links", str(dist), "--report", str(report), "-r", "requirements.txt"], upstream)
    assert resolve.returncode == 0, resolve.stderr
    (chosen,) = json.loads(report.read_text(encoding="utf-8"))["install"]
    assert chosen["download_info"]["url"] == wheel.as_uri()
    assert _run([str(bin_ / "pip"), "install", "--quiet", "--find-links", str(dist), "-r", "requirements.txt"],
                upstream).returncode == 0
    for command in (["validate", "--strict"], ["build", "--strict"]):
        done = _run([str(bin_ / "playbook"), *command], upstream, PLAYBOOK_TODAY="2026-11-30")
        assert done.returncode == 0, (command, done.stderr)
    assert (upstream / "site" / "roles" / "director" / "index.html").is_file()
    for args in (["add", "-A"], ["commit", "--quiet", "-m", "start"]):
        subprocess.run(["git", *args], cwd=upstream, check=True, capture_output=True)
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "--quiet", str(upstream), str(checkout)], check=True)
    # every shell step of its own workflows but the installs, with the wheel's playbook first on PATH
    monkeypatch.setattr(workflows, "BIN", bin_)
    summary = tmp_path / "summary.md"
    scaffold = upstream / ".github" / "workflows"
    for name, job, folder in (("pr.yml", "check", checkout), ("pages.yml", "build", upstream)):
        results = workflows.run_job(workflows.load_workflow(scaffold / name), job, folder, summary)
        assert results, name
        for step, done in results:
            assert done.returncode == 0, f"{name} {step}:\n{done.stdout}\n{done.stderr}"
    assert (checkout / "site-preview" / "roles" / "director.html").is_file()

