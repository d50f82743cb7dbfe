"""The built sample site in a real headless Chromium, as a new hire uses it.

Search, clicks on diagram boxes, the dark palette, every page without an external
request or a console error, the Indonesian build, and axe-core accessibility checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from .browser_support import AXE, build_site, need_axe, need_browser, serve
from .conftest import REPO, copy_project

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _chromium_and_playwright() -> None:
    """Before any site is built: skip the module (fail it under CI) without a browser."""
    need_browser()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample built twice: in English and with `theme.language: id`."""
    base = tmp_path_factory.mktemp("browser")
    built = {}
    for language in ("en", "id"):
        project = copy_project(REPO, base / f"project-{language}")
        config = project / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r"(?m)^(\s+language:\s*)en\b", rf"\g<1>{language}", text), encoding="utf-8")
        build_site(project, base / f"site-{language}")
        built[language] = base / f"site-{language}"
    return built


@pytest.fixture(scope="module")
def en_url(sites: dict[str, Path]) -> Iterator[str]:
    with serve(sites["en"]) as url:
        yield url


@pytest.fixture(scope="module")
def id_url(sites: dict[str, Path]) -> Iterator[str]:
    with serve(sites["id"]) as url:
        yield url


class Watched:
    """A page that records every request and every console error."""

    def __init__(self, browser, base: str) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base = base
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def foreign_requests(self) -> list[str]:
        host = urlparse(self.base).netloc
        return [
            url for url in self.requests
            if not url.startswith(("data:", "blob:")) and urlparse(url).netloc != host
        ]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser, en_url: str) -> Iterator[Watched]:
    page = Watched(browser, en_url)
    yield page
    page.close()


def search(page, query: str) -> list[str]:
    """Type into Material's search box; return the hrefs of the results."""
    box = page.locator("input.md-search__input")
    box.click()
    # the index loads in a web worker; a query typed before it is ready can be dropped,
    # so type it again until results show (30 s at most)
    for attempt in range(6):
        box.fill("")
        box.type(query, delay=20)
        try:
            page.wait_for_selector(".md-search-result__item a", timeout=5_000)
            break
        except Exception:
            if attempt == 5:
                raise
    return page.locator(".md-search-result__item > a").evaluate_all("els => els.map(e => e.href)")


def test_search_finds_a_role_by_title(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base)
    hrefs = search(page, "Community Manager")
    assert any(urlparse(h).path.rstrip("/").endswith("roles/community-manager") for h in hrefs), hrefs
    page.locator(".md-search-result__item > a[href*='roles/community-manager']").first.click()
    page.wait_for_url(re.compile(r".*/roles/community-manager/.*"))
    assert "Community Manager" in page.locator("h1").first.inner_text()


def test_search_finds_a_role_by_a_word_from_its_responsibilities(watched: Watched) -> None:
    """A word that appears only in one role's responsibilities leads to that role."""
    import yaml

    roles = {p.stem: yaml.safe_load(p.read_text()) for p in sorted((REPO / "org" / "roles").glob("*.yml"))}
    texts = {rid: " ".join(r["responsibilities"]).lower() for rid, r in roles.items()}
    everything_else = {
        rid: " ".join(str(v) for k, v in r.items() if k != "responsibilities").lower() for rid, r in roles.items()
    }
    target, word = None, None
    for rid, text in texts.items():
        for candidate in sorted(set(re.findall(r"[a-z]{7,}", text))):
            others = [t for other, t in texts.items() if other != rid] + list(everything_else.values())
            if not any(candidate in t for t in others):
                target, word = rid, candidate
                break
        if target:
            break
    assert target and word, "the sample should have a word unique to one role's responsibilities"
    page = watched.page
    page.goto(watched.base)
    hrefs = search(page, word)
    assert any(f"roles/{target}/" in h for h in hrefs), (word, hrefs)
    page.locator(f".md-search-result__item a[href*='roles/{target}/']").first.click()
    page.wait_for_url(re.compile(rf".*/roles/{target}/.*"))


def test_clicking_an_org_chart_box_opens_the_role(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base + "organization/chart/")
    box = page.locator("figure.playbook-diagram svg a[href*='roles/social-analyst/']").first
    box.scroll_into_view_if_needed()
    box.click()
    page.wait_for_url(re.compile(r".*/roles/social-analyst/$"))
    assert "Social Analyst" in page.locator("h1").first.inner_text()


def test_dark_palette_changes_diagram_strokes(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base + "organization/")
    stroke = "() => getComputedStyle(document.querySelector('figure.playbook-diagram svg g.node polygon, figure.playbook-diagram svg g.node path')).stroke"
    before = page.evaluate(stroke)
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    after = page.evaluate(stroke)
    assert before != after, (before, after)


def _pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).parent.as_posix()
        for p in site.rglob("index.html")
        if "assets" not in p.parts
    )


def test_every_page_stays_on_localhost_without_console_errors(browser, sites, en_url: str) -> None:
    page = Watched(browser, en_url)
    try:
        paths = _pages(sites["en"])
        assert len(paths) > 60
        for path in paths:
            url = en_url + ("" if path == "." else path + "/")
            response = page.page.goto(url, wait_until="load")
            assert response is not None and response.ok, url
        assert page.foreign_requests() == []
        assert page.errors == []
    finally:
        page.close()


def test_indonesian_site(browser, sites, id_url: str) -> None:
    page = Watched(browser, id_url)
    try:
        page.page.goto(id_url + "roles/community-manager/")
        body = page.page.locator("article").inner_text()
        assert "Tanggung jawab" in body
        assert page.page.locator("html").get_attribute("lang") == "id"
        hrefs = search(page.page, "Community Manager")
        assert any("roles/community-manager" in h for h in hrefs)
        for path in _pages(sites["id"]):
            page.page.goto(id_url + ("" if path == "." else path + "/"))
        assert page.foreign_requests() == []
        assert page.errors == []
    finally:
        page.close()


@pytest.mark.parametrize(
    "path", ["organization/", "roles/community-manager/", "objectives/", "raci/", "coordination/", "guide/format/"]
)
def test_accessibility(watched: Watched, path: str) -> None:
    need_axe()
    page = watched.page
    objectives = sorted((REPO / "playbook" / "objectives").glob("*.yml"))
    if path == "objectives/":
        path = f"objectives/{objectives[0].stem}/"
    page.goto(watched.base + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)


def test_diagrams_have_text_alternatives(watched: Watched) -> None:
    page = watched.page
    page.goto(watched.base + "organization/")
    svgs = page.locator("figure.playbook-diagram svg")
    assert svgs.count() >= 1
    for index in range(svgs.count()):
        svg = svgs.nth(index)
        label = svg.get_attribute("aria-label") or svg.locator("title").first.text_content()
        assert label and label.strip()


@pytest.mark.parametrize("width", [1280, 390])
def test_format_reference_reads_on_a_laptop_and_a_phone(browser, en_url: str, width: int) -> None:
    """The reference is in the guide's navigation; nothing on it is wider than the screen
    (keys are a list, not a wide table), and its text stays at a readable size."""
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 800 else 800})
    page = context.new_page()
    try:
        page.goto(en_url + "guide/")
        assert page.locator('a.md-nav__link[href$="format/"]').count() >= 1
        page.goto(en_url + "guide/format/")
        measured = page.evaluate("""() => {
            const article = document.querySelector('article');
            const items = [...article.querySelectorAll('li')].filter(li => li.querySelector(':scope > p > code'));
            const limit = document.querySelector('.md-content').getBoundingClientRect().right + 1;
            return {
                pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
                widest: Math.max(...[...article.querySelectorAll('*')].map(e => e.getBoundingClientRect().right)) - limit,
                scrolled: [...article.querySelectorAll('.md-typeset__scrollwrap')]
                    .filter(w => w.scrollWidth > w.clientWidth + 1).length,
                keys: items.map(li => li.querySelector('code').textContent),
                smallestFont: Math.min(...items.map(li => parseFloat(getComputedStyle(li).fontSize))),
            };
        }""")
        assert measured["pageOverflow"] <= 0
        assert measured["widest"] <= 0, "an element of the reference reaches past the content column"
        assert measured["scrolled"] == 0, "a table of the reference needs scrolling"
        assert len(measured["keys"]) >= 60
        for key in ("title", "responsibilities", "reports_to", "raci", "accountable", "steps", "within"):
            assert key in measured["keys"]
        assert measured["smallestFont"] >= 12
    finally:
        context.close()
