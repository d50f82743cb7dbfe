"""`playbook rename` and `playbook remove` in real temporary git repositories.

Every file they edit must stay byte-for-byte the same outside the changed ids (comments,
key order, quotes, flow lists, CRLF, a byte order mark), `--dry-run` must write nothing,
and the old page address must keep working in a real `mkdocs build`.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.diff import diff

from .active_content import site_problems
from .conftest import REPO, copy_project
from .test_plugin import edit_config, mkdocs_build, without_diagrams
from .test_problems import BASE

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def commit(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def run(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "-f", str(repo / "mkdocs.yml")])


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


# Files whose references to the role care-manager are written in every way YAML allows an
# id to be written: {ID} marks them. Everything else, comments naming the id included, must
# come out of a rename unchanged.
TEMPLATES = {
    "org/departments/care.yml": (
        "# Customer Care: {{care-manager}} in a comment stays as it is\n"
        "title: Customer Care   # trailing comment\n"
        "summary: 'Answers customers; care-manager leads it.'\n"
        "parent: marketing\n"
        "lead: \"{ID}\"  # quoted\n"
        "share: 40\n"
    ),
    "playbook/objectives/brand-awareness.yml": (
        "\ufeff# a byte order mark, and CRLF line ends\r\n"
        "title: Brand awareness\r\n"
        "summary: More people know the shop.\r\n"
        "goal: branding\r\n"
        "focus: acquisition\r\n"
        "raci:\r\n"
        "  accountable: head-of-marketing\r\n"
        "  responsible: [social-media-officer,   {ID} ]   # flow list, odd spacing\r\n"
        "  consulted: [care]\r\n"
        "  informed:\r\n"
        "    - 'marketing'\r\n"
        "kpis:\r\n"
        "  - metric: reach\r\n"
        "    target: +20% a quarter\r\n"
    ),
    "playbook/workflows/complaint.yml": (
        "title: Complaint under a post\n"
        "summary: Move a public complaint to care.\n"
        "trigger: A customer complains under a post.\n"
        "objective: brand-awareness\n"
        "steps:\n"
        "  - by: social-media-officer\n"
        "    action: Acknowledge and move to direct messages; care-manager takes over.\n"
        "    within: 15m\n"
        "    to: '{ID}'  # single-quoted\n"
        "  - {{by: {ID}, action: Resolve the case., within: 1d}}\n"
    ),
}


def fill(template: str, eid: str) -> bytes:
    return template.format(ID=eid).encode("utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The problem cases' small valid project, its references written in every style, committed."""
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    for rel, template in TEMPLATES.items():
        (root / rel).write_bytes(fill(template, "care-manager"))
    git(root, "init", "-q", "-b", "main")
    commit(root, "base")
    assert run(root, "validate").exit_code == 0, run(root, "validate").output
    return root


def test_rename_keeps_every_byte_outside_the_ids(repo: Path) -> None:
    role = (repo / "org/roles/care-manager.yml").read_bytes()
    untouched = {rel: (repo / rel).read_bytes() for rel in ("org/roles/head-of-marketing.yml", "org/organization.yml")}
    result = run(repo, "rename", "role", "care-manager", "care-lead")
    assert result.exit_code == 0, result.output
    for rel, template in TEMPLATES.items():
        assert (repo / rel).read_bytes() == fill(template, "care-lead"), rel
    assert not (repo / "org/roles/care-manager.yml").exists()
    assert (repo / "org/roles/care-lead.yml").read_bytes() == role
    for rel, data in untouched.items():
        assert (repo / rel).read_bytes() == data
    assert result.stdout.splitlines() == [
        "renamed org/roles/care-manager.yml -> org/roles/care-lead.yml",
        "org/departments/care.yml:5:7: lead: care-manager -> care-lead",
        "playbook/objectives/brand-awareness.yml:8:41: responsible: care-manager -> care-lead",
        "playbook/workflows/complaint.yml:9:9: to: care-manager -> care-lead",
        "playbook/workflows/complaint.yml:10:10: by: care-manager -> care-lead",
        "redirects.yml: roles/care-manager.md redirects to roles/care-lead.md (the old page address keeps working)",
    ]
    assert run(repo, "validate", "--strict").exit_code == 0
    [sentence] = [c.text() for c in diff(repo, "HEAD").changes]
    assert sentence == (
        "Role Care Manager has a new id: care-lead (was care-manager); its page moved, and the old link redirects to it"
    )


def test_dry_run_shows_the_same_plan_and_writes_nothing(repo: Path) -> None:
    before = snapshot(repo)
    dry = run(repo, "rename", "role", "care-manager", "care-lead", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert snapshot(repo) == before
    assert dry.stdout.splitlines()[-1] == "dry run: nothing was written"
    removal = run(repo, "remove", "role", "care-manager", "--to", "social-media-officer", "--dry-run", "--force")
    assert snapshot(repo) == before
    real = run(repo, "rename", "role", "care-manager", "care-lead")
    assert dry.stdout.splitlines()[:-1] == real.stdout.splitlines()
    assert removal.exit_code == 1  # social-media-officer would be responsible twice, and report to itself


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["role", "care-manager", "social-media-officer"],
         "id 'social-media-officer' is already used by a role; ids are unique across all kinds"),
        (["role", "care-manager", "care"], "id 'care' is already used by a department; ids are unique across all kinds"),
        (["role", "care-manager", "Care Lead"], "'Care Lead' is not a valid id; use lower-case letters, digits and "
                                                 "single hyphens, such as 'care-lead'"),
        (["department", "care-manager", "x"], "'care-manager' is a role, not a department; give the kind it is"),
        (["role", "care-manger", "x"], "there is no role 'care-manger' (did you mean 'care-manager'?)"),
    ],
)
def test_rename_refuses(repo: Path, args: list[str], message: str) -> None:
    before = snapshot(repo)
    result = run(repo, "rename", *args)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"
    assert snapshot(repo) == before


def test_rename_refuses_a_file_in_the_way(repo: Path) -> None:
    (repo / "org/roles/care-lead.yaml").write_text("title: [broken\n", encoding="utf-8")
    before = snapshot(repo)
    result = run(repo, "rename", "role", "care-manager", "care-lead")
    assert result.exit_code != 0
    assert snapshot(repo) == before


def test_rename_and_back_keeps_redirects_true(repo: Path) -> None:
    assert run(repo, "rename", "role", "care-manager", "care-lead").exit_code == 0
    assert run(repo, "rename", "role", "care-lead", "care-head").exit_code == 0
    redirects = (repo / "redirects.yml").read_text(encoding="utf-8")
    assert "  roles/care-manager.md: roles/care-head.md\n  roles/care-lead.md: roles/care-head.md\n" in redirects
    result = run(repo, "rename", "role", "care-head", "care-manager")
    assert result.exit_code == 0, result.output
    assert "redirects.yml: removed the redirect roles/care-manager.md -> roles/care-head.md" in result.stdout
    assert (repo / "redirects.yml").read_text(encoding="utf-8").endswith(
        "redirects:\n  roles/care-lead.md: roles/care-manager.md\n  roles/care-head.md: roles/care-manager.md\n"
    )
    for rel, template in TEMPLATES.items():
        assert (repo / rel).read_bytes() == fill(template, "care-manager"), rel
    assert run(repo, "validate", "--strict").exit_code == 0


def test_remove_refuses_while_referenced(repo: Path) -> None:
    before = snapshot(repo)
    result = run(repo, "remove", "role", "care-manager")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "4 references to role 'care-manager':",
        "org/departments/care.yml:5:7: lead",
        "playbook/objectives/brand-awareness.yml:8:41: responsible",
        "playbook/workflows/complaint.yml:9:9: to",
        "playbook/workflows/complaint.yml:10:10: by",
    ]
    assert "nothing was changed" in result.stderr
    assert snapshot(repo) == before


def test_remove_to_another_of_the_same_kind(repo: Path) -> None:
    wrong = run(repo, "remove", "role", "care-manager", "--to", "care")
    assert wrong.exit_code == 2
    assert "'care' is a department, not a role" in wrong.stderr
    # head-of-marketing takes over: it is accountable already, which may also be responsible
    (repo / "org/roles/care-head.yml").write_text(
        "title: Head of Care\nsummary: Leads care.\ndepartment: care\nreports_to: head-of-marketing\n"
        "responsibilities:\n  - Close every complaint within a day.\n", encoding="utf-8")
    commit(repo, "a new head of care")
    result = run(repo, "remove", "role", "care-manager", "--to", "care-head")
    assert result.exit_code == 0, result.output
    assert "removed org/roles/care-manager.yml" in result.stdout
    assert "redirects.yml: roles/care-manager.md redirects to roles/care-head.md" in result.stdout
    for rel, template in TEMPLATES.items():
        assert (repo / rel).read_bytes() == fill(template, "care-head"), rel
    assert run(repo, "validate", "--strict").exit_code == 0
    assert not (repo / "org/roles/care-manager.yml").exists()


def test_remove_force_says_what_is_now_invalid(repo: Path) -> None:
    result = run(repo, "remove", "role", "care-manager", "--force")
    assert result.exit_code == 1
    assert not (repo / "org/roles/care-manager.yml").exists()
    assert "after this change the playbook has 4 new problems:" in result.stderr
    assert "playbook/workflows/complaint.yml:9:9: error: unknown role or department 'care-manager'" in result.stderr
    # the rename hint knows what happened
    hint = run(repo, "validate")
    assert "role 'care-manager' was removed in this change; name who takes over its duties [reference]" in hint.stdout


def test_remove_unreferenced(repo: Path) -> None:
    (repo / "playbook/metrics/saves.yml").write_text("title: Saves\nsummary: Saved posts.\nlayer: engagement\n", encoding="utf-8")
    result = run(repo, "remove", "metric", "saves")
    assert result.exit_code == 0, result.output
    assert result.stdout == "removed playbook/metrics/saves.yml\n"
    assert not (repo / "playbook/metrics/saves.yml").exists()
    assert not (repo / "redirects.yml").exists()


def test_hand_rename_gets_a_rename_hint_against_base(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "rename")
    git(repo, "mv", "org/roles/care-manager.yml", "org/roles/care-lead.yml")
    commit(repo, "renamed by hand")
    result = run(repo, "validate", "--base", "main")
    assert result.exit_code == 1
    assert "role 'care-manager' was renamed to 'care-lead' in this change; replace it [reference]" in result.stdout
    assert result.stderr.startswith("4 errors")
    # compared with HEAD (no remote), the rename is already committed: no hint, but no guess either
    plain = run(repo, "validate")
    assert "was renamed" not in plain.stdout


def test_outside_git_one_line_says_why(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    shutil.copytree(BASE, root)
    (root / "org/roles/care-manager.yml").rename(root / "org/roles/care-lead.yml")
    result = run(root, "validate")
    assert "note: no rename hints for unknown ids: the project is not in a git repository\n" in result.stderr
    unknown = run(root, "validate", "--base", "nonsense")
    assert "note: no rename hints for unknown ids: the project is not in a git repository" in unknown.stderr


def test_unknown_base_revision_says_why(repo: Path) -> None:
    (repo / "org/roles/care-manager.yml").rename(repo / "org/roles/care-lead.yml")
    result = run(repo, "validate", "--base", "origin/main")
    assert "note: no rename hints for unknown ids: unknown revision 'origin/main' (fetch it first" in result.stderr
    assert run(repo, "validate").stdout.count("was renamed to 'care-lead' in this change") == 4


def test_department_rename_in_the_sample_and_its_old_url(tmp_path: Path) -> None:
    """The issue's example: the RACI and the workflows follow, the old page redirects in a real build."""
    root = copy_project(REPO, tmp_path / "sample")
    edit_config(root, without_diagrams)
    git(root, "init", "-q", "-b", "main")
    commit(root, "base")
    result = run(root, "rename", "department", "marketing-communication", "social-media-hub")
    assert result.exit_code == 0, result.output
    said = result.stdout
    assert "playbook/objectives/new-city-expansion.yml:10:7: responsible: marketing-communication -> social-media-hub" in said
    assert "playbook/workflows/product-launch.yml:12:9: to: marketing-communication -> social-media-hub" in said
    assert run(root, "validate", "--strict").exit_code == 0
    edited = [line.split("\t") for line in git(root, "diff", "--numstat").splitlines()]
    moved = "org/departments/marketing-communication.yml"
    assert {path for _a, _d, path in edited} - {moved} == {line.split(": ")[0].rsplit(":", 2)[0] for line in said.splitlines()[1:-1]}
    assert all((added, deleted) == ("1", "1") for added, deleted, path in edited if path != moved)
    [sentence] = [c.text() for c in diff(root, "HEAD").changes]
    assert sentence.endswith("(was marketing-communication); its page moved, and the old link redirects to it")
    build = mkdocs_build(root)
    assert build.returncode == 0, build.log
    old = build.html("departments/marketing-communication/index.html")
    assert '<meta http-equiv="refresh" content="0; url=../social-media-hub/">' in old
    assert '<a href="../social-media-hub/">' in old
    assert (build.site / "departments/social-media-hub/index.html").is_file()
    assert site_problems(build.site) == {}
    # the same old address without directory URLs, as the offline site has it
    edit_config(root, lambda config: config.update(use_directory_urls=False))
    flat = mkdocs_build(root, "site-flat")
    assert flat.returncode == 0, flat.log
    assert 'content="0; url=social-media-hub.html"' in flat.html("departments/marketing-communication.html")


def test_a_file_that_does_not_parse_stops_a_rename(repo: Path) -> None:
    """References in it cannot be found, so nothing is changed until it is fixed."""
    (repo / "playbook/themes/broken.yml").write_text("title: [care-manager\n", encoding="utf-8")
    before = snapshot(repo)
    for args in (["rename", "role", "care-manager", "care-lead"], ["remove", "role", "care-manager", "--force"]):
        result = run(repo, *args)
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: playbook/themes/broken.yml cannot be read, so references in it cannot be found; "
            "fix it first (playbook validate says how)\n"
        )
        assert snapshot(repo) == before


def test_a_value_written_with_an_escape_is_left_to_the_user(repo: Path) -> None:
    path = repo / "playbook/workflows/complaint.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("to: 'care-manager'", 'to: "care\\x2dmanager"'), encoding="utf-8")
    before = snapshot(repo)
    result = run(repo, "rename", "role", "care-manager", "care-lead")
    assert result.exit_code == 1
    assert "playbook/workflows/complaint.yml:9:9: 'care-manager' is written in a way this command cannot rewrite" in result.stderr
    assert snapshot(repo) == before


def test_a_base_without_the_playbook_says_why(tmp_path: Path) -> None:
    """A repository whose base revision does not hold the project yet: no hints, and why."""
    outer = tmp_path / "outer"
    outer.mkdir()
    (outer / "README").write_text("other things\n", encoding="utf-8")
    git(outer, "init", "-q", "-b", "main")
    commit(outer, "base")
    root = outer / "playbook"
    shutil.copytree(BASE, root)
    (root / "org/roles/care-manager.yml").rename(root / "org/roles/care-lead.yml")
    result = run(root, "validate")
    assert "note: no rename hints for unknown ids: HEAD has no playbook files in this folder to compare with\n" in result.stderr


def test_links_in_hand_written_pages_follow(repo: Path) -> None:
    page = repo / "docs" / "team.md"
    page.parent.mkdir()
    template = (
        "# Team\n\nAsk the [care manager]({P}) or read [their duties](../{P}#duties).\n"
        "Not a link to it: other-roles/care-manager.md, roles/care-manager.mdx.\n"
    )
    page.write_text(template.format(P="roles/care-manager.md"), encoding="utf-8")
    commit(repo, "a hand-written page")
    refused = run(repo, "remove", "role", "care-manager")
    assert refused.exit_code == 1
    assert refused.stdout.splitlines()[-2:] == [
        "docs/team.md:3:24: a link to its page roles/care-manager.md",
        "docs/team.md:3:73: a link to its page roles/care-manager.md",
    ]
    result = run(repo, "rename", "role", "care-manager", "care-lead")
    assert result.exit_code == 0, result.output
    assert "docs/team.md:3:24: link roles/care-manager.md -> roles/care-lead.md" in result.stdout
    assert page.read_text(encoding="utf-8") == template.format(P="roles/care-lead.md")


def test_diff_says_where_the_old_link_of_a_removed_role_leads(repo: Path) -> None:
    (repo / "org/roles/care-head.yml").write_text(
        "title: Head of Care\nsummary: Leads care.\ndepartment: care\nreports_to: head-of-marketing\n"
        "responsibilities:\n  - Close every complaint within a day.\n", encoding="utf-8")
    commit(repo, "a new head of care")
    assert run(repo, "remove", "role", "care-manager", "--to", "care-head").exit_code == 0
    changes = [c.text() for c in diff(repo, "HEAD").changes]
    assert "Removed role Care Manager (was in Customer Care); its old link leads to Head of Care" in changes


def test_default_base_is_the_remote_default_branch(repo: Path, tmp_path: Path) -> None:
    """In a clone, a rename committed on a branch is compared with where the branch left main."""
    clone = tmp_path / "clone"
    subprocess.run([*GIT, "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
    git(clone, "checkout", "-q", "-b", "rename")
    git(clone, "mv", "org/departments/care.yml", "org/departments/customer-care.yml")
    commit(clone, "renamed by hand")
    result = run(clone, "validate")
    assert "department 'care' was renamed to 'customer-care' in this change; replace it [reference]" in result.stdout
    assert "note:" not in result.stderr
