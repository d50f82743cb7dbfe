"""The roles index of a large organization (issue 14): above `ROLES_INDEX_LIMIT` roles, one row
per department with its number of roles and its roles' titles as links, no summaries; a
summary edit leaves it as it is, a title edit makes it again; on a phone it fits the screen
and its links wrap. Tested on a synthetic organization one role above the limit.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import pages as pages_module
from generator.cache import Cache
from generator.export import search_marked
from generator.facts import by_title
from generator.labels import get_labels
from generator.pages import ROLES_INDEX_LIMIT, render_pages
from generator.site import Output, generate

from .browser_support import build_site, need_browser, serve
from .conftest import REPO
from .test_incremental import assert_same, rewrite

SIZE = ROLES_INDEX_LIMIT + 1
INDEX = "roles/index.md"
LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(([^)]*)\)")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic organization one role above the limit, with the sample's mkdocs.yml and
    stylesheet, diagrams off (they are not what is tested, and they take the time)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synth  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config, found = re.subn(r"(?m)^  - playbook\b.*$", "  - playbook:\n      diagrams: false", config, count=1)
    assert found == 1
    root = synth.write(SIZE, tmp_path_factory.mktemp("roles-index") / "project", mkdocs_yml=config)
    (root / "docs" / "stylesheets").mkdir()
    shutil.copy2(REPO / "docs" / "stylesheets" / "playbook.css", root / "docs" / "stylesheets" / "playbook.css")
    return root


@pytest.fixture(scope="module")
def large(project: Path) -> Output:
    out = generate(project, diagrams=False)
    assert not out.result.errors and out.result.playbook is not None
    assert len(out.result.playbook.roles) == SIZE
    return out


def rows(markdown: str) -> list[list[str]]:
    """The cells of every table row below the header."""
    lines = [line for line in markdown.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[1:]]


def test_above_the_limit_one_row_per_department_with_its_roles_titles(large: Output) -> None:
    playbook = large.result.playbook
    assert playbook is not None
    markdown = large.pages[INDEX].markdown
    assert f"The {SIZE} roles by department" in markdown
    assert "each department's page lists its roles with what they do" in markdown
    assert "| Department | Roles |" in markdown
    departments = by_title(playbook.departments.values())  # the departments index's order
    table = rows(markdown)
    assert len(table) == len(departments)
    listed: list[str] = []
    for (department_cell, roles_cell), department in zip(table, departments, strict=True):
        members = [role for role in playbook.roles.values() if role.department == department.id]
        assert LINK.findall(department_cell) == [(department.title, f"../departments/{department.id}.md")]
        assert department_cell.endswith(f"({len(members)} roles)" if len(members) != 1 else "(1 role)")
        links = LINK.findall(roles_cell)
        assert sorted(links) == sorted((r.title, f"{r.id}.md") for r in members)
        if department.lead:  # first, and marked
            assert roles_cell.startswith(f"[{playbook.roles[department.lead].title}]({department.lead}.md) (lead)&nbsp;· ")
        assert roles_cell.count("&nbsp;· ") == len(members) - 1
        listed += [posixpath.splitext(url)[0] for _title, url in links]
    assert sorted(listed) == sorted(playbook.roles)  # every role once
    for role in playbook.roles.values():  # what each role does is on its department's page, not here
        assert role.summary.rstrip(".") not in markdown
        assert role.summary.rstrip(".") in large.pages[f"departments/{role.department}.md"].markdown


def test_the_page_changes_above_the_limit_and_keeps_its_search_marks(
    large: Output, monkeypatch: pytest.MonkeyPatch
) -> None:
    playbook = large.result.playbook
    assert playbook is not None
    grouped = large.pages[INDEX]
    monkeypatch.setattr(pages_module, "ROLES_INDEX_LIMIT", SIZE)  # at the limit: every role with its summary
    flat = render_pages(playbook, get_labels("en"))[INDEX]
    assert "| Role | Department | Reports to | Summary |" in flat.markdown
    assert len(rows(flat.markdown)) == SIZE
    assert all(role.summary.rstrip(".") in flat.markdown for role in playbook.roles.values())
    # the index's table stays out of search as the small one does, and the export marks it the same
    assert grouped.unindexed == flat.unindexed == ("Roles",)
    marked = search_marked(grouped.markdown, grouped.unindexed)
    assert '<div data-search-exclude markdown="1">\n\n| Department | Roles |' in marked
    assert marked.startswith("# Roles\n")


def test_grouped_labels_in_indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample in Indonesian, with the limit below its 27 roles."""
    out = generate(REPO, diagrams=False, language="id")
    playbook = out.result.playbook
    assert playbook is not None
    monkeypatch.setattr(pages_module, "ROLES_INDEX_LIMIT", len(playbook.roles) - 1)
    markdown = render_pages(playbook, get_labels("id"))[INDEX].markdown
    assert f"{len(playbook.roles)} peran menurut departemen" in markdown
    assert "| Departemen | Peran |" in markdown and "(pimpinan)&nbsp;· " in markdown
    assert re.search(r"\(\d+ peran\) \|", markdown)
    assert "roles" not in markdown and "lead" not in markdown


def test_a_summary_edit_leaves_the_grouped_index_as_it_is_and_a_title_edit_does_not(
    project: Path, tmp_path: Path
) -> None:
    root = Path(shutil.copytree(project, tmp_path / "project"))
    cache, svgs = Cache(), tmp_path / "svgs"
    cache.folder = tmp_path / "cache"

    def run(use: Cache | None) -> Output:
        return generate(root, cache=use, cache_dir=svgs, diagrams=False, today=datetime.date(2026, 12, 1), changed={})

    run(cache)
    role = root / "org" / "roles" / "role-00007.yml"
    summary = re.search(r"(?m)^summary: (.*)$", role.read_text(encoding="utf-8"))
    assert summary is not None
    rewrite(role, summary.group(0), "summary: Answers every question about the new loyalty card.")
    made = run(cache)
    assert ("role", "role-00007") in cache.counts.made
    assert ("index", "roles") not in cache.counts.made
    assert_same(made, run(None), "the summary edit")
    rewrite(role, "title: ", "title: Senior ")
    made = run(cache)
    assert ("index", "roles") in cache.counts.made
    assert "Senior " in made.pages[INDEX].markdown
    assert_same(made, run(None), "the title edit")


@pytest.fixture(scope="module")
def site(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    need_browser()
    folder = tmp_path_factory.mktemp("roles-index-site") / "site"
    build_site(project, folder)
    with serve(folder) as url:
        yield folder, url


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height", "scheme"), [(390, 844, "light"), (1280, 800, "dark")])
def test_on_a_phone_the_grouped_index_fits_and_its_links_wrap(
    browser, site: tuple[Path, str], width: int, height: int, scheme: str
) -> None:
    folder, url = site
    assert "<table data-search-exclude>" in (folder / "roles" / "index.html").read_text(encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
    try:
        page.goto(url + "roles/")
        measured = page.evaluate(
            """() => {
              const table = document.querySelector("article table");
              const wrap = table.closest(".md-typeset__scrollwrap") || table.parentElement;
              const cells = [...table.querySelectorAll("tbody tr td:nth-child(2)")];
              const lines = cells.map(td => new Set([...td.querySelectorAll("a")].map(a => Math.round(a.getClientRects()[0].top))).size);
              const links = [...table.querySelectorAll("a")].flatMap(a => [...a.getClientRects()]);
              return {
                page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                table: table.scrollWidth - wrap.clientWidth,
                rows: table.querySelectorAll("tbody tr").length,
                lines: Math.min(...lines),
                right: Math.max(...links.map(r => r.right)),
                left: Math.min(...links.map(r => r.left)),
                font: Math.min(...[...table.querySelectorAll("a")].map(a => parseFloat(getComputedStyle(a).fontSize))),
              };
            }"""
        )
    finally:
        page.close()
    assert measured["rows"] > 50
    assert measured["page"] <= 0, "the page scrolls sideways"
    assert measured["table"] <= 0, "the table is wider than its column: its links are cut"
    assert 0 <= measured["left"] and measured["right"] <= width, "a link reaches past the screen"
    assert measured["font"] >= 12
    if width < 600:  # each department's titles flow over several lines instead of widening the table
        assert measured["lines"] >= 3
