"""`playbook init`: a new playbook repository that validates, builds and checks itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from packaging.requirements import Requirement

from generator import init as init_module
from generator.cli import main
from generator.errors import UsageError
from generator.init import DISTRIBUTION, generator_requirement, init, scaffold_files
from generator.project import validate

from .conftest import REPO
from .test_workflows import SCAFFOLD_WORKFLOWS, git, load_workflow, run_job

SCAFFOLD = REPO / "generator" / "scaffold"
EXPECTED = {
    ".github/workflows/pages.yml",
    ".github/workflows/pr.yml",
    ".github/workflows/stale.yml",
    ".gitignore",
    "README.md",
    "docs/assets/javascripts/iframe-worker-shim.js",
    "docs/assets/javascripts/iframe-worker.LICENSE.txt",
    "docs/contributing.md",
    "docs/index.md",
    "docs/stylesheets/playbook.css",
    "mkdocs-intranet.yml",
    "mkdocs-offline.yml",
    "mkdocs.yml",
    "org/departments/customer-service.yml",
    "org/departments/management.yml",
    "org/departments/marketing.yml",
    "org/organization.yml",
    "org/roles/customer-service-lead.yml",
    "org/roles/director.yml",
    "org/roles/head-of-marketing.yml",
    "org/roles/social-media-officer.yml",
    "playbook/channels/instagram.yml",
    "playbook/metrics/engagement-rate.yml",
    "playbook/objectives/brand-awareness.yml",
    "playbook/themes/behind-the-scenes.yml",
    "playbook/workflows/complaint-in-comments.yml",
    "requirements.txt",
}


def files_in(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


def test_init_writes_a_valid_strict_playbook(tmp_path: Path) -> None:
    target = tmp_path / "acme-playbook"
    written = init(target, requirement="playbook-site @ git+https://example.org/playbook-site@v1")
    names = files_in(target)
    assert names == EXPECTED | {p for p in names if p.startswith("schemas/")}
    assert sorted(p for p in names if p.startswith("schemas/")) == [
        f"schemas/{kind}.schema.json"
        for kind in sorted(["channel", "department", "metric", "objective", "organization", "role", "theme", "workflow"])
    ]
    assert len(written) == len(names)
    assert (target / ".git").is_dir()
    result = validate(target)
    assert result.problems == []
    assert result.playbook.organization is not None and result.playbook.organization.name == "Acme"
    assert (len(result.playbook.departments), len(result.playbook.roles)) == (3, 4)
    for kind in ("metrics", "channels", "objectives", "themes", "workflows"):
        assert len(getattr(result.playbook, kind)) == 1, kind
    # every YAML file names its schema, relative to itself, and the schema is there
    for name in names:
        if name.startswith(("org/", "playbook/")):
            first = (target / name).read_text(encoding="utf-8").splitlines()[0]
            schema = first.split("$schema=")[1]
            assert (target / name).parent.joinpath(schema).resolve().is_file(), name
    text = "\n".join((target / n).read_text(encoding="utf-8") for n in names)
    assert "__" + "ORG_NAME" not in text and "__GENERATOR" not in text and "__SITE_NAME" not in text
    assert "playbook-site @ git+https://example.org/playbook-site@v1\n" in (target / "requirements.txt").read_text()


def load_config(path: Path) -> dict:
    """An mkdocs.yml, with its !ENV and other tags read as None."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def test_name_with_yaml_characters_survives(tmp_path: Path) -> None:
    name = 'Kopi "Joe": Café & Co #1'
    init(tmp_path / "x", name=name, requirement="playbook-site", git=False)
    result = validate(tmp_path / "x")
    assert result.problems == []
    assert result.playbook.organization is not None and result.playbook.organization.name == name
    config = load_config(tmp_path / "x" / "mkdocs.yml")
    assert config["site_name"] == f"{name} Playbook"
    assert not (tmp_path / "x" / ".git").exists()


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / ".keep").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "used")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: {tmp_path / 'used'} is not empty; playbook init only writes into a new or empty "
        "folder, so it never overwrites anything\n"
    )
    assert files_in(tmp_path / "used") == {".keep"}
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "file")])
    assert result.exit_code != 0 and (tmp_path / "file").read_text() == "x"


def test_cli_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["init", str(tmp_path / "empty"), "--name", "Acme", "--no-git",
                                       "--generator", "playbook-site==0.1.0"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {len(EXPECTED) + 8} files into {tmp_path / 'empty'}\nnext:\n")
    assert "playbook-site==0.1.0" in (tmp_path / "empty" / "requirements.txt").read_text(encoding="utf-8")


def test_a_checkout_without_a_reachable_remote_asks_for_generator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file:// path works only on the computer that ran init, so init names none: it asks."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    git(checkout, "init", "--quiet")
    git(checkout, "commit", "--quiet", "--allow-empty", "-m", "one")
    git(checkout, "remote", "add", "origin", str(tmp_path / "elsewhere"))
    monkeypatch.setattr(init_module, "_source_checkout", lambda: checkout)
    with pytest.raises(UsageError, match="pass --generator"):
        generator_requirement()
    result = CliRunner().invoke(main, ["init", str(tmp_path / "new"), "--no-git"])
    assert result.exit_code == 2 and "pass --generator" in result.output
    assert not (tmp_path / "new").exists()


def test_installed_from_an_index_or_a_wheel_names_the_release(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(init_module, "_source_checkout", lambda: None)
    monkeypatch.setattr(init_module.metadata, "distributions", lambda name: iter(()))
    assert generator_requirement() == f"{DISTRIBUTION}=={init_module.__version__}"


def test_requirement_from_a_git_origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    git(checkout, "init", "--quiet")
    git(checkout, "commit", "--quiet", "--allow-empty", "-m", "one")
    git(checkout, "remote", "add", "origin", "git@github.com:acme/playbook-site.git")
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True).stdout.strip()
    monkeypatch.setattr(init_module, "_source_checkout", lambda: checkout)
    line = generator_requirement()
    assert line == f"playbook-site @ git+ssh://git@github.com/acme/playbook-site.git@{commit}"
    assert Requirement(line).name == DISTRIBUTION


def test_scaffold_copies_stay_in_step_with_the_repository() -> None:
    """Files the scaffold carries as copies of this repository's own."""
    for rel in (
        "docs/assets/javascripts/iframe-worker-shim.js",
        "docs/assets/javascripts/iframe-worker.LICENSE.txt",
        "docs/stylesheets/playbook.css",
        "mkdocs-intranet.yml",
        "mkdocs-offline.yml",
    ):
        assert (SCAFFOLD / rel).read_bytes() == (REPO / rel).read_bytes(), rel
    ours, theirs = load_config(REPO / "mkdocs.yml"), load_config(SCAFFOLD / "mkdocs.yml")
    for key in ("plugins", "markdown_extensions", "extra_css", "validation"):
        assert theirs.get(key) == ours.get(key), key
    for key in ("name", "font", "features", "icon"):
        assert theirs["theme"].get(key) == ours["theme"].get(key), f"theme.{key}"
    assert "repo_url" not in theirs


def test_scaffold_files_are_the_package_files() -> None:
    files = scaffold_files("Acme", "playbook-site")
    assert set(files) - {f for f in files if f.startswith("schemas/")} == EXPECTED


@pytest.mark.slow
def test_new_repository_checks_and_builds_itself(tmp_path: Path) -> None:
    """The new repository's own pull-request workflow, run here: validate, build, preview, summary."""
    upstream = tmp_path / "acme"
    init(upstream, name="Acme", requirement=f"{DISTRIBUTION} @ {REPO.as_uri()}")  # this machine only
    git(upstream, "add", "-A")
    git(upstream, "commit", "--quiet", "-m", "start")
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "--quiet", str(upstream), str(checkout))
    role = checkout / "org/roles/customer-service-lead.yml"
    role.write_text(role.read_text(encoding="utf-8").replace("reports_to: director", "reports_to: head-of-marketing"),
                    encoding="utf-8")
    git(checkout, "commit", "--quiet", "-am", "customer service reports to marketing")
    summary = tmp_path / "summary.md"
    results = run_job(load_workflow(SCAFFOLD_WORKFLOWS / "pr.yml"), "check", checkout, summary)
    assert [name for name, _ in results] == [
        "Validate the playbook", "Build the site", "Build the preview", "Summarise the changes"
    ]
    for name, done in results:
        assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"
    assert (checkout / "site" / "roles" / "director" / "index.html").is_file()
    assert (checkout / "site-preview" / "roles" / "director.html").is_file()
    assert summary.read_text(encoding="utf-8") == (
        "## Playbook changes: `origin/main` → `HEAD`\n"
        "\n"
        "### Reporting lines\n"
        "\n"
        "- **Customer Service Lead** now reports to **Head of Marketing** (was **Director**)\n"
    )
    # and the Pages workflow's build, with the address GitHub gives it
    pages = run_job(load_workflow(SCAFFOLD_WORKFLOWS / "pages.yml"), "build", upstream, summary)
    assert [name for name, _ in pages] == ["Validate the playbook", "Build the site"]
    assert all(done.returncode == 0 for _, done in pages), pages
    assert 'href="https://example.github.io/playbook/"' in (upstream / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path, old, new",
    [
        ("org/roles/social-media-officer.yml", "reports_to: head-of-marketing", "reports_to: head-of-marketng"),
        ("org/roles/customer-service-lead.yml",
         "summary: Makes sure every complaint that starts on social media ends with a solution.",
         "summary: Care: fast and kind"),
        ("org/roles/director.yml", "responsibilities:", "responsibilites:"),
    ],
    ids=["misspelt-id", "colon", "misspelt-key"],
)
def test_contributing_page_quotes_the_validator(tmp_path: Path, path: str, old: str, new: str) -> None:
    init(tmp_path / "x", requirement="playbook-site", git=False)
    target = tmp_path / "x" / path
    target.write_text(target.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    problems = validate(tmp_path / "x").problems
    assert problems
    page = " ".join((tmp_path / "x" / "docs" / "contributing.md").read_text(encoding="utf-8").split())
    assert new.split(":")[0] in page
    for problem in problems:
        assert problem.message in page, problem.message


