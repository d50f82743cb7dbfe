"""Pages a new hire can find and read (issue 11), in a real headless Chromium.

Every entity found first by its title from the home page's search box, every kind of page
keeping its place (breadcrumb, active tab), no page wider than a phone. The sample at
1280x800 and 390x844, and a 300-role synthetic organization at 1280.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from generator.model import Organization
from generator.pages import page_path
from generator.project import validate

from .browser_support import build_site, need_browser, serve
from .conftest import REPO, copy_project

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module", autouse=True)
def _chromium_and_playwright() -> None:
    need_browser()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    base = tmp_path_factory.mktemp("pages")
    project = copy_project(REPO, base / "project")
    build_site(project, base / "site")
    with serve(base / "site") as url:
        yield project, url


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """300 roles, with the sample's mkdocs.yml (features, search pipeline), diagrams off."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synth  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    base = tmp_path_factory.mktemp("synthetic")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config, found = re.subn(r"(?m)^  - playbook\b.*$", "  - playbook:\n      diagrams: false", config, count=1)
    assert found == 1
    config = config.replace("extra_css:\n  - stylesheets/playbook.css\n", "")
    project = synth.write(300, base / "project", mkdocs_yml=config)
    build_site(project, base / "site")
    with serve(base / "site") as url:
        yield project, url


def url_of(path: str) -> str:
    """`roles/x.md` -> `roles/x/`, `organization/index.md` -> `organization/`."""
    return path.removesuffix(".md").removesuffix("index").rstrip("/") + "/"


def titles(project: Path) -> dict[str, set[str]]:
    """Each entity title -> the URL paths of the pages that search cannot tell apart from it.

    Those are the pages with the same title, and the pages whose title the query matches word
    for word as a prefix ("Channel 1" and "Channel 13"): Material's search adds a trailing
    wildcard to every word of a query, so to it these are one query with equal answers."""
    playbook = validate(project).playbook
    assert playbook is not None
    pages: list[tuple[list[str], str]] = []
    for entity in playbook.all_entities():
        if not isinstance(entity, Organization):
            pages.append((re.split(r"[\s\-]+", entity.label.lower()), url_of(page_path(entity))))
    found: dict[str, set[str]] = {}
    for entity in playbook.all_entities():
        if isinstance(entity, Organization):
            continue
        words = re.split(r"[\s\-]+", entity.label.lower())
        found[entity.label] = {
            path for other, path in pages
            if len(other) == len(words) and all(b.startswith(a) for a, b in zip(words, other, strict=True))
        }
    return found


def results(page) -> list[str]:
    """The result links' paths once they stop changing (the worker answers each keystroke)."""
    previous: list[str] | None = None
    for _ in range(20):
        hrefs = page.locator(".md-search-result__item > a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        if hrefs == previous:
            break
        previous = hrefs
        page.wait_for_timeout(150)
    return previous or []


def search_all(page, base: str, wanted: dict[str, set[str]]) -> list[tuple[str, list[str]]]:
    """Type each title into the home page's one search box; the titles whose page is not first
    (pages that share a title share the first places)."""
    page.goto(base)
    box = page.locator("input.md-search__input")
    box.click()
    missed = []
    for title, paths in sorted(wanted.items()):
        # the last query's results go first, so that they are never read as this one's
        # (on a busy machine the worker answers late)
        box.fill("")
        box.press("Backspace")
        page.wait_for_function("!document.querySelector('.md-search-result__item')", timeout=10_000)
        for attempt in range(6):  # a query typed before the index is ready is dropped: type it again
            box.fill(title[:-1])
            box.press(title[-1])  # Material searches on key events, not on `fill` alone
            try:
                page.wait_for_selector(".md-search-result__item a", timeout=5_000)
                break
            except Exception:
                if attempt == 5:
                    raise
        top = {urlparse(href).path.split("#")[0] for href in results(page)[: len(paths)]}
        expected = {urlparse(base + path).path for path in paths}
        if not top <= expected:
            missed.append((title, sorted(top)))
    return missed


def test_every_entity_is_found_first_by_its_title(browser, sample) -> None:
    project, url = sample
    context = browser.new_context(viewport=LAPTOP)
    try:
        missed = search_all(context.new_page(), url, titles(project))
    finally:
        context.close()
    assert not missed, missed


def test_every_entity_is_found_first_by_its_title_at_300_roles(browser, synthetic) -> None:
    """As on the sample, except for one measured limit: a title with a number that is the start
    of a longer number in other titles ('Department 1 content', 'Care manager 14' beside
    '... 145'). Material adds a trailing wildcard to every query word and does not let a site
    change that, so '1' matches '145' too, and a page whose title holds that one rare number can
    outscore the exact title (39 of 532 synthetic titles, none in the sample). Every other
    title must put its page first."""
    project, url = synthetic
    wanted = titles(project)
    title_at = {urlparse(url + path).path: title for title, paths in wanted.items() for path in paths}

    def numbers(title: str) -> set[str]:
        return {word for word in re.split(r"[\s\-]+", title.lower()) if word.isdigit()}

    def explained(title: str, top: list[str]) -> bool:
        """The first result's title holds a longer number that starts with one of this title's."""
        theirs = set().union(*(numbers(title_at.get(path, "")) for path in top))
        return any(n != word and n.startswith(word) for word in numbers(title) for n in theirs)

    context = browser.new_context(viewport=LAPTOP)
    try:
        missed = search_all(context.new_page(), url, wanted)
    finally:
        context.close()
    assert not [(title, top) for title, top in missed if not explained(title, top)]
    assert len(missed) <= len(wanted) // 10, missed  # measured: 39 of 532


def kinds_of_pages(project: Path) -> list[str]:
    """One page of every kind: each entity kind, each index page, the organization."""
    playbook = validate(project).playbook
    assert playbook is not None
    first: dict[str, str] = {}
    for entity in playbook.all_entities():
        first.setdefault(entity.KIND, url_of(page_path(entity)))
    indexes = ["departments/", "roles/", "raci/", "coordination/", "playbook/", "objectives/", "themes/",
               "channels/", "metrics/", "workflows/"]
    return [*first.values(), *indexes]


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_every_kind_of_page_keeps_its_place_and_fits(browser, sample, viewport) -> None:
    """Breadcrumb to its index page and the active tab (on a laptop; on a phone the tabs
    fold into the drawer, where the section is open), and nothing wider than the screen."""
    project, url = sample
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems = []
    try:
        for path in kinds_of_pages(project):
            page.goto(url + path)
            crumbs = page.locator("nav.md-path a.md-path__link").evaluate_all("els => els.map(e => e.href)")
            if not crumbs or not page.locator("nav.md-path").is_visible():
                problems.append(f"{path}: no breadcrumb")
            elif "/" in path.rstrip("/") and urlparse(crumbs[-1]).path != urlparse(url + path.split("/")[0] + "/").path:
                problems.append(f"{path}: breadcrumb ends at {crumbs[-1]}")
            if viewport is LAPTOP and page.locator(".md-tabs__item--active").count() != 1:
                problems.append(f"{path}: no active tab")
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > viewport["width"]:
                problems.append(f"{path}: {wide} px wide")
    finally:
        context.close()
    assert not problems, problems


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_raci_header_and_first_column_stay_in_view(browser, sample, viewport) -> None:
    """Scrolled right and down inside the matrix, the objective names and the party names
    are still where the reader sees them; the page itself does not get wider."""
    _project, url = sample
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(url + "raci/")
        table = page.locator("table:has(.playbook-raci)").last
        table.scroll_into_view_if_needed()
        box = table.bounding_box()
        assert table.evaluate("el => el.scrollWidth > el.clientWidth"), "the sample's matrix is wider than the page"
        table.evaluate("el => { el.scrollLeft = el.scrollWidth; el.scrollTop = 150; }")
        page.wait_for_timeout(100)
        header = table.locator("th").nth(1).bounding_box()
        first = table.locator("tbody tr").nth(4).locator("td").first.bounding_box()
        assert abs(header["y"] - box["y"]) < 2, (header, box)  # header row at the top of the table
        assert abs(first["x"] - box["x"]) < 2, (first, box)  # first column at its left edge
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        letters = table.locator(".playbook-raci").evaluate_all(
            "els => [...new Set(els.map(e => e.textContent + getComputedStyle(e).borderStyle + getComputedStyle(e).borderRadius))]"
        )
        assert len({entry[0] for entry in letters}) == 4 and len(letters) == 4, letters  # four letters, four shapes
    finally:
        context.close()
