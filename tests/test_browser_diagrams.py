"""Diagrams in a real headless Chromium, measured where people read them: a laptop
(1280x800) and a phone (390x844), light and dark.

Measured, not read from the HTML: the page never scrolls sideways, the overview and the
department charts fit the content column at 1280 px, and their text is at least 11 CSS px
as drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .browser_support import CHROMIUM, CHROMIUM_ARGS, build_site, need_browser, serve
from .conftest import REPO, copy_project

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parent.parent / ".cache" / "screenshots"
"""Screenshots of what was measured, to look at (not compared)."""
DEPARTMENT_PAGES = sorted(f"departments/{p.stem}/" for p in (REPO / "org" / "departments").glob("*.yml"))

MEASURE = """(key) => {
    const figure = document.querySelector(`figure.playbook-diagram[data-diagram="${key}"]`);
    const canvas = figure.querySelector('.playbook-diagram__canvas');
    const svg = figure.querySelector('svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
    return {
        pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
        canvasOverflow: canvas.scrollWidth - canvas.clientWidth,
        svgRight: svg.getBoundingClientRect().right,
        columnRight: document.querySelector('.md-content').getBoundingClientRect().right,
        smallestText: Math.min(...sizes),
    };
}"""


@pytest.fixture(scope="module", autouse=True)
def _chromium_and_playwright() -> None:
    need_browser()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = tmp_path_factory.mktemp("browser-diagrams")
    project = copy_project(REPO, base / "project")
    build_site(project, base / "site")
    with serve(base / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, site_url: str, path: str, viewport: dict[str, int], scheme: str = "light"):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    page = context.new_page()
    problems: list[str] = []
    host = urlparse(site_url).netloc
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("request", lambda r: urlparse(r.url).netloc not in (host, "") and problems.append(r.url))
    page.goto(site_url + path)
    return context, page, problems


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_org_overview_fits_and_reads(browser, site_url: str, viewport: dict[str, int]) -> None:
    context, page, problems = _open(browser, site_url, "organization/", viewport)
    try:
        m = page.evaluate(MEASURE, "org-overview")
        assert m["pageOverflow"] <= 0, m
        if viewport is LAPTOP:
            assert m["canvasOverflow"] <= 0 and m["svgRight"] <= m["columnRight"] + 1, m  # no scrolling
            assert m["smallestText"] >= 11, m
        figure = page.locator('figure[data-diagram="org-overview"]')
        figure.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"overview-{viewport['width']}.png"))
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("path", DEPARTMENT_PAGES)
def test_department_charts_fit_the_column_at_1280(browser, site_url: str, path: str) -> None:
    context, page, problems = _open(browser, site_url, path, LAPTOP)
    try:
        m = page.evaluate(MEASURE, "department/" + path.split("/")[1])
        assert m["pageOverflow"] <= 0, m
        assert m["canvasOverflow"] <= 0 and m["svgRight"] <= m["columnRight"] + 1, m
        assert m["smallestText"] >= 11, m
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_department_chart_on_a_phone_never_widens_the_page(browser, site_url: str, scheme: str) -> None:
    context, page, problems = _open(browser, site_url, "departments/marketing-communication/", PHONE, scheme)
    try:
        m = page.evaluate(MEASURE, "department/marketing-communication")
        assert m["pageOverflow"] <= 0, m
        figure = page.locator('figure[data-diagram="department/marketing-communication"]')
        figure.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"marketing-communication-390-{scheme}.png"))
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("workflow", ["monthly-content-cycle", "crisis-escalation"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_workflows_with_parallel_steps_and_stages_read(browser, site_url: str, workflow: str,
                                                      viewport: dict[str, int]) -> None:
    context, page, problems = _open(browser, site_url, f"workflows/{workflow}/", viewport)
    try:
        key = f"workflow/{workflow}"
        m = page.evaluate(MEASURE, key)
        assert m["pageOverflow"] <= 0, m
        if viewport is LAPTOP:  # side by side steps still fit the column, and read
            assert m["canvasOverflow"] <= 0 and m["svgRight"] <= m["columnRight"] + 1, m
            assert m["smallestText"] >= 11, m
        # each stage's band is labelled in the drawing, and its name is a heading of the steps
        bands = page.locator(f'figure[data-diagram="{key}"] svg g.cluster text').all_text_contents()
        headings = [h.rstrip("¶").strip() for h in page.locator("article h3").all_inner_texts()]
        assert bands and set(bands) <= set(headings), (bands, headings)
        if workflow == "monthly-content-cycle":
            assert bands == ["Fact finding", "Planning", "Execution", "Evaluation"]
            # the designer (4) and the videographer (5) stand side by side
            boxes = page.evaluate("""(key) => [...document.querySelectorAll(
                `figure[data-diagram="${key}"] svg g.node`)].map(g => [g.textContent.trim(), g.getBoundingClientRect().top])""", key)
            tops = {text.split(".")[0]: top for text, top in boxes if text[:1].isdigit()}
            assert abs(tops["4"] - tops["5"]) < 2 and tops["4"] > tops["3"] + 20, tops
        figure = page.locator(f'figure[data-diagram="{key}"]')
        figure.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{workflow}-{viewport['width']}.png"), full_page=viewport is LAPTOP)
        assert problems == []
    finally:
        context.close()
