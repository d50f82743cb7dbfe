"""Review dates and owners: the owner rule of every kind, the "may be out of date" note, git
days in real repositories (a shallow clone too), and the one place "today" comes from.

Golden pages for a fresh, a stale and a never-reviewed entity of the sample live in
tests/golden/review/, rendered with a fixed day and fixed git days, never the clock.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import markdown
import pytest

from generator.errors import UsageError
from generator.escape import sanitize_html
from generator.model import Department, ReviewEvery
from generator.reference import reference_markdown
from generator.review import history, owner_of, review_of, reviews, today
from generator.site import Output, generate

from .conftest import REPO, copy_project, need_tool
from .golden import check_folder

GOLDEN = Path(__file__).parent / "golden" / "review"
DAY = datetime.date(2026, 11, 30)
SHOWN = (
    "departments/marketing.md",  # reviewed 2026-10-01: fresh
    "channels/x-care.md",  # reviewed 2026-03-02, channels every 13 weeks: stale
    "themes/barista-banter.md",  # never reviewed, changed 2026-01-05 by git: stale
    "roles/ceo.md",  # never reviewed, no git day: reports to nobody, so reviews its own page
    "organization/index.md",
)


def fixed_changed(out: Output) -> dict[str, datetime.date | str]:
    """Git days for the sample as if from a history: one old change, one shallow, the rest recent."""
    changed: dict[str, datetime.date | str] = {
        entity.path: datetime.date(2026, 11, 2) for entity in out.result.playbook.all_entities()
    }
    changed["playbook/themes/barista-banter.yml"] = datetime.date(2026, 1, 5)
    changed["org/roles/ceo.yml"] = "shallow"
    return changed


@pytest.fixture(scope="module")
def sample() -> Output:
    plain = generate(REPO, diagrams=False)
    return generate(REPO, diagrams=False, today=DAY, changed=fixed_changed(plain))


@pytest.fixture(scope="module")
def sample_id() -> Output:
    plain = generate(REPO, diagrams=False)
    return generate(REPO, language="id", diagrams=False, today=DAY, changed=fixed_changed(plain))


def test_golden_review_pages(sample: Output, sample_id: Output) -> None:
    files = {f"en/{path}": sample.pages[path].markdown for path in SHOWN}
    files.update({f"id/{path}": sample_id.pages[path].markdown for path in SHOWN[:3]})
    check_folder(GOLDEN, files, ".md")


def test_only_pages_past_their_period_carry_the_note(sample: Output) -> None:
    standing = reviews(sample.result.playbook, DAY, fixed_changed(sample))
    late = sorted(entity_id for entity_id, review in standing.items() if review.overdue)
    assert late == ["barista-banter", "x-care"]
    assert standing["x-care"].period == 91 and standing["x-care"].age == 273
    assert standing["marketing"].period == 180 and standing["marketing"].age == 60
    for path, page in sample.pages.items():
        entity_id = path.rsplit("/", 1)[-1].removesuffix(".md")
        if page.source:
            has_note = "!!! warning" in page.markdown
            assert has_note == (entity_id in late), path


def test_without_a_day_pages_show_no_review() -> None:
    out = generate(REPO, diagrams=False)
    assert not any("Last reviewed" in p.markdown or "Last changed" in p.markdown for p in out.pages.values())


def test_owner_rule_of_every_kind(sample: Output) -> None:
    playbook = sample.result.playbook
    org = playbook.organization
    assert org is not None
    hub_lead = playbook.departments[org.hub or ""].lead
    expected = {
        "organization": hub_lead,
        "marketing": "head-of-marketing",  # department: its lead
        "copywriter": playbook.roles["copywriter"].reports_to,  # role: its manager
        "ceo": "ceo",  # role reporting to nobody: itself
        "brand-reputation": playbook.objectives["brand-reputation"].raci.accountable,
        "barista-banter": playbook.themes["barista-banter"].owner,
        "x-care": "care-manager",
        "reach": hub_lead,  # metric: the hub's lead
        "crisis-escalation": playbook.objectives[playbook.workflows["crisis-escalation"].objective or ""].raci.accountable,
    }
    for entity_id, owner in expected.items():
        entity = org if entity_id == "organization" else playbook.entity(entity_id)
        assert entity is not None and owner
        assert owner_of(entity, playbook) == owner, entity_id


def test_a_rule_that_names_nobody_says_what_to_fix() -> None:
    out = generate(REPO, diagrams=False)
    playbook = out.result.playbook
    leaderless = Department.from_data({"title": "Lab", "summary": "Tries things."}, id="lab", path="org/departments/lab.yml")
    playbook_copy = type(playbook)(**{**playbook.__dict__, "departments": {**playbook.departments, "lab": leaderless}})
    review = review_of(leaderless, playbook_copy, DAY, {"org/departments/lab.yml": datetime.date(2025, 1, 1)})
    assert review.owner is None and review.overdue
    from generator.labels import get_labels
    from generator.pages import Renderer

    renderer = Renderer(playbook_copy, get_labels("en"), reviews={"lab": review})
    page = renderer.department_page(leaderless).markdown
    assert "no role owes it a review (name the department's lead)" in page
    assert "Last changed 2025-01-01" in page


def test_the_format_reference_states_each_owner_rule() -> None:
    text = reference_markdown("Format reference")
    for rule in (
        "owed by the department's lead",
        "owed by the role it reports to",
        "owed by the objective's accountable role",
        "owed by the theme's owner",
        "owed by the channel's owner",
        "owed by the lead of the coordinating hub",
        "owed by the accountable role of its objective",
    ):
        assert rule in " ".join(text.split()), rule
    assert "review_every" in text


def test_periods_in_days_and_weeks() -> None:
    periods = ReviewEvery.model_validate({"default": "30d", "channel": "2w"})
    assert periods.days("channel") == 14 and periods.days("role") == 30
    assert ReviewEvery().days("theme") == 180


def test_the_note_survives_the_sanitizer(sample: Output) -> None:
    text = sample.pages["channels/x-care.md"].markdown
    html = sanitize_html(markdown.markdown(text, extensions=["tables", "toc", "admonition"]))
    assert '<div class="admonition warning">' in html
    assert '<p class="admonition-title">May be out of date</p>' in html
    assert '<a href="../roles/care-manager.md">Care Manager</a> owes it a review' in html
    assert "<em>Last reviewed 2026-03-02 by" in html


# --- today ------------------------------------------------------------------------------------


def test_today_comes_from_the_setting_then_the_environment() -> None:
    assert today("2026-11-30", {}) == DAY
    assert today(None, {"PLAYBOOK_TODAY": "2026-01-02"}) == datetime.date(2026, 1, 2)
    assert today("2026-11-30", {"PLAYBOOK_TODAY": "2026-01-02"}) == DAY
    with pytest.raises(UsageError, match="PLAYBOOK_TODAY is '30/11/2026', which is not a day"):
        today(None, {"PLAYBOOK_TODAY": "30/11/2026"})
    with pytest.raises(UsageError, match="the today setting is 'monday'"):
        today("monday", {})


# --- git days, in real repositories -----------------------------------------------------------


def _git(folder: Path, *args: str, day: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Lead",
        "GIT_AUTHOR_EMAIL": "lead@example.com",
        "GIT_COMMITTER_NAME": "Lead",
        "GIT_COMMITTER_EMAIL": "lead@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if day:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{day}T12:00:00+00:00"
    done = subprocess.run(["git", *args], cwd=folder, env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """The sample in a git repository of three commits on three days, plus one uncommitted file."""
    if shutil.which("git") is None:
        need_tool("git is not installed")
    project = copy_project(REPO, tmp_path / "repo")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "first", day="2025-06-01")
    (project / "playbook/themes/cafe-news.yml").write_text(
        (project / "playbook/themes/cafe-news.yml").read_text(encoding="utf-8") + "# checked\n", encoding="utf-8"
    )
    _git(project, "commit", "-q", "-am", "second", day="2026-02-10")
    (project / "playbook/metrics/reach.yml").write_text(
        (project / "playbook/metrics/reach.yml").read_text(encoding="utf-8") + "# checked\n", encoding="utf-8"
    )
    _git(project, "commit", "-q", "-am", "third", day="2026-11-20")
    return project


def test_git_days_are_those_of_the_last_commit_touching_each_file(repository: Path) -> None:
    (repository / "playbook/themes/new-thing.yml").write_text("title: New\n", encoding="utf-8")
    found = history(repository)
    assert found["playbook/themes/cafe-news.yml"] == datetime.date(2026, 2, 10)
    assert found["playbook/metrics/reach.yml"] == datetime.date(2026, 11, 20)
    assert found["org/roles/ceo.yml"] == datetime.date(2025, 6, 1)
    assert found["playbook/themes/new-thing.yml"] == "uncommitted"


def test_a_shallow_clone_says_why_a_day_is_missing(repository: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", "--depth", "2", repository.as_uri(), str(clone))
    found = history(clone)
    # two commits are there: the file the newer one changed has its true day ...
    assert found["playbook/metrics/reach.yml"] == datetime.date(2026, 11, 20)
    # ... the boundary commit lists every file, changed there or earlier: no day is sure
    assert found["playbook/themes/cafe-news.yml"] == "shallow"
    assert found["org/roles/ceo.yml"] == "shallow"
    out = generate(clone, diagrams=False, today=DAY, changed=found)
    page = out.pages["roles/ceo.md"].markdown
    assert "the last change is unknown: the site was built from a shallow clone" in page
    assert "2026-02-10" not in page and "2026-11-20" not in page


def test_outside_git_every_file_says_so(tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "plain")
    found = history(project)
    assert set(found.values()) == {"no-git"}
    assert "playbook/channels/x-care.yml" in found
    page = generate(project, diagrams=False, today=DAY, changed=found).pages["roles/ceo.md"].markdown
    assert "the playbook is not in a git repository" in page


# --- playbook stale ---------------------------------------------------------------------------


def _stale(project: Path, *args: str) -> tuple[int, str, str]:
    from click.testing import CliRunner

    from generator.cli import main

    done = CliRunner().invoke(main, ["stale", "-f", str(project / "mkdocs.yml"), *args])
    return done.exit_code, done.stdout, done.stderr


@pytest.fixture
def plain_copy(tmp_path: Path) -> Path:
    """The sample outside git: only `reviewed` days count."""
    return copy_project(REPO, tmp_path / "plain")


def test_stale_lists_late_pages_by_owner(plain_copy: Path) -> None:
    code, out, _ = _stale(plain_copy, "--today", "2026-11-30")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        "Care Manager (care-manager)",
        "  playbook/channels/x-care.yml: channel 'Kopi Nusantara Care on X', 273 days since reviewed "
        "2026-03-02 (due every 91 days)",
        "1 page past review on 2026-11-30, owed by 1 owner; 93 pages with no known date",
    ]
    assert "  org/roles/ceo.yml: age unknown (no-git)" in lines


def test_stale_strict_fails_only_when_a_page_is_late(plain_copy: Path) -> None:
    assert _stale(plain_copy, "--strict", "--today", "2026-11-30")[0] == 1
    assert _stale(plain_copy, "--strict", "--today", "2026-04-01")[0] == 0


def test_stale_json_and_markdown(plain_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setenv("PLAYBOOK_TODAY", "2027-01-15")
    code, out, _ = _stale(plain_copy, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["today"] == "2027-01-15"
    late = {i["id"]: i for i in data["late"]}
    assert set(late) == {"x-care"}  # marketing, reviewed 2026-10-01, is 106 days old of 180
    assert late["x-care"] == {
        "id": "x-care", "kind": "channel", "title": "Kopi Nusantara Care on X",
        "file": "playbook/channels/x-care.yml", "owner": "care-manager", "owner_title": "Care Manager",
        "reviewed": "2026-03-02", "changed": None, "age_days": 319, "period_days": 91,
    }
    assert data["unknown"][0]["unknown_because"] == "no-git"
    code, out, _ = _stale(plain_copy, "--format", "markdown")
    assert out.startswith("# Pages past their review date on 2027-01-15\n\n## Care Manager (1 page)\n")


def test_stale_says_what_is_wrong_with_its_input(plain_copy: Path) -> None:
    code, _, err = _stale(plain_copy, "--today", "tomorrow")
    assert code == 2 and "the today setting is 'tomorrow', which is not a day" in err
    (plain_copy / "org/roles/ceo.yml").write_text("title: [\n", encoding="utf-8")
    code, out, err = _stale(plain_copy, "--today", "2026-11-30")
    assert code == 1 and out == "" and "org/roles/ceo.yml:" in err and "[syntax]" in err


def test_stale_orders_owners_by_title_and_pages_oldest_first(plain_copy: Path) -> None:
    import json

    data = json.loads(_stale(plain_copy, "--format", "json", "--today", "2027-09-30")[1])
    assert [(i["id"], i["owner_title"], i["age_days"]) for i in data["late"]] == [
        ("x-care", "Care Manager", 577),
        ("marketing", "Head of Marketing", 364),
    ]


def test_review_labels_exist_in_both_languages_with_the_same_placeholders() -> None:
    import string

    import yaml

    tables = {
        lang: yaml.safe_load((REPO / "generator" / "labels" / f"review-{lang}.yml").read_text(encoding="utf-8"))
        for lang in ("en", "id")
    }
    assert set(tables["en"]) == set(tables["id"])
    for key, text in tables["en"].items():
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        assert names == {name for _, name, _, _ in string.Formatter().parse(tables["id"][key]) if name}, key


def test_plugin_options_review_and_today(tmp_path: Path) -> None:
    """`review: false` leaves the review lines out; `today` still places the calendar."""
    import re
    import subprocess
    import sys

    project = copy_project(REPO, tmp_path / "p")
    config = project / "mkdocs.yml"
    text, found = re.subn(r"(?m)^  - playbook\b.*$",
                          '  - playbook:\n      diagrams: false\n      review: false\n      today: "2026-12-01"',
                          config.read_text(encoding="utf-8"))
    assert found == 1
    config.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config)],
                          capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=False)
    assert done.returncode == 0, done.stderr
    channel = (project / "site" / "channels" / "x-care" / "index.html").read_text(encoding="utf-8")
    assert "Last reviewed" not in channel and "May be out of date" not in channel
    calendar = (project / "site" / "calendar" / "index.html").read_text(encoding="utf-8")
    assert "This week: Mon 30 November to Sun 6 December" in calendar
    assert 'href="../themes/brew-at-home/"' in calendar and ".md\"" not in calendar
    assert (project / "site" / "calendar" / "playbook.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
