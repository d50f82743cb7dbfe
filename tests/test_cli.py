"""The `playbook` command through click's runner: exit codes, formats, schema, new."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.model import ENTITY_TYPES, FILE_KINDS, KIND
from generator.project import validate
from generator.schema import schema_files

from .conftest import REPO
from .golden import check_file
from .test_problems import build_case

GOLDEN = Path(__file__).parent / "golden"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sample_is_strict_clean() -> None:
    code, out, err = run("validate", "--strict", "-f", str(REPO / "mkdocs.yml"))
    assert (code, out) == (0, "")
    assert err.startswith("0 errors, 0 warnings in ")


def test_exit_codes(tmp_path: Path) -> None:
    warn = build_case("shares-under-100", tmp_path / "warn")
    assert run("validate", "-f", str(warn / "mkdocs.yml"))[0] == 0
    assert run("validate", "--strict", "-f", str(warn / "mkdocs.yml"))[0] == 1
    broken = build_case("unknown-reference", tmp_path / "broken")
    for fmt in ("text", "github", "json"):
        assert run("validate", "--format", fmt, "-f", str(broken / "mkdocs.yml"))[0] == 1
    assert run("validate", "--format", "yaml")[0] == 2
    assert run("validate", "--no-such-option")[0] == 2


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_missing_project_is_one_line(tmp_path: Path, fmt: str) -> None:
    """A setup error exits 2 in every format, so CI can tell it from problems in the playbook (1)."""
    code, out, err = run("validate", "--format", fmt, "-f", str(tmp_path / "mkdocs.yml"))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("Error: no ") and "Traceback" not in err
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    code, _, err = run("validate", "--format", fmt, "-f", str(tmp_path))
    assert code == 2 and "no org/ folder" in err


def test_github_format_golden(tmp_path: Path) -> None:
    project = build_case("everything-at-once", tmp_path / "case")
    code, out, _ = run("validate", "--format", "github", "-f", str(project / "mkdocs.yml"))
    assert code == 1
    check_file(GOLDEN / "validate-github.txt", out)
    assert all(line.startswith("::error file=") for line in out.splitlines())


def test_github_format_escapes_newlines_and_commas(tmp_path: Path) -> None:
    project = build_case("misplaced-files", tmp_path / "case")
    (project / "org" / "a,b.yml").write_text("x: 1\n")
    _, out, _ = run("validate", "--format", "github", "-f", str(project / "mkdocs.yml"))
    assert "file=org/a%2Cb.yml," in out


def test_json_format(tmp_path: Path) -> None:
    project = build_case("shares-under-100", tmp_path / "case")
    code, out, _ = run("validate", "--format", "json", "-f", str(project / "mkdocs.yml"))
    data = json.loads(out)
    assert code == 0
    assert data["problems"] == [
        {
            "path": "org/departments/marketing.yml",
            "line": 4,
            "column": 8,
            "severity": "warning",
            "message": "department shares add up to 90%, not 100%; 10% of the social media "
            "workload is carried by nobody",
            "rule": "share-total",
        }
    ]


def test_version_names_the_engine() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("playbook ") and "Graphviz" in out


def test_committed_schemas_are_current() -> None:
    files = schema_files()
    committed = sorted(p.name for p in (REPO / "schemas").glob("*.json"))
    assert committed == sorted(files), "schemas/ holds other files than `playbook schema` writes"
    for name, text in files.items():
        assert (REPO / "schemas" / name).read_text(encoding="utf-8") == text, name


def test_schema_command_writes_draft_2020_12(tmp_path: Path) -> None:
    code, _, _ = run("schema", "-o", str(tmp_path))
    assert code == 0
    for kind in ENTITY_TYPES:
        schema = json.loads((tmp_path / f"{kind}.schema.json").read_text())
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False


def test_sample_files_name_their_schema() -> None:
    for path in sorted((REPO / "org").rglob("*.yml")) + sorted((REPO / "playbook").rglob("*.yml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target}"


ANSWERS = {
    "department": [],
    "role": ["--department", "customer-care", "--reports-to", "care-manager"],
    "metric": [],
    "channel": ["--owner", "community-manager"],
    "objective": ["--accountable", "ceo"],
    "theme": ["--objective", "customer-retention"],
    "workflow": ["--by", "care-agent"],
}
"""The references each kind's starter needs, given as options (nothing on stdin is a terminal)."""


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_new_writes_a_starter_that_validates(kind: str, sample_copy: Path) -> None:
    config = str(sample_copy / "mkdocs.yml")
    code, out, err = run("new", kind, f"brand-new-{kind}", "-f", config, *ANSWERS[kind])
    assert code == 0, err
    written = sample_copy / KIND[kind].folder / f"brand-new-{kind}.yml"
    assert written.is_file() and out.strip().endswith(written.relative_to(sample_copy).as_posix())
    result = validate(sample_copy)
    assert result.errors == [], result.errors
    # every id in it is one that was given
    text = written.read_text(encoding="utf-8")
    for value in ANSWERS[kind][1::2]:
        assert value in text
    named = {v for line in text.splitlines() if not line.lstrip().startswith("#")
             for v in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", line.split("#")[0])}
    assert named <= set(ANSWERS[kind][1::2]), "an id nobody gave"
    # its placeholder prose is a warning, so --strict fails until it is replaced
    leftovers = [p for p in result.warnings if p.rule == "starter-text"]
    assert leftovers and all(p.location.path == written.relative_to(sample_copy).as_posix() for p in leftovers)
    code, out, _ = run("validate", "--strict", "-f", config)
    assert code == 1 and "still holds the starter text" in out
    # running it again refuses to overwrite
    assert run("new", kind, f"brand-new-{kind}", "-f", config, *ANSWERS[kind])[0] == 1


def test_new_never_invents_an_id(sample_copy: Path) -> None:
    config = str(sample_copy / "mkdocs.yml")
    code, _, err = run("new", "role", "intern", "-f", config)
    assert code == 2 and "a role needs the department this role belongs to: give it with --department ID" in err
    code, _, err = run("new", "role", "intern", "-f", config, "--department", "custmer-care")
    assert code == 2 and "unknown department 'custmer-care' (did you mean 'customer-care'?)" in err
    code, _, err = run("new", "role", "intern", "-f", config, "--department", "ceo")  # a role, not a department
    assert code == 2 and "unknown department 'ceo'" in err
    assert run("new", "metric", "x", "-f", config, "--owner", "ceo")[0] == 2
    assert not (sample_copy / "org/roles/intern.yml").exists()
    code, _, _ = run("new", "role", "intern", "-f", config, "--department", "customer-care")
    text = (sample_copy / "org/roles/intern.yml").read_text(encoding="utf-8")
    assert "department: customer-care" in text and "\n# reports_to: <role id>" in text


def test_new_asks_on_a_terminal(sample_copy: Path) -> None:
    config = str(sample_copy / "mkdocs.yml")
    answers = "Care Intern\ncustmer-care\ncustomer-care\ncare-manager\n"
    result = CliRunner().invoke(main, ["new", "role", "care-intern", "-f", config, "--ask"], input=answers)
    assert result.exit_code == 0, result.output
    assert "unknown department 'custmer-care' (did you mean 'customer-care'?)" in result.stderr
    text = (sample_copy / "org/roles/care-intern.yml").read_text(encoding="utf-8")
    assert "title: Care Intern " in text
    assert "department: customer-care " in text and "reports_to: care-manager " in text


def test_new_refuses_bad_and_taken_ids(sample_copy: Path) -> None:
    config = str(sample_copy / "mkdocs.yml")
    assert run("new", "role", "Bad_Id", "-f", config)[0] == 2
    assert run("new", "metric", "ceo", "-f", config)[0] == 1


def test_validate_works_from_another_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "elsewhere"
    shutil.copytree(Path(__file__).parent / "problems" / "_base", project)
    monkeypatch.chdir(project)
    assert run("validate", "--strict")[0] == 0


@pytest.mark.parametrize("title", ["Care: fast and kind", "#1 fan", "@handle team", "yes", "2024", "  Care  lead  ", "It's \"ok\""])
def test_new_title_reads_back_as_typed(sample_copy: Path, title: str) -> None:
    config = str(sample_copy / "mkdocs.yml")
    code, _, err = run("new", "metric", "typed-title", "-f", config, "--title", title)
    assert code == 0, err
    result = validate(sample_copy)
    assert result.errors == [], result.errors
    assert result.playbook.metrics["typed-title"].title == " ".join(title.split())

