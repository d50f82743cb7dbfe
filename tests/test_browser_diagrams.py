"""Diagrams in a real headless Chromium, measured where people read them: a laptop
(1280x800) and a phone (390x844), light and dark.

Measured, not read from the HTML: the page never scrolls sideways, the overview and the
department charts fit the content column at 1280 px, and their text is at least 11 CSS px
as drawn.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .browser_support import build_site, need_browser, serve
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


FIRST_VIEW = """() => [...document.querySelectorAll('figure.playbook-diagram')].map(figure => {
    const canvas = figure.querySelector('.playbook-diagram__canvas').getBoundingClientRect();
    const svg = figure.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
    const subject = svg.querySelector('g.node [stroke^="var(--md-typeset-a-color"]');
    const s = subject && subject.getBoundingClientRect();
    return {
        key: figure.dataset.diagram,
        zoom: figure.classList.contains('playbook-diagram--zoom'),
        pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
        svgInCanvas: box.left >= canvas.left - 1 && box.right <= canvas.right + 1,
        smallestText: Math.min(...sizes),
        subjectVisible: !s || (s.left >= canvas.left - 1 && s.right <= canvas.right + 1
                               && s.top >= canvas.top - 1 && s.bottom <= canvas.bottom + 1),
    };
})"""
"""Every diagram of a page as it first opens: nothing wider than the page, text as drawn,
and a role diagram's own role (drawn in the accent colour) inside its canvas."""

READ_PAGES = ["organization/", "organization/chart/", "coordination/", "departments/marketing/",
              "departments/marketing-communication/", "departments/executive-office/", "roles/ceo/",
              "roles/care-agent/", "roles/community-manager/", "roles/social-media-manager/",
              "workflows/monthly-content-cycle/", "workflows/crisis-escalation/", "objectives/talent-attraction/"]
"""One page of each kind of diagram, the widest and the tallest of the sample among them."""


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


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_every_kind_of_diagram_opens_readable(browser, site_url: str, viewport: dict[str, int]) -> None:
    """Issue 10 item 6: at 1280 and at 390 px, each diagram's first view has text of at
    least 11 CSS px (the whole diagram when it reads so, else a readable part to pan), the
    page never scrolls sideways, and a role diagram opens on the role itself."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    host = urlparse(site_url).netloc
    page.on("request", lambda r: urlparse(r.url).netloc not in (host, "") and problems.append(r.url))
    try:
        for path in READ_PAGES:
            page.goto(site_url + path)
            measured = page.evaluate(FIRST_VIEW)
            assert measured, path
            for m in measured:
                assert m["pageOverflow"] <= 0 and m["svgInCanvas"], (path, m)
                assert m["smallestText"] >= 11, (path, m)
                assert m["subjectVisible"], (path, m)
                if path in ("roles/care-agent/", "roles/community-manager/"):  # narrow: whole, even on a phone
                    assert not m["zoom"], (path, m)
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


VIEW = """(key) => {
    const figure = document.querySelector(`figure.playbook-diagram[data-diagram="${key}"]`);
    const svg = figure.querySelector('svg');
    return {viewBox: svg.getAttribute('viewBox'), tools: !figure.querySelector('.playbook-diagram__tools').hidden};
}"""

FOUND = """(key) => {
    const figure = document.querySelector(`figure.playbook-diagram[data-diagram="${key}"]`);
    const canvas = figure.querySelector('.playbook-diagram__canvas').getBoundingClientRect();
    const found = figure.querySelector('.playbook-found');
    if (!found) return null;
    const box = found.getBoundingClientRect();
    const svg = figure.querySelector('svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...found.closest('g.node').querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
    return {
        dx: (box.left + box.right) / 2 - (canvas.left + canvas.right) / 2,
        dy: (box.top + box.bottom) / 2 - (canvas.top + canvas.bottom) / 2,
        inside: box.left >= canvas.left - 1 && box.right <= canvas.right + 1 && box.top >= canvas.top - 1 && box.bottom <= canvas.bottom + 1,
        smallestText: Math.min(...sizes),
        title: found.getAttribute('xlink:title') || found.getAttribute('title'),
    };
}"""


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_wide_chart_zooms_with_buttons_and_keys(browser, site_url: str, viewport: dict[str, int]) -> None:
    context, page, problems = _open(browser, site_url, "organization/", viewport)
    try:
        assert page.evaluate(VIEW, "org-overview")["tools"] is (viewport is PHONE)  # fits at 1280
        page.goto(site_url + "organization/chart/")
        before = page.evaluate(VIEW, "org-chart")
        assert before["tools"], before  # the full chart is wider than the column: it zooms
        figure = page.locator('figure[data-diagram="org-chart"]')
        figure.scroll_into_view_if_needed()
        figure.locator('button[data-action="in"]').click()
        zoomed = page.evaluate(VIEW, "org-chart")["viewBox"]
        assert zoomed != before["viewBox"]
        figure.locator(".playbook-diagram__canvas").focus()
        page.keyboard.press("ArrowRight")
        panned = page.evaluate(VIEW, "org-chart")["viewBox"]
        assert panned != zoomed
        page.keyboard.press("0")
        assert page.evaluate(VIEW, "org-chart")["viewBox"] == before["viewBox"]  # fit is the first view
        page.keyboard.press("+")
        assert page.evaluate(VIEW, "org-chart")["viewBox"] != before["viewBox"]
        assert page.evaluate(MEASURE, "org-chart")["pageOverflow"] <= 0
        page.screenshot(path=str(SHOTS / f"org-chart-zoomed-{viewport['width']}.png"))
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_find_in_chart_centres_and_zooms_to_readable(browser, site_url: str, viewport: dict[str, int]) -> None:
    context, page, problems = _open(browser, site_url, "organization/chart/", viewport)
    try:
        figure = page.locator('figure[data-diagram="org-chart"]')
        figure.scroll_into_view_if_needed()
        box = figure.locator('input[data-action="find"]')
        box.fill("community manager")
        box.press("Enter")
        found = page.evaluate(FOUND, "org-chart")
        assert found and found["title"] == "Community Manager", found
        assert found["inside"] and abs(found["dx"]) < 3 and abs(found["dy"]) < 3, found
        assert found["smallestText"] >= 11, found
        page.screenshot(path=str(SHOTS / f"org-chart-find-{viewport['width']}.png"))
        # a link inside the zoomed chart still opens its page
        figure.locator(".playbook-found").click()
        page.wait_for_url("**/roles/community-manager/")
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_role_page_opens_the_org_chart_focused_on_the_role(browser, site_url: str, viewport: dict[str, int]) -> None:
    context, page, problems = _open(browser, site_url, "roles/videographer/", viewport)
    try:
        link = page.locator("a.playbook-diagram__focus")
        assert link.get_attribute("href").endswith("?focus=videographer")  # set by the script
        link.click()
        page.wait_for_url("**/organization/chart/?focus=videographer")
        page.wait_for_function("() => document.querySelector('.playbook-found')")
        found = page.evaluate(FOUND, "org-chart")
        assert found and found["title"] == "Videographer", found
        assert found["inside"] and abs(found["dx"]) < 3 and abs(found["dy"]) < 3, found
        assert found["smallestText"] >= 11, found
        visible = page.evaluate("""() => { const r = document.querySelector('.playbook-found').getBoundingClientRect();
            return r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth; }""")
        assert visible
        assert page.evaluate(MEASURE, "org-chart")["pageOverflow"] <= 0
        page.screenshot(path=str(SHOTS / f"org-chart-focus-{viewport['width']}.png"))
        assert problems == []
    finally:
        context.close()


def test_full_screen_and_back(browser, site_url: str) -> None:
    context, page, problems = _open(browser, site_url, "organization/chart/", LAPTOP)
    try:
        figure = page.locator('figure[data-diagram="org-chart"]')
        figure.scroll_into_view_if_needed()
        figure.locator('button[data-action="full"]').click()
        size = page.evaluate("""() => { const r = document.querySelector('figure[data-diagram="org-chart"] svg').getBoundingClientRect();
            return [r.width, r.height]; }""")
        assert size[0] > 1200 and size[1] > 600, size
        page.keyboard.press("Escape")
        assert "playbook-diagram--full" not in (figure.get_attribute("class") or "")
        assert problems == []
    finally:
        context.close()


def test_chart_pages_are_accessible(browser, site_url: str) -> None:
    from .browser_support import AXE, need_axe

    need_axe()
    for path in ("organization/", "organization/chart/", "workflows/crisis-escalation/", "departments/marketing/",
                 "coordination/", "roles/community-manager/"):
        context, page, problems = _open(browser, site_url, path, LAPTOP)
        try:
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            serious = [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:3]}"
                       for v in result["violations"] if v["impact"] in ("serious", "critical")]
            assert serious == [], (path, serious)
            assert problems == []
        finally:
            context.close()


def test_offline_site_from_a_file_focuses_a_role(browser, tmp_path: Path) -> None:
    """The offline build (no web server, `.html` page addresses): the script is in the
    site, `?focus=` works from file://, and nothing is requested from anywhere else."""
    project = copy_project(REPO, tmp_path / "project")
    shutil.copy(REPO / "mkdocs-offline.yml", project / "mkdocs-offline.yml")
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(project / "mkdocs-offline.yml"),
         "-d", str(site)],
        capture_output=True, text=True, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (site / "assets" / "javascripts" / "playbook-diagrams.js").is_file()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("request", lambda r: not r.url.startswith(("file:", "data:", "blob:")) and problems.append(r.url))
    try:
        page.goto((site / "roles" / "social-analyst.html").as_uri())
        # the full chart's page, from the role page: organization/chart.html?focus=social-analyst
        page.locator("a.playbook-diagram__focus").click()
        page.wait_for_function("() => document.querySelector('.playbook-found')")
        assert page.url.endswith("organization/chart.html?focus=social-analyst"), page.url
        found = page.evaluate(FOUND, "org-chart")
        assert found and found["title"] == "Social Analyst" and found["inside"], found
        assert problems == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_coordination_map_and_matrix_read(browser, site_url: str, viewport: dict[str, int], scheme: str) -> None:
    context, page, problems = _open(browser, site_url, "coordination/", viewport, scheme)
    try:
        m = page.evaluate(MEASURE, "coordination")
        assert m["pageOverflow"] <= 0, m
        if viewport is LAPTOP:  # the hub and all its spokes in the column, readable
            assert m["canvasOverflow"] <= 0 and m["svgRight"] <= m["columnRight"] + 1, m
            assert m["smallestText"] >= 11, m
        # no text of the map lies on a line: lines carry no labels, and no box's text crosses another's
        boxes = page.evaluate("""() => [...document.querySelectorAll('figure[data-diagram="coordination"] svg g.node')]
            .map(g => { const r = g.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
        assert page.locator('figure[data-diagram="coordination"] svg g.edge text').count() == 0
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        cells = page.locator("span.playbook-heat")
        assert cells.count() == 11 * 10
        shades = page.evaluate("""() => ['1', '4'].map(n => getComputedStyle(
            document.querySelector('.playbook-heat--' + n)).backgroundColor)""")
        assert shades[0] != shades[1], shades  # the colour says it too
        page.locator("span.playbook-heat").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"coordination-{viewport['width']}-{scheme}.png"))
        assert problems == []
    finally:
        context.close()


def test_the_full_org_chart_has_the_page_to_itself(browser, site_url: str) -> None:
    """Sidebars hidden: the chart gets the width of the window, and is linked from the organization page."""
    context, page, problems = _open(browser, site_url, "organization/", LAPTOP)
    try:
        page.locator('article a[href$="chart/"]').first.click()
        page.wait_for_url("**/organization/chart/")
        sidebars = page.evaluate("""() => [...document.querySelectorAll('.md-sidebar')]
            .filter(s => s.getBoundingClientRect().width > 0 && getComputedStyle(s).visibility !== 'hidden').length""")
        assert sidebars == 0
        m = page.evaluate(MEASURE, "org-chart")
        width = page.evaluate("() => document.querySelector('figure[data-diagram=\"org-chart\"] .playbook-diagram__canvas').clientWidth")
        assert width > 1000 and m["pageOverflow"] <= 0, (width, m)
        page.screenshot(path=str(SHOTS / "org-chart-page-1280.png"))
        assert problems == []
    finally:
        context.close()


def test_printed_diagrams_fit_the_paper(browser, site_url: str) -> None:
    """A4 portrait is about 718 CSS px wide inside the margins: every diagram fits, whole."""
    context, page, problems = _open(browser, site_url, "organization/chart/", {"width": 718, "height": 1000})
    try:
        page.emulate_media(media="print")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        m = page.evaluate("""() => { const svg = document.querySelector('figure[data-diagram="org-chart"] svg');
            const r = svg.getBoundingClientRect(); const b = svg.viewBox.baseVal;
            return {right: r.right, width: window.innerWidth, whole: b.x === 0 && b.y === 0,
                    tools: getComputedStyle(document.querySelector('.playbook-diagram__tools')).display}; }""")
        assert m["right"] <= m["width"] and m["whole"] and m["tools"] == "none", m
        page.pdf(path=str(SHOTS / "org-chart.pdf"))
        # the tallest diagram of the sample fits one sheet's height too, whole
        page.goto(site_url + "workflows/monthly-content-cycle/")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        tall = page.evaluate("""() => { const svg = document.querySelector('figure.playbook-diagram svg');
            const r = svg.getBoundingClientRect(); const b = svg.viewBox.baseVal;
            return {height: r.height, width: r.width, right: r.right, page: window.innerHeight,
                    whole: b.x === 0 && b.y === 0 && Math.abs(b.width / b.height
                        - parseFloat(svg.getAttribute('width')) / parseFloat(svg.getAttribute('height'))) < 0.01}; }""")
        assert tall["height"] <= tall["page"] and tall["right"] <= 718 and tall["whole"], tall
        assert problems == []
    finally:
        context.close()


@pytest.fixture(scope="module")
def synthetic_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A 300-role synthetic organization (benchmarks/synth.py), built and served."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synth import write

    base = tmp_path_factory.mktemp("browser-synthetic")
    project = write(300, base / "project")
    build_site(project, base / "site")
    with serve(base / "site") as url:
        yield url


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_a_300_role_organization_reads(browser, synthetic_url: str, viewport: dict[str, int]) -> None:
    context, page, problems = _open(browser, synthetic_url, "organization/", viewport)
    try:
        m = page.evaluate(MEASURE, "org-overview")
        assert m["pageOverflow"] <= 0, m
        if viewport is LAPTOP:
            assert m["canvasOverflow"] <= 0 and m["smallestText"] >= 11, m
        role = page.evaluate("""() => fetch('../roles/').then(r => r.text()).then(t =>
            (t.match(/href="([a-z0-9-]+)\\/"/g) || []).map(h => h.slice(6, -2)).filter(h => h.startsWith('role-'))[17])""")
        assert role, "no role found on the roles index"
        page.goto(synthetic_url + f"organization/chart/?focus={role}")
        page.wait_for_function("() => document.querySelector('.playbook-found')")
        found = page.evaluate(FOUND, "org-chart")
        # a box in a grid of leaves: its link's outline is a few px off the cell's middle
        assert found and found["inside"] and abs(found["dx"]) < 10 and abs(found["dy"]) < 10, found
        assert found["smallestText"] >= 11, found
        assert page.evaluate(MEASURE, "org-chart")["pageOverflow"] <= 0
        before = page.evaluate(VIEW, "org-chart")["viewBox"]
        page.locator('figure[data-diagram="org-chart"] button[data-action="out"]').click()
        assert page.evaluate(VIEW, "org-chart")["viewBox"] != before
        page.screenshot(path=str(SHOTS / f"synthetic-300-focus-{viewport['width']}.png"))
        page.locator('figure[data-diagram="org-chart"] button[data-action="fit"]').click()
        title = found["title"]
        page.locator('figure[data-diagram="org-chart"] input[data-action="find"]').fill(title)
        page.locator('figure[data-diagram="org-chart"] input[data-action="find"]').press("Enter")
        found = page.evaluate(FOUND, "org-chart")
        assert found and found["title"] == title and found["inside"] and found["smallestText"] >= 11, found
        page.locator('figure[data-diagram="org-chart"] .playbook-found').click()  # the link still opens the role
        page.wait_for_url(f"**/roles/{role}/")
        # opened without ?focus=: a readable first view at the top of a chart between 1:3 and 3:1
        page.goto(synthetic_url + "organization/chart/")
        for m in page.evaluate(FIRST_VIEW):
            assert m["pageOverflow"] <= 0 and m["svgInCanvas"] and m["smallestText"] >= 11, m
        whole = page.evaluate("""() => { const svg = document.querySelector('figure[data-diagram="org-chart"] svg');
            return [parseFloat(svg.getAttribute('width')), parseFloat(svg.getAttribute('height'))]; }""")
        assert 1 / 3 <= whole[0] / whole[1] <= 3, whole
        page.locator('figure[data-diagram="org-chart"] button[data-action="in"]').click()
        page.locator('figure[data-diagram="org-chart"] .playbook-diagram__canvas').focus()
        zoomed = page.evaluate(VIEW, "org-chart")["viewBox"]
        page.keyboard.press("ArrowDown")
        assert page.evaluate(VIEW, "org-chart")["viewBox"] != zoomed
        if viewport is LAPTOP:
            from .browser_support import AXE, need_axe

            need_axe()
            page.add_script_tag(path=str(AXE))
            # the chart itself: the synthetic project's own theme (tabs, palette) is not ours
            result = page.evaluate("""async () => await axe.run('figure[data-diagram="org-chart"]',
                {resultTypes: ['violations']})""")
            serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
            assert serious == [], serious
        assert problems == []
    finally:
        context.close()
