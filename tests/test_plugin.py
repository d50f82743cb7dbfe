"""The mkdocs plugin through real `mkdocs build` runs in tmp_path.

The sample site is built twice per session (once to look at, once to compare bytes); the
other builds are small or stop early.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from generator.pages import page_path
from generator.project import validate

from .conftest import REPO, copy_project
from .test_pages import assert_no_markup_from_data, write_hostile_project

EDIT_LINK = re.compile(r'<a href="([^"]*)" title="[^"]*" class="md-content__button md-icon" rel="edit">')
SITEMAP = {"sitemap.xml", "sitemap.xml.gz"}


@dataclass
class Build:
    root: Path
    site: Path
    returncode: int
    log: str

    def html(self, path: str) -> str:
        return (self.site / path).read_text(encoding="utf-8")


def mkdocs_build(root: Path, site: str = "site", *args: str) -> Build:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site, *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    return Build(root, root / site, done.returncode, done.stdout + done.stderr)


def edit_config(root: Path, change) -> None:
    """Change mkdocs.yml (plain YAML: the sample's has no custom tags)."""
    path = root / "mkdocs.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def without_diagrams(config: dict) -> None:
    config["plugins"] = ["search", {"playbook": {"diagrams": False}}]


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = copy_project(REPO, tmp_path_factory.mktemp("sample"))
    build = mkdocs_build(root)
    assert build.returncode == 0, build.log
    return build


@pytest.fixture(scope="session")
def sample_site_again(sample_site: Build) -> Build:
    build = mkdocs_build(sample_site.root, "site-again")
    assert build.returncode == 0, build.log
    return build


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- the sample ----------------------------------------------------------------------------


def test_sample_builds_strict_with_every_page(sample_site: Build) -> None:
    assert "WARNING" not in sample_site.log and "ERROR" not in sample_site.log, sample_site.log
    assert "not included in the" not in sample_site.log  # entity pages are out of the nav, quietly
    playbook = validate(REPO).playbook
    for entity in playbook.all_entities():
        path = page_path(entity).removesuffix(".md").removesuffix("/index")
        assert (sample_site.site / path / "index.html").is_file(), path
    for index in ("departments", "roles", "objectives", "themes", "channels", "metrics", "workflows",
                  "raci", "coordination", "playbook", "organization"):
        assert (sample_site.site / index / "index.html").is_file(), index


def test_two_builds_are_byte_identical(sample_site: Build, sample_site_again: Build) -> None:
    first = {p.relative_to(sample_site.site): p.read_bytes() for p in sample_site.site.rglob("*") if p.is_file()}
    second = {p.relative_to(sample_site_again.site): p.read_bytes() for p in sample_site_again.site.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    differ = [str(p) for p in first if first[p] != second[p] and p.name not in SITEMAP]
    assert not differ


def test_edit_links_open_the_yaml(sample_site: Build) -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    base = config["edit_uri"].removesuffix("docs/")
    seen_yaml = 0
    for page in html_files(sample_site.site):
        found = EDIT_LINK.findall(page.read_text(encoding="utf-8"))
        for url in found:
            assert url.startswith(base), url
            path = url[len(base):]
            assert ".." not in path.split("/"), url
            assert (sample_site.root / path).is_file(), f"{page}: edit link {url} opens no file"
            seen_yaml += path.endswith(".yml")
    assert seen_yaml == len(list(validate(REPO).playbook.all_entities()))
    role = sample_site.html("roles/community-manager/index.html")
    assert EDIT_LINK.findall(role) == [base + "org/roles/community-manager.yml"]
    assert EDIT_LINK.findall(sample_site.html("raci/index.html")) == []  # no single file behind it


def test_navigation_stays_small(sample_site: Build) -> None:
    for page in ("index.html", "roles/community-manager/index.html", "roles/index.html"):
        text = sample_site.html(page)
        assert "roles/care-agent/" not in re.sub(r"<article.*</article>", "", text, flags=re.S), page
    home = sample_site.html("index.html")
    for index in ("organization/", "departments/", "roles/", "raci/", "coordination/", "playbook/", "objectives/"):
        assert f'href="{index}"' in home


def test_no_request_to_another_host(sample_site: Build) -> None:
    forbidden = ("fonts.googleapis", "fonts.gstatic", "unpkg.com", "cdn.jsdelivr", "api.github.com", "cdnjs")
    loads = re.compile(r'<(?:script|link|img|iframe|source|object|embed)\b[^>]*\b(?:src|href|data)="([^"]*)"', re.I)
    for page in [*html_files(sample_site.site), *sample_site.site.rglob("*.css")]:
        text = page.read_text(encoding="utf-8")
        for host in forbidden:
            assert host not in text, (page, host)
        for url in loads.findall(text):
            assert not re.match(r"^(https?:)?//", url), (page, url)
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), page


def test_search_finds_roles_by_responsibility(sample_site: Build) -> None:
    import json

    index = json.loads(sample_site.html("search/search_index.json"))
    texts = {doc["location"]: doc["text"] for doc in index["docs"]}
    assert "Community Manager" in [doc["title"] for doc in index["docs"]]
    assert any("cupping nights" in text for location, text in texts.items() if location.startswith("roles/community-manager/"))


def test_search_index_leaves_out_what_nobody_searches_for(sample_site: Build) -> None:
    """The review line, a role's place in the hierarchy and headcount, and a metric's targets are
    on the page but not in the index (each repeats another page or answers no question);
    the department, skills and first week stay, and no empty block is left behind."""
    import json

    docs = json.loads(sample_site.html("search/search_index.json"))["docs"]
    texts = {doc["location"]: doc["text"] for doc in docs}
    role = texts["roles/community-manager/"]
    page = sample_site.html("roles/community-manager/index.html")
    for shown in ("Reports to:", "Direct reports:", "People in this role:", "Not reviewed yet"):
        assert shown in page and shown not in role, (shown, role)
    assert "Department: Marketing" in role, role
    assert not [loc for loc, text in texts.items() if not loc.startswith("guide/") and "review is owed" in text]
    assert not [loc for loc, text in texts.items() if "<p></p>" in text or "<li></li>" in text]
    assert "roles/community-manager/#your-first-week" in texts and "roles/community-manager/#skills" in texts
    objectives = [doc["title"] for doc in docs if doc["location"].startswith("objectives/") and doc["location"].count("/") == 2]
    assert objectives and not [title for title in objectives if title in texts["raci/"]], texts["raci/"]  # its phone list
    metric = next(loc for loc in texts if loc.startswith("metrics/") and loc.count("/") == 2)
    assert "#targets" in sample_site.html(metric + "index.html") and not [loc for loc in texts if loc.endswith("/#targets")]
    # lists of other pages' titles, and what a KPI's metric page says, are shown but not searched:
    # an account's owner, operators and objectives; a theme's; a department's lead, parent and
    # sub-departments; a workflow's objective; a metric's layer description; KPI tables' header,
    # layer and source (the target stays)
    for location, shown, kept in (
        ("channels/instagram-brand/", ("Owner:", "Operators:", "Objectives:"), "Platform: Instagram"),
        ("themes/brew-at-home/", ("Objectives:", "Channels:", "Owner:"), "Cadence:"),
        ("departments/marketing/", ("Lead:", "Part of:", "Sub-departments:"), "Owns the brand"),
        ("workflows/product-launch/", ("Objective:",), "Starts when:"),
        ("metrics/reach/", ("how far our posts travel",), "Layer: Media"),
        ("roles/care-agent/#kpis", ("Where the number comes from", "Helpdesk reports", "Conversation"), "Median under 30 minutes"),
    ):
        page = sample_site.html(location.split("#")[0] + "index.html")
        for text in shown:
            assert text in page and text not in texts[location], (location, text, texts[location])
        assert kept in texts[location], (location, texts[location])


def test_share_bars_and_diagrams_on_the_organization_page(sample_site: Build) -> None:
    text = sample_site.html("organization/index.html")
    assert 'class="playbook-share__bar" style="width: 40%"' in text
    assert (sample_site.site / "stylesheets" / "playbook.css").is_file()
    assert "<svg" in text and (sample_site.site / "diagrams" / "org-chart.svg").is_file()
    assert "playbook-diagram-slot" not in text
    # the figures go in after search has indexed the page: their text would only weigh it down
    assert "Download SVG" in text and "Download SVG" not in sample_site.html("search/search_index.json")


# --- builds that must fail -----------------------------------------------------------------


def test_hand_written_page_at_a_generated_path_fails(tmp_path: Path) -> None:
    root = copy_project(REPO, tmp_path / "p")
    edit_config(root, without_diagrams)
    (root / "docs" / "roles").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "roles" / "community-manager.md").write_text("# Mine\n", encoding="utf-8")
    build = mkdocs_build(root)
    assert build.returncode != 0
    assert "docs/roles/community-manager.md is a hand-written page at a path the playbook generates" in build.log


def test_yaml_error_stops_the_build_with_file_and_line(tmp_path: Path) -> None:
    root = copy_project(REPO, tmp_path / "p")
    edit_config(root, without_diagrams)
    role = root / "org" / "roles" / "community-manager.yml"
    role.write_text(role.read_text(encoding="utf-8").replace("reports_to: social-media-manager", "reports_to: social-media-manger"), encoding="utf-8")
    build = mkdocs_build(root)
    assert build.returncode != 0
    assert re.search(r"ERROR\s+-\s+playbook: org/roles/community-manager\.yml:\d+:\d+: unknown role 'social-media-manger' \(did you mean 'social-media-manager'\?\) \[reference\]", build.log), build.log
    assert "Aborted" in build.log


def test_yaml_warning_fails_only_under_strict(tmp_path: Path) -> None:
    root = copy_project(REPO, tmp_path / "p")
    edit_config(root, without_diagrams)
    department = root / "org" / "departments" / "sales.yml"
    department.write_text(department.read_text(encoding="utf-8").replace("share: 7", "share: 6"), encoding="utf-8")
    build = mkdocs_build(root)
    assert build.returncode != 0 and "org/departments/sales.yml:" in build.log and "[share-total]" in build.log
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# --- languages and hostile text ------------------------------------------------------------


def test_indonesian_site(tmp_path: Path) -> None:
    root = copy_project(REPO, tmp_path / "p")

    def indonesian(config: dict) -> None:
        without_diagrams(config)
        config["theme"]["language"] = "id"

    edit_config(root, indonesian)
    build = mkdocs_build(root)
    assert build.returncode == 0, build.log
    role = build.html("roles/community-manager/index.html")
    for text in ("Tanggung jawab", "Melapor kepada", "Minggu pertama Anda", 'lang="id"'):
        assert text in role
    assert "Organisasi" in build.html("index.html") and "Ubah halaman ini" in role


def test_hostile_text_is_shown_not_run(tmp_path: Path) -> None:
    root = write_hostile_project(tmp_path / "p")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = ["search", {"playbook": {"diagrams": False}}]
    config.pop("extra_css", None)
    config.pop("edit_uri", None)  # no edit button: the article then holds only what the pages made
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    for page in html_files(root / "site"):
        text = page.read_text(encoding="utf-8")
        article = re.search(r"<article[^>]*>(.*)</article>", text, re.S)
        assert article is not None, f"{page} has no <article>: nothing of it would be checked"
        assert_no_markup_from_data(article.group(1))
        title = re.search(r"<title>(.*)</title>", text).group(1)
        assert "<" not in title, title
    department = (root / "site" / "departments" / "rnd" / "index.html").read_text(encoding="utf-8")
    assert "<title>R&amp;D &lt;Team&gt; - " in department
    assert ">R&amp;D &lt;Team&gt;<" in department.replace('<a class="headerlink" href="#rd-team" title="Permanent link">&para;</a>', "")


def test_playbook_build_wraps_mkdocs_build(tmp_path: Path) -> None:
    root = copy_project(REPO, tmp_path / "p")
    edit_config(root, without_diagrams)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(tmp_path / "out")],
        capture_output=True, text=True, check=False, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "roles" / "ceo" / "index.html").is_file()


def test_every_generated_page_keeps_its_place(sample_site: Build) -> None:
    """An entity page, though out of the navigation, has its tab active, its index page active
    in the sidebar and a breadcrumb ending at that index page."""
    playbook = validate(REPO).playbook
    for entity in playbook.all_entities():
        path = page_path(entity)
        if path.endswith("index.md"):
            continue
        folder = path.split("/")[0]
        text = sample_site.html(path.removesuffix(".md") + "/index.html")
        assert 'md-tabs__item md-tabs__item--active' in text, path
        crumbs = re.search(r'<nav class="md-path".*?</nav>', text, re.S)
        assert crumbs, path
        last = re.findall(r'<a href="([^"]*)" class="md-path__link">', crumbs.group(0))[-1]
        assert last == "../", (path, last)  # the kind's index page, one folder up
        sidebar = re.sub(r"<article.*</article>", "", text, flags=re.S)
        active = re.search(r'<li class="md-nav__item md-nav__item--active">\s*<a href="([^"]*)"', sidebar)
        assert active and active.group(1) == "../", (path, folder)


def test_search_index_leaves_out_what_other_pages_hold(sample_site: Build) -> None:
    """Hand-offs (the workflow pages hold them) and "Referenced by" are not indexed; the
    sections a new hire searches for are, each with its anchor; entity pages are boosted."""
    import json

    index = json.loads(sample_site.html("search/search_index.json"))
    docs = {doc["location"]: doc for doc in index["docs"]}
    assert "pipeline" in index["config"] and "stopWordFilter" not in index["config"]["pipeline"]
    for location, doc in docs.items():
        assert doc["title"] not in ("Hand-offs", "Referenced by"), location
        assert not location.endswith(("#hand-offs", "#referenced-by", "#hand-offs-between-departments")), location
    role = "roles/community-manager/"
    # the home page's role list repeats every title; its questions are indexed
    assert "#find-your-role" not in docs and "#questions-new-hires-ask" in docs
    for anchor in ("responsibilities", "kpis", "your-first-week"):
        assert role + "#" + anchor in docs, anchor
    assert docs[role]["boost"] > 1 and "boost" not in docs["roles/"]
    assert docs["metrics/reach/"]["boost"] > docs["metrics/influencer-reach/"]["boost"]
    # the heading is still on the page, marked for Material's search only
    text = sample_site.html(role + "index.html")
    assert '<h2 id="hand-offs" data-search-exclude>Hand-offs' in text
    assert '<h2 id="responsibilities">' in text
    assert '<h3 id="product-launch" data-search-exclude>' in sample_site.html("roles/care-agent/index.html")
    assert not [location for location in docs if location.startswith("roles/care-agent/#product-launch")]


def test_a_build_hands_what_it_held_back_to_the_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """heap.py: during a build the objects it holds are out of the collector's sight; after
    it, passed or failed, none are (or every build would keep its garbage for good)."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    from generator.heap import Heap

    root = copy_project(REPO, tmp_path / "p")
    edit_config(root, without_diagrams)
    held: list[int] = []
    release = Heap.release

    def counted(self: Heap, *, collect_later: bool = False) -> None:
        held.append(gc.get_freeze_count())
        release(self, collect_later=collect_later)

    monkeypatch.setattr(Heap, "release", counted)
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert held and held[-1] > 10_000, held  # the playbook, its pages, mkdocs' and our modules
    assert gc.get_freeze_count() == 0
    role = root / "org" / "roles" / "community-manager.yml"
    role.write_text(role.read_text(encoding="utf-8").replace("reports_to: social-media-manager", "reports_to: nobody"), encoding="utf-8")
    with pytest.raises(Abort):
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site")))
    assert len(held) == 2 and held[-1] > 0
    assert gc.get_freeze_count() == 0
