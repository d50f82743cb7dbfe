"""`playbook validate --format github` within GitHub's limits: changed files first, at most 10
errors and 10 warnings as annotations, the rest in the job summary, totals on the changed files."""

from __future__ import annotations

import subprocess
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.errors import Location, Problem
from generator.github import PER_STEP, annotate

from .test_problems import build_case_base

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]


def problems(count: int, severity: str = "error", path: str = "org/roles/a.yml") -> list[Problem]:
    return [Problem(Location(path, line), f"problem {line}", "reference", severity) for line in range(1, count + 1)]  # type: ignore[arg-type]


def test_everything_fits_no_summary() -> None:
    out = annotate(problems(10) + problems(10, "warning"), summary=True)
    assert out.commands.count("::error ") == 10 and out.commands.count("::warning ") == 10
    assert "::notice" not in out.commands
    assert out.summary == ""


def test_the_rest_goes_to_the_summary() -> None:
    out = annotate(problems(25) + problems(3, "warning", "org/roles/b.yml"), summary=True)
    lines = out.commands.splitlines()
    assert sum(line.startswith("::error ") for line in lines) == PER_STEP
    assert sum(line.startswith("::warning ") for line in lines) == 3
    assert lines[-1] == "::notice title=playbook validate::15 more problems: see the summary"
    rows = [line for line in out.summary.splitlines() if line.startswith("| org/")]
    assert len(rows) == 15
    assert rows[0] == "| org/roles/a.yml:11:1 | error | problem 11 | reference |"
    assert out.summary.startswith("## Playbook check: 15 more problems\n")


def test_without_a_summary_every_problem_is_printed() -> None:
    out = annotate(problems(25))
    assert out.commands.count("::error ") == 25 and "::notice" not in out.commands


def test_changed_files_come_first() -> None:
    untouched = problems(12, path="org/roles/a.yml")
    touched = problems(2, path="org/roles/z.yml")
    out = annotate(untouched + touched, changed={"org/roles/z.yml"}, summary=True)
    files = [line.split("file=")[1].split(",")[0] for line in out.commands.splitlines() if line.startswith("::error")]
    assert files[:2] == ["org/roles/z.yml", "org/roles/z.yml"]
    assert "org/roles/z.yml" not in out.summary


def test_table_cells_are_escaped() -> None:
    bad = [Problem(Location("org/roles/a.yml", n), "a | pipe and `code` <b>", "type") for n in range(1, 12)]
    out = annotate(bad, summary=True)
    assert "a \\| pipe and \\`code\\` &lt;b&gt;" in out.summary


def git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def repository(tmp_path: Path) -> Path:
    project = build_case_base(tmp_path)
    git(project, "init", "--quiet", "--initial-branch", "main")
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "base")
    return project


def test_share_total_goes_to_the_changed_department(tmp_path: Path) -> None:
    """The lead changed care's share; the total is reported on care.yml, not marketing.yml."""
    project = repository(tmp_path)
    care = project / "org/departments/care.yml"
    care.write_text(care.read_text().replace("share: 40", "share: 30"))
    summary = tmp_path / "summary.md"
    result = CliRunner().invoke(main, [
        "validate", "--format", "github", "-f", str(project / "mkdocs.yml"),
        "--changed-from", "main", "--summary", str(summary),
    ])
    assert result.exit_code == 0, result.output  # a warning only
    assert result.stdout.startswith("::warning file=org/departments/care.yml,line=5,col=8,title=share-total::")
    assert "marketing.yml" not in result.stdout
    assert not summary.exists()  # everything fitted


def test_many_errors_after_a_removal(tmp_path: Path) -> None:
    project = repository(tmp_path)
    (project / "org/roles/head-of-marketing.yml").unlink()
    for n in range(12):  # twelve workflows that name the removed role
        (project / f"playbook/workflows/w{n}.yml").write_text(
            "title: W\nsummary: S.\ntrigger: T.\nsteps:\n  - by: head-of-marketing\n    action: A.\n"
        )
    git(project, "add", "-A")
    git(project, "commit", "--quiet", "-m", "more workflows")
    (project / "playbook/workflows/w5.yml").write_text(
        "title: W\nsummary: S.\ntrigger: T.\nsteps:\n  - by: head-of-marketin\n    action: A.\n"
    )
    summary = tmp_path / "summary.md"
    result = CliRunner().invoke(main, [
        "validate", "--format", "github", "-f", str(project / "mkdocs.yml"),
        "--changed-from", "HEAD", "--summary", str(summary),
    ])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == PER_STEP
    assert errors[0].startswith("::error file=playbook/workflows/w5.yml,")  # the file this change touched
    assert lines[-1].startswith("::notice title=playbook validate::") and lines[-1].endswith("more problems: see the summary")
    more = int(lines[-1].split("::")[2].split()[0])
    table = summary.read_text(encoding="utf-8")
    assert table.count("\n| ") - 2 == more  # header and separator rows, then one row per problem left out
    every = CliRunner().invoke(main, ["validate", "-f", str(project / "mkdocs.yml")]).stdout.splitlines()
    assert len(errors) + more == len(every)


def test_unknown_revision_is_a_usage_error(tmp_path: Path) -> None:
    project = repository(tmp_path)
    result = CliRunner().invoke(main, [
        "validate", "--format", "github", "-f", str(project / "mkdocs.yml"), "--changed-from", "nope",
    ])
    assert result.exit_code == 2
    assert "unknown revision 'nope'" in result.output


def test_summary_defaults_to_the_step_summary(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project = repository(tmp_path)
    for n in range(12):
        (project / f"playbook/workflows/w{n}.yml").write_text("title: W\nsummary: S.\ntrigger: T.\nsteps: []\n")
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = CliRunner().invoke(main, ["validate", "--format", "github", "-f", str(project / "mkdocs.yml")])
    assert result.exit_code == 1
    assert result.stdout.count("::error ") == PER_STEP
    assert summary.read_text(encoding="utf-8").startswith("## Playbook check: 2 more problems\n")
