"""Hostile sites in a real Chromium: hovering and clicking across their pages runs no script.

Each hostile case that builds is built as a site and served; on every page that shows text
from the case's YAML, the mouse sweeps the viewport and hovers every link of the content,
every element gets the pointer, focus and click events a reader would cause, and every link
that does not lead to a page (no href, or a scheme other than http, https, mailto as
Chromium reads it) is clicked. A script from YAML would show as a dialog (`alert`),
as `window.__pwned` being set, or as a navigation to a `javascript:` URL. A control page with
the folder-name overlay from the hardening issue proves that the sweep would catch one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser_support import need_browser, serve
from .test_hostile import HOSTILE, overlay, prepare, run_build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _chromium_and_playwright() -> None:
    """Before any site is built: skip the module (fail it under CI) without a browser."""
    need_browser()

CASES = [
    "markdown-javascript-links",
    "reference-next-line",
    "reference-after-crlf",
    "reference-in-blockquote",
    "reference-in-list-item",
    "reference-in-ordered-list-item",
    "reference-in-admonition",
    "html-in-every-field",
    "attr-list-and-html-attributes",
    "docs-file-name-in-edit-url",
]
MARKERS = ("javascript", "alert(", "__pwned", "onmouseover", "onerror", "<script")
CONTROLS = {
    "overlay": '<a href="https://example.com/edit/x" onmouseover="alert(document.domain)" '
               'style="position:fixed;inset:0" x="">edit</a>',
    "link": '<p>Read the <a href="javascript:window.__pwned=1">complaint guide</a> first.</p>',
}


def sweep(browser: object, url: str) -> list[str]:
    """Hover and click across one page; return every sign of a script that ran."""
    fired: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    try:
        # nothing leaves the machine: a click on a link to another host goes nowhere
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                   else route.abort())
        page.on("dialog", lambda dialog: (fired.append(f"dialog: {dialog.message}"), dialog.dismiss()))
        page.goto(url)
        for x in range(40, 1280, 300):  # an overlay covers the page: any point finds it
            for y in range(40, 900, 220):
                page.mouse.move(x, y)
        # every element of the page gets the events a reader's pointer and keyboard cause, and
        # a click unless it is a link (links to our own pages would leave the page)
        page.evaluate("""() => { for (const el of document.querySelectorAll('body *')) {
            for (const type of ['pointerover', 'mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup'])
                el.dispatchEvent(new MouseEvent(type, {bubbles: true}));
            el.dispatchEvent(new FocusEvent('focus'));
            if (!el.closest('a')) el.dispatchEvent(new MouseEvent('click', {bubbles: true}));
        } }""")
        for index in range(min(page.locator("article a").count(), 60)):
            link = page.locator("article a").nth(index)
            if link.is_visible():  # a hidden one (a diagram's tool before it is needed) got the events above
                link.hover(timeout=2000, force=True)
        # and a real click on every link that does not lead to a page: no href, or a scheme
        # other than http, https, mailto as the browser itself reads it
        odd = page.locator("article a").evaluate_all("""links => links.map((a, i) => [a, i])
            .filter(([a]) => !a.hasAttribute('href') ||
                    !['http:', 'https:', 'mailto:'].includes(new URL(a.href, location).protocol))
            .map(([a, i]) => i)""")
        for index in odd:
            link = page.locator("article a").nth(index)
            if link.is_visible():
                link.click(timeout=2000, force=True, no_wait_after=True)
        page.wait_for_timeout(200)
        if page.evaluate("() => window.__pwned !== undefined"):
            fired.append("window.__pwned was set")
    finally:
        page.close()
    return fired


def test_the_sweep_catches_live_script(browser: object, tmp_path: Path) -> None:
    """The two defects of the hardening issue, written into pages by hand: the sweep sees both."""
    for name, body in CONTROLS.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(f"<!doctype html><article>{body}</article>", encoding="utf-8")
    with serve(tmp_path) as url:
        assert [f for f in sweep(browser, url + "overlay/") if f.startswith("dialog:")]
        assert "window.__pwned was set" in sweep(browser, url + "link/")


@pytest.mark.parametrize("name", CASES)
def test_hostile_pages_run_no_script(name: str, browser: object, tmp_path: Path) -> None:
    project = overlay(HOSTILE / name, tmp_path / name)
    site = prepare(project)
    error, log = run_build(project)
    assert error is None, log
    # the pages that show most of the case's text first
    shown = {page: sum(page.read_text(encoding="utf-8").count(m) for m in MARKERS) for page in site.rglob("index.html")}
    pages = sorted((page for page, count in shown.items() if count), key=lambda page: (-shown[page], page))
    if name == "docs-file-name-in-edit-url":
        pages = [site / "index.html"]
    assert pages, "the case's text should show on some page"
    with serve(site) as base:
        for page in pages[:4]:
            folder = page.parent.relative_to(site).as_posix()
            url = base + ("" if folder == "." else folder + "/")
            assert sweep(browser, url) == [], url
