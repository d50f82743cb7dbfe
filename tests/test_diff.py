"""`playbook diff` against a real git repository made in tmp_path, one commit per kind of change."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.diff import Change, Names, diff, escape_markdown, files_at

from .conftest import REPO, copy_project, need_tool


@pytest.fixture(scope="module", autouse=True)
def _git() -> None:
    """Skip the module (fail it under CI) without git."""
    if shutil.which("git") is None:
        need_tool("git is not installed (apt-get install git)")


GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]


def git(repo: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


def commit(repo: Path, tag: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", tag)
    git(repo, "tag", tag)


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(repo: Path, rel: str, text: str) -> None:
    path = repo / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def rename_references(repo: Path, old: str, new: str) -> None:
    """Point every reference to `old` at `new`, as someone renaming a file would (text stays)."""
    pattern = re.compile(rf"(?m)^(\s*(?:-\s+)?(?:[a-z_]+:\s+)?){re.escape(old)}\s*$")
    for file in sorted((repo / "org").rglob("*.yml")) + sorted((repo / "playbook").rglob("*.yml")):
        text = file.read_text(encoding="utf-8")
        changed = pattern.sub(lambda m: m.group(1) + new, text)
        if changed != text:
            file.write_text(changed, encoding="utf-8")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample organization, then one tagged commit per kind of change."""
    repo = copy_project(REPO, tmp_path_factory.mktemp("diff") / "repo")
    git(repo, "init", "--quiet", "--initial-branch", "main")
    commit(repo, "base")

    edit(repo, "org/roles/community-manager.yml", "reports_to: social-media-manager",
         "reports_to: head-of-marketing-communication")
    commit(repo, "reporting")

    edit(repo, "playbook/objectives/customer-retention.yml", "accountable: head-of-customer-care",
         "accountable: care-manager")
    edit(repo, "playbook/objectives/customer-retention.yml", "    - sales\n", "    - marketing-communication\n")
    edit(repo, "playbook/objectives/customer-retention.yml", "  informed:\n    - marketing-communication\n",
         "  informed:\n")
    commit(repo, "raci")

    edit(repo, "playbook/channels/instagram-brand.yml", "owner: social-media-manager",
         "owner: head-of-marketing-communication")
    commit(repo, "owner")

    path = repo / "playbook/objectives/talent-attraction.yml"
    path.write_text(path.read_text(encoding="utf-8").split("kpis:")[0], encoding="utf-8")
    commit(repo, "no-kpi")

    git(repo, "mv", "org/roles/social-analyst.yml", "org/roles/social-media-analyst.yml")
    edit(repo, "org/roles/social-media-analyst.yml", "title: Social Analyst", "title: Social Media Analyst")
    rename_references(repo, "social-analyst", "social-media-analyst")
    commit(repo, "rename")

    # a new id with the same title, written as a delete and an add rather than git mv
    old = repo / "org/roles/videographer.yml"
    text = old.read_text(encoding="utf-8")
    old.unlink()
    write(repo, "org/roles/video-producer.yml", text)
    rename_references(repo, "videographer", "video-producer")
    commit(repo, "new-id")

    write(repo, "org/roles/tiktok-creator.yml", """\
title: TikTok Creator
summary: Makes short, funny videos for the promotion account.
department: marketing-communication
reports_to: social-media-manager
responsibilities:
  - Film three short videos a week.
""")
    (repo / "org/roles/web-analyst.yml").unlink()
    write(repo, "org/departments/events.yml", "title: Events\nsummary: Runs café events.\nparent: marketing\n")
    write(repo, "playbook/metrics/saves.yml", "title: Saves\nsummary: Posts saved.\nlayer: media\n")
    write(repo, "playbook/channels/threads-main.yml", """\
title: Kopi Nusantara on Threads
summary: Short conversations.
platform: threads
purpose: community
owner: community-manager
operators: [community-manager]
""")
    write(repo, "playbook/objectives/event-attendance.yml", """\
title: Event attendance
summary: Full cupping nights.
goal: marketing
raci:
  accountable: head-of-cafe-operations
  responsible: [events]
kpis:
  - metric: saves
    target: 100 saves per event post
""")
    write(repo, "playbook/themes/event-recaps.yml", """\
title: Event recaps
summary: What happened at the last cupping night.
kind: community
objectives: [event-attendance]
""")
    write(repo, "playbook/workflows/event-announcement.yml", """\
title: Event announcement
summary: From date to post.
trigger: A café plans an event.
steps:
  - by: head-of-cafe-operations
    action: Send the date to the hub.
    to: tiktok-creator
""")
    (repo / "playbook/themes/cafe-news.yml").unlink()
    commit(repo, "added-removed")

    edit(repo, "playbook/themes/brew-at-home.yml", "    days: [mon, thu]", "    days: [mon, wed, thu]")
    edit(repo, "org/departments/customer-care.yml", "parent: ", "parent: marketing\n# was: ")
    commit(repo, "edits")

    edit(repo, "playbook/channels/instagram-brand.yml", "response_time: 2h", "response_time: 1h")
    edit(repo, "playbook/themes/brew-at-home.yml", "owner: head-barista", "owner: community-manager")
    edit(repo, "org/roles/community-manager.yml", "target: 3,000 active members a month",
         "target: 4,000 active members a month")
    flow = "playbook/workflows/complaint-under-campaign-post.yml"
    edit(repo, flow, "    within: 30m\n    to: care-manager", "    within: 1h\n    to: care-manager")
    edit(repo, flow, "  - by: social-media-analyst\n", "  - by: social-media-manager\n    action: Thank the team.\n"
         "  - by: social-media-analyst\n")
    commit(repo, "fields")

    write(repo, "org/roles/copywriter.yml", "title: Copywriter\nsummary: Writes: captions.\n")
    commit(repo, "broken")
    return repo


def changes(repo: Path, base: str, head: str | None) -> list[str]:
    return [c.text() for c in diff(repo, base, head).changes]


def test_reporting_line_moved(history: Path) -> None:
    assert changes(history, "base", "reporting") == [
        "Community Manager now reports to Head of Marketing Communication (was Social Media Manager)"
    ]


def test_raci_changes(history: Path) -> None:
    assert changes(history, "reporting", "raci") == [
        "Customer retention: accountable changed from Head of Customer Care to Care Manager",
        "Customer retention: responsible added Marketing Communication",
        "Customer retention: responsible removed Sales",
        "Customer retention: informed removed Marketing Communication",
    ]


def test_channel_owner(history: Path) -> None:
    assert changes(history, "raci", "owner") == [
        "Kopi Nusantara on Instagram: owner changed from Social Media Manager to Head of Marketing Communication"
    ]


def test_objective_left_without_kpi(history: Path) -> None:
    assert changes(history, "owner", "no-kpi") == [
        "Talent attraction has no KPI any more (was measured by Applicants from social media and Follower growth)"
    ]


def test_rename_is_one_change(history: Path) -> None:
    """git mv plus a new title, and every reference updated: one sentence, nothing else."""
    assert changes(history, "no-kpi", "rename") == [
        "Renamed role Social Analyst to Social Media Analyst (id social-media-analyst, was social-analyst); "
        "its page moved, and the old link no longer works (no redirect in redirects.yml)"
    ]


def test_new_id_same_title_is_a_rename(history: Path) -> None:
    assert changes(history, "rename", "new-id") == [
        "Role Videographer has a new id: video-producer (was videographer); "
        "its page moved, and the old link no longer works (no redirect in redirects.yml)"
    ]


def test_added_and_removed_of_every_kind(history: Path) -> None:
    assert changes(history, "new-id", "added-removed") == [
        "Added department Events under Marketing",
        "Added role TikTok Creator in Marketing Communication, reporting to Social Media Manager",
        "Removed role Web Analyst (was in Information Technology)",
        "Added objective Event attendance, accountable: Head of Café Operations",
        "Added theme Event recaps",
        "Removed theme Café news",
        "Added channel Kopi Nusantara on Threads, owned by Community Manager",
        "Added metric Saves",
        "Added workflow Event announcement",
    ]


def test_other_edits_and_department_moves(history: Path) -> None:
    assert changes(history, "added-removed", "edits") == [
        "Customer Care now sits under Marketing (was Executive Office)",
        "Brew at home (theme): cadence (slot 1) days added wed",
    ]


def test_other_edits_say_old_and_new(history: Path) -> None:
    assert changes(history, "edits", "fields") == [
        "Community Manager (role): KPI Active community members: target changed from “3,000 active members a month” "
        "to “4,000 active members a month”",
        "Brew at home (theme): owner changed from Head Barista to Community Manager",
        "Kopi Nusantara on Instagram (channel): response time changed from 2h to 1h",
        "Complaint under a campaign post (workflow): step 2: within changed from 30m to 1h",
        "Complaint under a campaign post (workflow): step 6 added: “Thank the team.”",
    ]


def test_a_file_that_did_not_load_is_named_with_its_reason(history: Path) -> None:
    text = diff(history, "fields", "broken").text()
    assert ("1 file that did not load is left out: org/roles/copywriter.yml (line 2: a colon followed by a space "
            "inside the value of 'summary' makes YAML read another key;") in text


def test_whole_history_and_errors_note(history: Path) -> None:
    report = diff(history, "base", "edits")
    text = report.text()
    assert text.startswith("Playbook changes from base to edits\n\nDepartments\n")
    assert "Community Manager now reports to Head of Marketing Communication" in text
    # web-analyst was removed while workflows still name it: the head has errors, and says so
    assert report.head_result.errors
    assert "Note: edits has" in text and "Run playbook validate for details." in text


def test_no_change(history: Path) -> None:
    report = diff(history, "edits", "edits")
    assert report.changes == []
    assert "No changes to the organization or the playbook." in report.text()


def test_working_tree_is_the_default_head(history: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", str(history), str(clone))
    edit(clone, "org/roles/care-manager.yml", "reports_to: head-of-customer-care", "reports_to: ceo")
    write(clone, "playbook/metrics/shares.yml", "title: Shares\nsummary: Posts shared.\nlayer: media\n")
    result = CliRunner().invoke(main, ["diff", "-f", str(clone / "mkdocs.yml"), "origin/main"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Playbook changes from origin/main to the working tree"
    assert "  - Care Manager now reports to Chief Executive Officer (was Head of Customer Care)" in result.stdout
    assert "  - Added metric Shares" in result.stdout


def test_markdown_output(history: Path) -> None:
    result = CliRunner().invoke(
        main, ["diff", "-f", str(history / "mkdocs.yml"), "base", "raci", "--format", "markdown"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "## Playbook changes: `base` → `raci`\n"
        "\n"
        "### Reporting lines\n"
        "\n"
        "- **Community Manager** now reports to **Head of Marketing Communication** (was **Social Media Manager**)\n"
        "\n"
        "### Responsibilities (RACI)\n"
        "\n"
        "- **Customer retention**: accountable changed from **Head of Customer Care** to **Care Manager**\n"
        "- **Customer retention**: responsible added **Marketing Communication**\n"
        "- **Customer retention**: responsible removed **Sales**\n"
        "- **Customer retention**: informed removed **Marketing Communication**\n"
    )


def test_markdown_escapes_yaml_text() -> None:
    change = Change("role", "Added role {0}", (Names(("<img src=x onerror=alert(1)> *bold* [link](x)",)),))
    out = change.markdown()
    assert "<img" not in out and "&lt;img" in out
    assert "\\*bold\\*" in out and "\\[link\\](x)" in out
    assert escape_markdown("a | b\nc") == "a \\| b c"


def test_project_in_a_subfolder(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    project = copy_project(REPO, repo / "site-source")
    git(repo, "init", "--quiet", "--initial-branch", "main")
    commit(repo, "one")
    files = files_at(project, "one")
    assert "org/organization.yml" in files and "playbook/metrics/reach.yml" in files
    assert all(not p.startswith("site-source/") for p in files)
    edit(project, "playbook/channels/x-care.yml", "owner: care-manager", "owner: head-of-customer-care")
    assert changes(project, "one", None) == [
        "Kopi Nusantara Care on X: owner changed from Care Manager to Head of Customer Care"
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["no-such-branch"], "Error: unknown revision 'no-such-branch'"),
        (["origin/main"], "Error: unknown revision 'origin/main' (fetch it first; in a GitHub workflow, "
                          "check out with fetch-depth: 0)"),
        (["--", "-x"], "Error: '-x' is not a revision"),
    ],
)
def test_bad_revisions(history: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["diff", "-f", str(history / "mkdocs.yml"), *args])
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_not_a_repository(tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "plain")
    result = CliRunner().invoke(main, ["diff", "-f", str(project / "mkdocs.yml"), "HEAD"])
    assert result.exit_code == 2
    assert "is not in a git repository" in result.stderr


def test_steps_removed_and_changed_and_long_text() -> None:
    from generator.diff import Code, _field_edits, _Ref

    ids = {("steps", "*", "by"), ("steps", "*", "to")}
    old = [{"by": "a", "action": "One."}, {"by": "b", "action": "Two."}, {"by": "c", "action": "Three."}]
    new = [{"by": "a", "action": "One."}, {"by": "x", "action": "Three.", "within": "1d"}]
    assert _field_edits("steps", old, new, ids) == [
        ("step 2: by changed from {1} to {2}", _Ref("b"), _Ref("x")),
        ("step 2: action changed from {1} to {2}", Code("Two."), Code("Three.")),  # one word: a token
        ("step 2: within set to {1}", Code("1d")),
        ("step 3 removed (was: {1})", Code("Three.")),
    ]
    assert _field_edits("description", "x" * 100, "y" * 100, set()) == [("description rewritten",)]
    assert _field_edits("skills", ["Writing"], ["Writing", "Video"], set()) == [("skills added {1}", Code("Video"))]


def test_edits_in_markdown() -> None:
    from generator.diff import Change, Code, Name

    change = Change("edit", "{0} (workflow): step 2: within changed from {1} to {2}; action {3}",
                    (Name("A|b"), Code("30m"), Code("1h"), "“Say *sorry*”"))
    assert change.markdown() == "**A\\|b** (workflow): step 2: within changed from `30m` to `1h`; action “Say \\*sorry\\*”"

