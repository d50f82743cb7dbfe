"""Review dates in a real Chromium: the "may be out of date" note and the review line read on a
laptop and a phone, in the light and the dark palette, without widening the page.

The site is the sample built with the plugin's `today` fixed, so the same pages are late on
every day the test runs. `PLAYBOOK_SHOTS=<folder>` keeps the screenshots for a person to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .browser_support import build_site, need_browser, serve
from .conftest import REPO, copy_project

pytestmark = pytest.mark.browser

VIEWPORTS = {"laptop": (1280, 800), "phone": (390, 844)}


@pytest.fixture(scope="module", autouse=True)
def _chromium_and_playwright() -> None:
    need_browser()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = tmp_path_factory.mktemp("browser-review")
    project = copy_project(REPO, base / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, found = re.subn(r"(?m)^  - playbook\b.*$", '  - playbook:\n      today: "2026-11-30"', text)
    assert found == 1
    config.write_text(text, encoding="utf-8")
    build_site(project, base / "site")
    with serve(base / "site") as url:
        yield url


MEASURE = """() => {
    const note = document.querySelector('article .admonition.warning');
    const line = [...document.querySelectorAll('article p em')].find(e => /Last (reviewed|changed)|Not reviewed/.test(e.textContent));
    const box = note ? note.getBoundingClientRect() : null;
    const content = document.querySelector('.md-content').getBoundingClientRect();
    return {
        pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
        note: note ? note.innerText : null,
        noteInside: box ? box.left >= content.left - 1 && box.right <= content.right + 1 : null,
        noteTop: box ? box.top : null,
        noteFont: note ? parseFloat(getComputedStyle(note.querySelector('p:not(.admonition-title)')).fontSize) : null,
        noteBorder: note ? getComputedStyle(note).borderLeftColor : null,
        line: line ? line.textContent : null,
        lineFont: line ? parseFloat(getComputedStyle(line).fontSize) : null,
    };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_a_late_page_shows_its_note_and_owner(browser, site_url: str, viewport: str, scheme: str) -> None:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(site_url + "channels/x-care/")
        if scheme == "dark":  # Material keeps the palette the reader chose; choose the dark one
            page.evaluate("""() => { document.body.setAttribute('data-md-color-scheme', 'slate'); }""")
        measured = page.evaluate(MEASURE)
        shots = os.environ.get("PLAYBOOK_SHOTS")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"review-{viewport}-{scheme}.png"))
        assert measured["pageOverflow"] <= 0
        assert measured["note"] and "May be out of date" in measured["note"]
        assert "Care Manager owes it a review" in measured["note"]
        assert measured["noteInside"], "the note reaches past the content column"
        assert measured["noteTop"] < height, "the note is not on the first screen"
        assert measured["noteFont"] >= 12  # Material sets admonitions at 0.64rem
        assert measured["line"] == "Last reviewed 2026-03-02 by Care Manager."
        assert measured["lineFont"] >= 13
        # the owner's name in the note is a link to the role's page
        page.locator("article .admonition.warning a", has_text="Care Manager").click()
        page.wait_for_url(re.compile(r".*/roles/care-manager/$"))
    finally:
        context.close()


def test_a_fresh_page_has_no_note(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(site_url + "departments/marketing/")
        measured = page.evaluate(MEASURE)
        assert measured["note"] is None
        assert measured["line"] == "Last reviewed 2026-10-01 by Head of Marketing."
    finally:
        context.close()


CALENDAR = """() => {
    const visible = e => e && e.offsetParent !== null;
    const wide = document.querySelector('.playbook-calendar--wide');
    const narrow = document.querySelector('.playbook-calendar--narrow');
    const shown = [...document.querySelectorAll('.playbook-calendar')].filter(visible);
    const texts = shown.flatMap(c => [...c.querySelectorAll('a, small, .playbook-post__time, th, h3')]);
    const table = wide ? wide.querySelector('table') : null;
    return {
        pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
        wideShown: visible(wide),
        narrowShown: visible(narrow),
        tableOverflow: table && visible(table) ? table.scrollWidth - table.parentElement.clientWidth : 0,
        smallestFont: Math.min(...texts.map(e => parseFloat(getComputedStyle(e).fontSize))),
        firstDay: narrow ? narrow.querySelector('h3').textContent : null,
    };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_calendar_reads_on_a_laptop_and_a_phone(browser, site_url: str, viewport: str, scheme: str) -> None:
    """A table of days x channels on a laptop, a list by day on a phone; nothing wider than the
    screen, no text under 12px, and a post's theme links to the theme's page."""
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(site_url + "playbook/")
        assert page.locator('a.md-nav__link[href$="calendar/"]').count() >= 1
        page.goto(site_url + "calendar/")
        if scheme == "dark":
            page.evaluate("""() => { document.body.setAttribute('data-md-color-scheme', 'slate'); }""")
        measured = page.evaluate(CALENDAR)
        shots = os.environ.get("PLAYBOOK_SHOTS")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"calendar-{viewport}-{scheme}.png"))
        assert measured["pageOverflow"] <= 0
        assert measured["tableOverflow"] <= 0, "the week table is wider than the content column"
        assert measured["wideShown"] == (viewport == "laptop")
        assert measured["narrowShown"] == (viewport == "phone")
        assert measured["smallestFont"] >= 12
        assert measured["firstDay"] == "Mon 30 November"
        link = page.locator(".playbook-calendar a", has_text="Brew at home").locator("visible=true").first
        link.click()
        page.wait_for_url(re.compile(r".*/themes/brew-at-home/$"))
    finally:
        context.close()


@pytest.mark.parametrize("path", ["calendar/", "channels/x-care/"])
def test_calendar_and_review_note_pass_axe(browser, site_url: str, path: str) -> None:
    """No serious or critical axe-core violation on the calendar and on a page with the note."""
    from .browser_support import AXE, need_axe

    need_axe()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(site_url + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == [], "\n".join(serious)
    finally:
        context.close()
