"""The intranet builds: no reference to another host, and every link resolves.

Two builds, made as the publishing guide says:

- `mkdocs-intranet.yml`: for any plain web server under a sub-path; here served from
  `http://127.0.0.1:<port>/playbook/` by Python's http.server and crawled;
- `mkdocs-offline.yml`: opened from `file://` or an unzipped archive, search included;
  here every link is resolved on disk as a browser would from a file.

"No reference to another host" is checked per place, so that it means what it says:
a URL may appear where a browser never fetches it (a link the reader clicks, text, an XML
namespace, a comment, a doctype, the search index's data); anywhere else (`src`,
stylesheets, CSS `url()`, script code) it must be the site's own address. Script code in
Material's bundle names a few hosts it fetches only under conditions this site does not
meet; each is listed below with the condition, and the condition is checked.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
import yaml

from generator.targets import MARKER

from .browser_support import CHROMIUM, need_browser, static_server
from .conftest import REPO, copy_project

MKDOCS = Path(sys.executable).parent / "mkdocs"
SUB_PATH = "/playbook/"
URL = re.compile(r"https?://[^\s\"'<>()\\`]*", re.IGNORECASE)
PREFIX = re.compile(r"https?://", re.IGNORECASE)
MAX_FETCHES = 5000
CRAWL_SECONDS = 60

# -- what script code may name ---------------------------------------------------------------

SCRIPT_URLS_FETCHED_ONLY_IF = {
    "https://api.github.com/": "repo_url points at GitHub (repository facts in the header)",
    "https://${e}/api/v4/projects/": "repo_url points at GitLab (repository facts in the header)",
    "https://unpkg.com/mermaid@": "a page has a Mermaid diagram",
    "https://unpkg.com/resize-observer-polyfill": "the browser lacks ResizeObserver (none since 2020)",
}
"""URLs in Material's bundle code, and the condition under which it requests them."""

SCRIPT_MESSAGES = ("https://bit.ly/2s3ChXG",)
"""URLs that Material's code only prints in a console message."""


def _in_comment(text: str, pos: int) -> bool:
    """True when `pos` lies inside a /* */ comment or on a // or * comment line."""
    opened, closed = text.rfind("/*", 0, pos), text.rfind("*/", 0, pos)
    if opened > closed:
        return True
    line = text[text.rfind("\n", 0, pos) + 1 : pos].lstrip()
    return line.startswith(("//", "*"))


@dataclass
class Scan:
    """Every http(s) URL found in the built files, split into harmless and offending."""

    own_origin: str | None
    offending: list[str] = field(default_factory=list)
    conditional: set[str] = field(default_factory=set)
    counted: int = 0

    def own(self, url: str) -> bool:
        return self.own_origin is not None and url.startswith(self.own_origin)

    def offend(self, where: str, url: str) -> None:
        if not self.own(url):
            self.offending.append(f"{where}: {url}")

    def harmless(self, text: str) -> None:
        self.counted += len(PREFIX.findall(text))

    def script(self, where: str, text: str) -> None:
        for match in URL.finditer(text):
            self.counted += 1
            url = match.group(0)
            if self.own(url) or _in_comment(text, match.start()):
                continue
            if url.startswith(SCRIPT_MESSAGES):
                continue
            condition = next((p for p in SCRIPT_URLS_FETCHED_ONLY_IF if url.startswith(p)), None)
            if condition is not None:
                self.conditional.add(condition)
                continue
            self.offend(where, url)

    def css(self, where: str, text: str) -> None:
        harmless = [(m.start(), m.end()) for m in re.finditer(r"url\(\s*[\"']?data:[^)]*\)", text)]
        for match in URL.finditer(text):
            self.counted += 1
            inside_data = any(start <= match.start() < end for start, end in harmless)
            if inside_data or _in_comment(text, match.start()):
                continue  # an SVG namespace inside a data: URI, or a license comment
            self.offend(where, match.group(0))


class _PageScanner(HTMLParser):
    """Sends every attribute value and every piece of text to the right rule of a `Scan`."""

    NAVIGATION = {("a", "href"), ("a", "xlink:href"), ("area", "href")}
    TEXT_ATTRIBUTES = {"title", "alt", "aria-label", "xlink:title", "data-md-source"}

    def __init__(self, scan: Scan, where: str) -> None:
        super().__init__(convert_charrefs=True)
        self.scan, self.where, self.stack = scan, where, [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)
        for name, value in attrs:
            if not value or not PREFIX.search(value):
                continue
            where = f"{self.where} <{tag} {name}>"
            if name.startswith("xmlns") or (tag, name) in self.NAVIGATION or name in self.TEXT_ATTRIBUTES:
                self.scan.harmless(value)
            elif tag == "link" and name == "href" and dict(attrs).get("rel") == "canonical":
                self.scan.counted += len(PREFIX.findall(value))
                self.scan.offend(where, value)
            elif name == "style":
                self.scan.css(where, value)
            else:
                for url in URL.findall(value):
                    self.scan.counted += 1
                    self.scan.offend(where, url)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.stack[-1] == "script":
            self.scan.script(f"{self.where} <script>", data)
        elif self.stack[-1] == "style":
            self.scan.css(f"{self.where} <style>", data)
        else:
            self.scan.harmless(data)  # text the reader sees

    def handle_comment(self, data: str) -> None:
        self.scan.harmless(data)

    def handle_decl(self, decl: str) -> None:
        self.scan.harmless(decl)  # a doctype's DTD address is never fetched

    def unknown_decl(self, data: str) -> None:
        self.scan.harmless(data)  # CDATA

    def handle_pi(self, data: str) -> None:
        self.scan.harmless(data)


def scan_site(site: Path, own_origin: str | None) -> Scan:
    """Every http(s):// in every built file, each classified; see the module docstring."""
    scan = Scan(own_origin)
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        suffix = path.suffix
        if suffix in (".map", ".gz", ".png", ".ico", ".woff", ".woff2", ".txt"):
            continue  # source maps load only in developer tools; the rest are binary or licences
        text = path.read_text(encoding="utf-8", errors="replace")
        before = scan.counted
        if suffix in (".html", ".svg", ".xml"):
            if suffix == ".xml" and rel.startswith("sitemap"):
                for url in URL.findall(text):
                    scan.counted += 1
                    if "sitemaps.org/schemas" not in url:
                        scan.offend(rel, url)
                    # the sitemap's namespace is an identifier, never fetched
            else:
                parser = _PageScanner(scan, rel)
                parser.feed(text)
                parser.close()
        elif suffix == ".css":
            scan.css(rel, text)
        elif suffix == ".js" and rel == "search/search_index.js":
            assert text.startswith("var __index = ")
            json.loads(text[len("var __index = "):])  # pure data: page text, never fetched
            scan.harmless(text)
        elif suffix == ".js":
            scan.script(rel, text)
        elif suffix == ".json":
            json.loads(text)  # data (the search index), never fetched
            scan.harmless(text)
        elif suffix == ".ics" and rel == "calendar/playbook.ics":
            assert text.startswith("BEGIN:VCALENDAR\n")  # read_text turned its CRLFs into LFs
            scan.harmless(text)  # the calendar to subscribe to: data, opened by a calendar app
        elif rel == MARKER:
            scan.harmless(text)  # the note that lets the next build replace the folder
        else:
            scan.offend(rel, f"unexpected kind of file ({suffix})")
        found = len(PREFIX.findall(text))
        assert scan.counted - before == found, f"{rel}: {found} URLs in the file, {scan.counted - before} classified"
    return scan


def assert_no_other_host(site: Path, own_origin: str | None) -> None:
    scan = scan_site(site, own_origin)
    assert scan.offending == [], "requests to another host:\n" + "\n".join(scan.offending)
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    # the conditions under which Material's code would fetch from elsewhere do not hold
    assert not any('data-md-component="source"' in page for page in pages), "repo_url makes Material fetch repository facts"
    assert not any('class="mermaid"' in page for page in pages), "a Mermaid diagram makes Material load Mermaid from unpkg"
    assert not any("fonts.googleapis.com" in page or "fonts.gstatic.com" in page for page in pages)


# -- the builds --------------------------------------------------------------------------------


def build(config: str, site: Path, env: dict[str, str] | None = None) -> None:
    project = site.parent / "project"
    if not project.exists():
        copy_project(REPO, project)
        for name in ("mkdocs-intranet.yml", "mkdocs-offline.yml"):
            (project / name).write_bytes((REPO / name).read_bytes())
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--config-file", str(project / config), "--site-dir", str(site)],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A plain web server on 127.0.0.1 serving a folder; the site goes into its playbook/."""
    root = tmp_path_factory.mktemp("www")
    with static_server(root) as origin:
        yield root, origin


@pytest.fixture(scope="module")
def intranet_site(server: tuple[Path, str]) -> tuple[Path, str]:
    root, origin = server
    site = root / SUB_PATH.strip("/")
    build("mkdocs-intranet.yml", site, {"SITE_URL": origin + SUB_PATH})
    return site, origin


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("offline") / "site"
    build("mkdocs-offline.yml", site)
    return site


# -- crawling ------------------------------------------------------------------------------


class _Links(HTMLParser):
    """Every address a page links to or loads, and the ids it defines."""

    ATTRIBUTES = {"href", "src", "xlink:href", "data", "poster", "action"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name"):
                self.ids.add(value)
            elif name in self.ATTRIBUTES:
                self.links.append(value)
            elif name == "srcset":
                self.links.extend(part.split()[0] for part in value.split(",") if part.strip())


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser


def css_links(text: str) -> list[str]:
    return [u for u in re.findall(r"url\(\s*[\"']?([^\"')]+)", text) if not u.startswith("data:")]


def crawl(start: list[str], fetch, same_site) -> tuple[int, list[str]]:
    """Follow every link from `start` within the site; return the count fetched and what failed."""
    seen: set[str] = set()
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []
    failures: list[str] = []
    queue = deque((url, "start") for url in start)
    deadline = time.monotonic() + CRAWL_SECONDS
    while queue:
        assert len(seen) < MAX_FETCHES and time.monotonic() < deadline, "crawl did not finish in bounds"
        url, source = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        status, kind, body = fetch(url)
        if status != 200:
            failures.append(f"{source} -> {url}: {status}")
            continue
        if kind == "html":
            page = parse(body)
            ids[url] = page.ids
            targets = page.links
        elif kind == "css":
            targets = css_links(body)
        else:
            continue
        for target in targets:
            if target.startswith(("mailto:", "tel:", "data:")):
                continue
            if target.startswith("javascript:"):
                failures.append(f"{url}: javascript: link")
                continue
            absolute, fragment = urldefrag(urljoin(url, target))
            if not same_site(absolute):
                continue  # another host: only ever a link the reader clicks (see the scan)
            if not same_site(absolute, strict=True):
                failures.append(f"{url} -> {absolute}: outside the site's folder")
                continue
            if fragment and kind == "html":
                anchors.append((url, absolute, unquote(fragment)))
            queue.append((absolute, url))
    for page, target, fragment in anchors:
        if target in ids and fragment not in ids[target]:
            failures.append(f"{page} -> {target}#{fragment}: no such anchor")
    return len(seen), failures


def _kind(path: str) -> str:
    return {".html": "html", ".css": "css"}.get(os.path.splitext(urlsplit(path).path)[1], "other")


@pytest.mark.slow
def test_intranet_site_makes_no_request_to_another_host(intranet_site: tuple[Path, str]) -> None:
    site, origin = intranet_site
    assert_no_other_host(site, own_origin=origin + SUB_PATH)


@pytest.mark.slow
def test_intranet_site_works_under_a_sub_path(intranet_site: tuple[Path, str]) -> None:
    site, origin = intranet_site
    base = origin + SUB_PATH

    def fetch(url: str) -> tuple[int, str, str]:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
                kind = "html" if response.headers.get_content_type() == "text/html" else _kind(url)
                return response.status, kind, body.decode("utf-8", "replace") if kind != "other" else ""
        except urllib.error.HTTPError as exc:
            return exc.code, "other", ""

    def same_site(url: str, strict: bool = False) -> bool:
        return url.startswith(base) if strict else url.startswith(origin + "/")

    fetched, failures = crawl([base, base + "404.html"], fetch, same_site)
    assert failures == [], f"{len(failures)} broken links, such as:\n" + "\n".join(failures[:10])
    pages = len(list(site.rglob("*.html")))
    assert fetched > pages > 50, (fetched, pages)  # every page was reached, and its assets


@pytest.mark.slow
def test_offline_site_makes_no_request_to_another_host(offline_site: Path) -> None:
    assert_no_other_host(offline_site, own_origin=None)
    index = (offline_site / "index.html").read_text(encoding="utf-8")
    # the iframe-worker shim comes from the site itself, with its licence beside it
    assert 'src="assets/javascripts/iframe-worker-shim.js"' in index
    assert (offline_site / "assets/javascripts/iframe-worker.LICENSE.txt").is_file()
    # search works without a server: the index is inlined into a script
    assert (offline_site / "search" / "search_index.js").is_file()


@pytest.mark.slow
def test_offline_site_links_resolve_from_files(offline_site: Path) -> None:
    root = offline_site.as_uri() + "/"

    def fetch(url: str) -> tuple[int, str, str]:
        path = Path(unquote(urlsplit(url).path))
        if path.is_dir():  # a browser shows a folder listing, not index.html: a broken link offline
            return 404, "other", ""
        if not path.is_file():
            return 404, "other", ""
        kind = _kind(url)
        return 200, kind, path.read_text(encoding="utf-8", errors="replace") if kind != "other" else ""

    def same_site(url: str, strict: bool = False) -> bool:
        return url.startswith("file:") if not strict else url.startswith(root)

    fetched, failures = crawl([root + "index.html"], fetch, same_site)
    failures = [f.replace(root, "") for f in failures]
    assert failures == [], f"{len(failures)} broken links, such as:\n" + "\n".join(failures[:10])
    assert fetched > len(list(offline_site.rglob("*.html"))) > 50


def test_offline_config_keeps_every_plugin_of_the_site() -> None:
    """INHERIT replaces lists, so the offline config repeats the plugins: keep them in step."""

    def names(config: dict) -> list[str]:
        plugins = config.get("plugins", ["search"])
        return [next(iter(p)) if isinstance(p, dict) else p for p in plugins]

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    site = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    offline = yaml.load((REPO / "mkdocs-offline.yml").read_text(encoding="utf-8"), Loader=Loader)
    assert offline["INHERIT"] == "mkdocs.yml"
    assert set(names(offline)) == set(names(site)) | {"offline"}
    assert offline["extra"]["polyfills"] == ["assets/javascripts/iframe-worker-shim.js"]
    shim = (REPO / "docs/assets/javascripts/iframe-worker-shim.js").read_text(encoding="utf-8")
    assert "window.IFrameWorker" in shim and "MIT License" in shim.splitlines()[0]
    assert not URL.search(shim)


def test_scan_tells_requests_from_mentions(tmp_path: Path) -> None:
    """The scanner itself, on hand-made files: each request is caught, each mention passes."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head>"
        '<link rel="canonical" href="https://intranet.example/playbook/">'
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="https://unpkg.com/iframe-worker/shim"></script>'
        "<script>var x = 'https://cdn.example/lib.js';\n// see https://docs.example/why\n</script>"
        "<style>body { background: url(https://img.example/bg.png) }</style>"
        "</head><body>"
        '<a href="https://www.instagram.com/kopinusantara">Instagram</a> text https://text.example/ '
        '<img src="pic.png" alt="from https://alt.example/"><img srcset="https://img.example/a.png 2x">'
        '<svg xmlns="http://www.w3.org/2000/svg"><a xlink:href="https://svg-link.example/"><text>x</text></a>'
        '<image href="https://img.example/in-svg.png"/></svg>'
        '<div style="background:url(&quot;data:image/svg+xml;utf8,<svg xmlns=\'http://www.w3.org/2000/svg\'/>&quot;)"></div>'
        "<!-- https://comment.example/ --></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "assets" / "site.css").write_text(
        "/* licence: https://license.example/ */ @import url('https://fonts.example/x.css');"
        ".icon{mask-image:url(\"data:image/svg+xml;charset=utf-8,<svg xmlns='http://www.w3.org/2000/svg'/>\")}",
        encoding="utf-8",
    )
    (tmp_path / "assets" / "app.js").write_text(
        "/*! lib | https://license.example/ */\nfetch(`https://api.github.com/repos/${a}`);"
        "load('https://tracker.example/t.js');",
        encoding="utf-8",
    )
    scan = scan_site(tmp_path, own_origin="https://intranet.example/playbook/")
    assert sorted(scan.offending) == [
        "assets/app.js: https://tracker.example/t.js",
        "assets/site.css: https://fonts.example/x.css",
        "index.html <image href>: https://img.example/in-svg.png",
        "index.html <img srcset>: https://img.example/a.png",
        "index.html <link href>: https://fonts.googleapis.com/css?family=Roboto",
        "index.html <script src>: https://unpkg.com/iframe-worker/shim",
        "index.html <script>: https://cdn.example/lib.js",
        "index.html <style>: https://img.example/bg.png",
    ]
    assert scan.conditional == {"https://api.github.com/"}


@pytest.mark.browser
@pytest.mark.slow
def test_offline_search_works_from_file_in_a_browser(offline_site: Path) -> None:
    """Chromium opens the offline site from disk: search finds a role, the result opens,
    and every request the browser makes is for a file of the site."""
    need_browser()
    from playwright import sync_api

    chromium = str(CHROMIUM)
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.goto((offline_site / "index.html").as_uri())
            page.keyboard.press("s")  # Material's shortcut for the search box
            page.locator("input.md-search__input").press_sequentially("community manager", delay=20)
            first = page.locator(".md-search-result__link").first
            first.wait_for(timeout=15_000)
            page.wait_for_timeout(300)  # let the result list settle before clicking
            page.locator(".md-search-result__link").first.click()
            page.wait_for_load_state()
            url, title = page.url, page.title()
        finally:
            browser.close()
    assert url.startswith(offline_site.as_uri() + "/") and ".html" in url
    assert "Community" in title
    outside = [u for u in requests if not u.startswith(offline_site.as_uri() + "/")]
    assert outside == []
