"""The GitHub workflows and the pre-commit hook: they parse, name only actions that exist,
and their shell steps do what they say when run here, in a copy of the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO, copy_project

WORKFLOWS = REPO / ".github" / "workflows"
SCAFFOLD_WORKFLOWS = REPO / "generator" / "scaffold" / "dot-github" / "workflows"
BIN = Path(sys.executable).parent

KNOWN_ACTIONS = {
    "actions/checkout": "v6",
    "actions/setup-python": "v6",
    "actions/upload-artifact": "v7",
    "actions/configure-pages": "v6",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
}
"""The official actions the workflows may use, at their current major version."""

EXPRESSIONS = {
    "github.base_ref": "main",
    "github.event.pull_request.number": "1",
    "steps.pages.outputs.base_url": "https://example.github.io/playbook",
    "steps.deployment.outputs.page_url": "https://example.github.io/playbook/",
    "!cancelled()": "true",
    "github.token": "a-token",
    "github.repository": "example/playbook",
}
"""What `${{ … }}` expressions stand for in a local run; an unknown one fails the test."""

NOT_RUN_HERE = {
    "sudo apt-get": "installs Graphviz on the runner; the test machine has dot already",
    "pip install": "installs the generator; the tests run inside the installed generator",
    "bash .ci/run": "runs this very test suite",
}
"""Shell steps that are checked by reading them, not by running them."""


def load_workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true
    if True in data:
        data["on"] = data.pop(True)
    return data


def all_workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml")) + sorted(SCAFFOLD_WORKFLOWS.glob("*.yml"))


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


def step(workflow: dict[str, Any], job: str, uses_or_run: str) -> dict[str, Any]:
    found = [s for s in steps(workflow, job) if uses_or_run in (s.get("uses") or s.get("run") or "")]
    assert len(found) == 1, f"expected one step with {uses_or_run!r} in job {job}"
    return found[0]


def expand(text: str) -> str:
    def value(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in EXPRESSIONS, f"unknown expression ${{{{ {expression} }}}}"
        return EXPRESSIONS[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def run_job(workflow: dict[str, Any], job: str, cwd: Path, summary: Path) -> list[tuple[str, subprocess.CompletedProcess[str]]]:
    """Run a job's shell steps the way the runner does (bash -e -o pipefail), skipping NOT_RUN_HERE."""
    results = []
    base_env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
                "GITHUB_STEP_SUMMARY": str(summary), "CI": "true"}
    base_env.update({k: expand(str(v)) for k, v in (workflow.get("env") or {}).items()})
    base_env.update({k: expand(str(v)) for k, v in (workflow["jobs"][job].get("env") or {}).items()})
    for item in steps(workflow, job):
        script = item.get("run")
        if script is None or any(script.strip().startswith(prefix) for prefix in NOT_RUN_HERE):
            continue
        condition = item.get("if")
        if condition is not None:
            assert expand(condition) == "true", f"condition {condition!r} not understood"
        env = {**base_env, **{k: expand(str(v)) for k, v in (item.get("env") or {}).items()}}
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(script)],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False,
        )
        results.append((item.get("name", script), done))
    return results


# -- reading the workflows -------------------------------------------------------------------


@pytest.mark.parametrize("path", all_workflow_files(), ids=lambda p: f"{p.parent.parent.parent.name}/{p.name}")
def test_workflow_uses_only_known_actions(path: Path) -> None:
    workflow = load_workflow(path)
    assert workflow["name"] and workflow["on"] and workflow["jobs"]
    for job_id, job in workflow["jobs"].items():
        assert job["runs-on"] == "ubuntu-latest", job_id
        assert job.get("timeout-minutes"), f"{job_id} has no timeout"
        for item in job["steps"]:
            assert ("uses" in item) != ("run" in item), item
            assert item.get("name"), f"a step of {job_id} has no name"
            if "uses" in item:
                action, _, version = item["uses"].partition("@")
                assert action in KNOWN_ACTIONS, f"unknown action {action}"
                assert version == KNOWN_ACTIONS[action], f"{action}@{version}: use {KNOWN_ACTIONS[action]}"
            else:
                expand(item["run"])  # every expression is one we know


@pytest.mark.parametrize("folder", [WORKFLOWS, SCAFFOLD_WORKFLOWS], ids=["repo", "scaffold"])
def test_pull_request_workflow(folder: Path) -> None:
    workflow = load_workflow(folder / "pr.yml")
    assert list(workflow["on"]) == ["pull_request"]
    assert workflow["permissions"] == {"contents": "read"}
    assert step(workflow, "check", "actions/checkout")["with"]["fetch-depth"] == 0
    assert str(step(workflow, "check", "actions/setup-python")["with"]["python-version"]) == "3.11"
    assert "apt-get install --yes --no-install-recommends graphviz" in step(workflow, "check", "apt-get")["run"]
    install = step(workflow, "check", "pip install")["run"]
    assert install == ("pip install -e ." if folder == WORKFLOWS else "pip install -r requirements.txt")
    step(workflow, "check", "playbook validate --strict --format github")
    # through playbook build: never into a source folder, swapped in only when it passed
    assert step(workflow, "check", "playbook build --strict --site-dir site")
    preview = step(workflow, "check", "--config-file mkdocs-offline.yml")["run"]
    assert preview.startswith("playbook build --strict ")
    upload = step(workflow, "check", "actions/upload-artifact")
    assert upload["with"]["path"].rstrip("/") == preview.split("--site-dir")[1].split()[0]
    assert (folder.parent.parent if folder == SCAFFOLD_WORKFLOWS else REPO).joinpath("mkdocs-offline.yml").is_file()
    summary = step(workflow, "check", "playbook diff")
    assert summary["run"] == 'playbook diff "origin/$BASE_REF" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"'
    # the branch name reaches the shell through the environment, never pasted into the script
    assert summary["env"] == {"BASE_REF": "${{ github.base_ref }}"}
    assert summary["if"] == "${{ !cancelled() }}"


@pytest.mark.parametrize("folder", [WORKFLOWS, SCAFFOLD_WORKFLOWS], ids=["repo", "scaffold"])
def test_pages_workflow(folder: Path) -> None:
    workflow = load_workflow(folder / "pages.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build = step(workflow, "build", "playbook build --strict")
    site_dir = build["run"].split("--site-dir")[1].split()[0]
    assert step(workflow, "build", "actions/configure-pages")["id"] == "pages"
    assert step(workflow, "build", "actions/upload-pages-artifact")["with"]["path"].rstrip("/") == site_dir
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v5"]
    assert deploy["steps"][0]["id"] == "deployment"


def test_scaffold_workflows_differ_only_in_the_install_step() -> None:
    for name in ("pr.yml", "pages.yml", "stale.yml"):
        ours = (WORKFLOWS / name).read_text(encoding="utf-8")
        theirs = (SCAFFOLD_WORKFLOWS / name).read_text(encoding="utf-8")
        ours = ours.replace("run: pip install -e .", "run: pip install -r requirements.txt")
        ours = ours.replace("          cache-dependency-path: pyproject.toml\n", "")
        if name == "pr.yml":  # the generator's own test suite runs only in its own repository
            ours = ours.split("\n  test:\n")[0].rstrip("\n") + "\n"
            ours = ours.replace(
                " A second job\n# runs the generator's test suite exactly as CI does (.ci/run).", ""
            )
        assert ours == theirs, name


def test_repo_runs_the_ci_script_on_pull_requests() -> None:
    workflow = load_workflow(WORKFLOWS / "pr.yml")
    assert step(workflow, "test", "bash .ci/run")
    assert (REPO / ".ci" / "run").is_file()


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks == [
        {
            "id": "playbook-validate",
            "name": "Validate the social media playbook",
            "description": "Checks the YAML in org/ and playbook/ and fails on any error or warning.",
            "entry": "playbook validate --strict",
            "language": "python",
            "pass_filenames": False,
            "files": r"^(org|playbook)/.*\.ya?ml$",
        }
    ]
    pattern = re.compile(hooks[0]["files"])
    assert pattern.search("org/roles/community-manager.yml")
    assert pattern.search("playbook/metrics/reach.yaml")
    assert not pattern.search("docs/index.md") and not pattern.search("mkdocs.yml")
    # the hook's entry is the installed console script
    assert "playbook = \"generator.cli:main\"" in (REPO / "pyproject.toml").read_text(encoding="utf-8")


# -- running the shell steps here -------------------------------------------------------------

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def pull_request_checkout(tmp_path: Path, project: Path, change: Any) -> Path:
    """A clone with origin/main and one commit on top, as actions/checkout leaves a pull request."""
    upstream = tmp_path / "upstream"
    shutil.copytree(project, upstream)
    git(upstream, "init", "--quiet", "--initial-branch", "main")
    git(upstream, "add", "-A")
    git(upstream, "commit", "--quiet", "-m", "base")
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "--quiet", str(upstream), str(checkout))
    change(checkout)
    git(checkout, "commit", "--quiet", "-am", "the pull request")
    return checkout


def move_community_manager(repo: Path) -> None:
    path = repo / "org/roles/community-manager.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "reports_to: social-media-manager", "reports_to: head-of-marketing-communication"
        ),
        encoding="utf-8",
    )


def repo_project(target: Path) -> Path:
    project = copy_project(REPO, target)
    for name in ("pyproject.toml", "mkdocs-intranet.yml", "mkdocs-offline.yml"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, project / name)
    return project


@pytest.mark.slow
def test_pull_request_steps_run(tmp_path: Path) -> None:
    project = repo_project(tmp_path / "project")
    checkout = pull_request_checkout(tmp_path, project, move_community_manager)
    summary = tmp_path / "summary.md"
    results = run_job(load_workflow(WORKFLOWS / "pr.yml"), "check", checkout, summary)
    names = [name for name, _ in results]
    assert names == ["Validate the playbook", "Build the site", "Build the preview", "Summarise the changes"]
    for name, done in results:
        assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"
    assert results[0][1].stdout == ""  # no annotations on a clean playbook
    assert (checkout / "site" / "index.html").is_file()
    assert (checkout / "site-preview" / "search" / "search_index.js").is_file()
    assert summary.read_text(encoding="utf-8") == (
        "## Playbook changes: `origin/main` → `HEAD`\n"
        "\n"
        "### Reporting lines\n"
        "\n"
        "- **Community Manager** now reports to **Head of Marketing Communication** "
        "(was **Social Media Manager**)\n"
    )


def test_pull_request_annotations_point_at_the_line(tmp_path: Path) -> None:
    """A misspelt id becomes an error annotation on its line; the summary is still written."""

    def misspell(repo: Path) -> None:
        path = repo / "org/roles/community-manager.yml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("reports_to: social-media-manager", "reports_to: social-media-manger"),
            encoding="utf-8",
        )

    checkout = pull_request_checkout(tmp_path, repo_project(tmp_path / "project"), misspell)
    workflow = load_workflow(WORKFLOWS / "pr.yml")
    only = {**workflow, "jobs": {"check": {**workflow["jobs"]["check"], "steps": [
        s for s in steps(workflow, "check") if (s.get("run") or "").startswith(("playbook validate", "playbook diff"))
    ]}}}
    summary = tmp_path / "summary.md"
    (validate_name, validate), (_, summarise) = run_job(only, "check", checkout, summary)
    assert validate.returncode == 1
    assert validate.stdout == (
        "::error file=org/roles/community-manager.yml,line=6,col=13,title=reference::"
        "unknown role 'social-media-manger' (did you mean 'social-media-manager'?) [reference]\n"
    )
    assert summarise.returncode == 0
    text = summary.read_text(encoding="utf-8")
    assert "- **Community Manager** now reports to `social-media-manger` (was **Social Media Manager**)" in text
    assert "> **Note:** HEAD has 1 error. See the validation annotations.\n" in text


@pytest.mark.slow
def test_pages_steps_run(tmp_path: Path) -> None:
    project = repo_project(tmp_path / "project")
    summary = tmp_path / "summary.md"
    results = run_job(load_workflow(WORKFLOWS / "pages.yml"), "build", project, summary)
    assert [name for name, _ in results] == ["Validate the playbook", "Build the site"]
    for name, done in results:
        assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"
    assert (project / "site" / "index.html").is_file()


# -- the guide quotes the validator -----------------------------------------------------------

MISTAKES = [
    ("org/roles/community-manager.yml", "reports_to: social-media-manager", "reports_to: social-media-manger"),
    ("org/roles/community-manager.yml", "summary: Keeps the Sahabat Kopi Nusantara community friendly, busy and growing.",
     "summary: Community: friendly, busy and growing."),
    ("playbook/channels/instagram-brand.yml", 'handle: "@kopinusantara"', "handle: @kopinusantara"),
    ("playbook/themes/brew-at-home.yml", '  - "#NgopiPintar"', "  - #NgopiPintar"),
    ("org/roles/community-manager.yml", "responsibilities:", "responsibilites:"),
]


@pytest.mark.parametrize("path, old, new", MISTAKES, ids=[m[2].split(":")[0] for m in MISTAKES])
def test_guide_quotes_the_validator_word_for_word(tmp_path: Path, path: str, old: str, new: str) -> None:
    """docs/guide/mistakes.md shows each mistake and exactly what `playbook validate` prints."""
    from generator.project import validate

    project = copy_project(REPO, tmp_path / "p")
    target = project / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = [str(p) for p in validate(project).problems]
    assert problems
    guide = (REPO / "docs" / "guide" / "mistakes.md").read_text(encoding="utf-8")
    for line in problems:
        assert line + "\n" in guide, f"the guide does not show: {line}"


def test_guide_quotes_the_no_kpi_warning(tmp_path: Path) -> None:
    from generator.project import validate

    project = copy_project(REPO, tmp_path / "p")
    path = project / "playbook/objectives/talent-attraction.yml"
    path.write_text(path.read_text(encoding="utf-8").split("kpis:")[0], encoding="utf-8")
    warning = next(str(p) for p in validate(project).problems if p.rule == "no-kpi")
    assert warning + "\n" in (REPO / "docs" / "guide" / "mistakes.md").read_text(encoding="utf-8")


def test_pull_request_with_many_errors_keeps_them_all(tmp_path: Path) -> None:
    """Removing a role gives more errors than GitHub annotates: the annotations start on the
    files the pull request changed, and the rest are in the job summary, none lost."""

    def remove_and_touch(repo: Path) -> None:
        git(repo, "rm", "--quiet", "org/roles/social-media-manager.yml")
        path = repo / "org/roles/community-manager.yml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "reports_to: social-media-manager", "reports_to: social-media-manger"), encoding="utf-8")

    checkout = pull_request_checkout(tmp_path, repo_project(tmp_path / "project"), remove_and_touch)
    workflow = load_workflow(WORKFLOWS / "pr.yml")
    only = {**workflow, "jobs": {"check": {**workflow["jobs"]["check"], "steps": [
        s for s in steps(workflow, "check") if (s.get("run") or "").startswith("playbook validate")
    ]}}}
    summary = tmp_path / "summary.md"
    [(_, validate)] = run_job(only, "check", checkout, summary)
    assert validate.returncode == 1
    lines = validate.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 10
    assert errors[0].startswith("::error file=org/roles/community-manager.yml,line=6,")
    more = int(lines[-1].split("::")[2].split()[0])
    assert lines[-1] == f"::notice title=playbook validate::{more} more problems: see the summary"
    rows = [line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith("| ") and ".yml:" in line]
    assert len(rows) == more
    done = subprocess.run([str(BIN / "playbook"), "validate"], cwd=checkout, capture_output=True, text=True, check=False)
    assert len(errors) + more == len(done.stdout.splitlines()) > 20


# -- the weekly stale-pages issue ---------------------------------------------------------------

FAKE_GH = """#!/usr/bin/env bash
# records each call; answers `issue list` with $FAKE_GH_OPEN (an open issue's number, or nothing)
printf '%s\\n' "$*" >> "$FAKE_GH_LOG"
for arg in "$@"; do
  if [ "$arg" = --body-file ]; then body=1; continue; fi
  if [ -n "$body" ]; then cp "$arg" "$FAKE_GH_LOG.body"; body=; fi
done
if [ "$1 $2" = "issue list" ]; then printf '%s\\n' "$FAKE_GH_OPEN"; fi
if [ "$1 $2" = "label create" ] && [ -n "$FAKE_GH_LABEL_EXISTS" ]; then echo "label exists" >&2; exit 1; fi
exit 0
"""


def test_stale_workflow() -> None:
    workflow = load_workflow(WORKFLOWS / "stale.yml")
    assert workflow["on"]["schedule"] == [{"cron": "0 6 * * 1"}]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    assert step(workflow, "report", "actions/checkout")["with"]["fetch-depth"] == 0
    update = step(workflow, "report", "gh issue")
    assert update["env"] == {"GH_TOKEN": "${{ github.token }}", "GH_REPO": "${{ github.repository }}"}
    # only the issue this workflow opened is ever edited or closed
    assert "--author app/github-actions" in update["run"]


def run_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, today: str, open_issue: str,
              label_exists: bool = False) -> tuple[list[str], str, str]:
    project = repo_project(tmp_path / "project")
    fake = tmp_path / "fake-bin"
    fake.mkdir()
    (fake / "gh").write_text(FAKE_GH, encoding="utf-8")
    (fake / "gh").chmod(0o755)
    log = tmp_path / "gh.log"
    monkeypatch.setenv("PATH", f"{os.environ['PATH']}{os.pathsep}{fake}")
    monkeypatch.setenv("FAKE_GH_LOG", str(log))
    monkeypatch.setenv("FAKE_GH_OPEN", open_issue)
    monkeypatch.setenv("PLAYBOOK_TODAY", today)
    if label_exists:
        monkeypatch.setenv("FAKE_GH_LABEL_EXISTS", "1")
    summary = tmp_path / "summary.md"
    results = run_job(load_workflow(WORKFLOWS / "stale.yml"), "report", project, summary)
    assert [name for name, _ in results] == ["Validate the playbook", "Keep the issue up to date"]
    for name, done in results:
        assert done.returncode == 0, f"{name}:\n{done.stdout}\n{done.stderr}"
    body = log.with_name("gh.log.body")
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return calls, body.read_text(encoding="utf-8") if body.exists() else "", summary.read_text(encoding="utf-8")


def test_stale_steps_open_an_issue_when_none_is_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, body, summary = run_stale(tmp_path, monkeypatch, "2026-11-30", "", label_exists=True)
    assert calls[0].startswith("label create playbook-stale ")
    assert calls[1] == (
        "issue list --label playbook-stale --author app/github-actions --state open --limit 1 "
        "--json number --jq .[0].number // empty"
    )
    assert calls[2:] == ["issue create --title Pages past their review date --label playbook-stale --body-file stale.md"]
    assert body.startswith("# Pages past their review date on 2026-11-30\n")
    assert "## Care Manager (1 page)" in body
    assert "| Kopi Nusantara Care on X (channel) | `playbook/channels/x-care.yml` | reviewed 2026-03-02 | 273 | 91 |" in body
    assert summary == body


def test_stale_steps_edit_the_open_issue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, body, _ = run_stale(tmp_path, monkeypatch, "2026-11-30", "7")
    assert calls[2:] == ["issue edit 7 --body-file stale.md"]
    assert "x-care.yml" in body


def test_stale_steps_close_the_issue_when_nothing_is_late(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls, body, _ = run_stale(tmp_path, monkeypatch, "2026-03-10", "7")
    assert calls[2:] == [
        "issue edit 7 --body-file stale.md",
        "issue close 7 --comment Every page is within its review period again.",
    ]
    assert "Every page has been reviewed (or changed) within its period." in body
    calls, _, _ = run_stale(tmp_path / "again", monkeypatch, "2026-03-10", "")
    assert calls[2:] == []  # nothing late and no issue open: nothing to do
