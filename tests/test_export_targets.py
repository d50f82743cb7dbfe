"""`playbook export --for zensical|mkdocs|plain`: a whole site folder another generator builds.

The Zensical build runs zensical 0.0.73 (the newest our package index can install) in a
virtual environment of its own (tests/venvs.py); the MkDocs one runs plain MkDocs and
Material from the main .venv, without our plugin. Both sites are served under a sub-path
(`/sub/playbook/`) by a real HTTP server, and every link inside every diagram, inline or
standalone, must load from there.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import tomllib
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.export import page_url, search_marked, toml_value, with_edit_url
from tests import venvs

from .browser_support import static_server
from .conftest import copy_project

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-30"
EDIT = "https://github.com/kopi-nusantara/playbook/edit/main/"
FIGURE = re.compile(r'<figure class="playbook-diagram.*?</figure>', re.S)
LINK = re.compile(r'href="([^"#:]+)"')
SUB = "/sub/playbook/"


def _export(tmp_path: Path, target: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / f"export-{target}"
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("PLAYBOOK_TODAY", TODAY)
    result = CliRunner().invoke(main, ["export", str(folder), "--for", target])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def zensical() -> Path:
    return venvs.zensical_venv()


@pytest.fixture(scope="module")
def plugin_index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The sample built with our plugin on the export's day: search location -> text."""
    root = copy_project(REPO, tmp_path_factory.mktemp("plugin-site"))
    env = dict(os.environ, PLAYBOOK_TODAY=TODAY, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    docs = json.loads((root / "site/search/search_index.json").read_text(encoding="utf-8"))["docs"]
    return {doc["location"]: doc["text"] for doc in docs}


def _words(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _check_same_search(exported: dict[str, str], plugin: dict[str, str]) -> None:
    """The export's search index holds the plugin's sections, no more and no fewer, with the
    same words (the hand-written guide aside, whose code blocks each theme labels its own way):
    the marks written into the Markdown left out what the plugin leaves out."""
    assert sorted(exported) == sorted(plugin)
    for location, text in plugin.items():
        if not location.startswith("guide/"):
            assert _words(exported[location]) == _words(text), location
    # what is left out, in so many words: the calendar's month, the roles index's table, the
    # org chart's boxes, "find your role" on the home page, the role facts; and what stays
    assert not [loc for loc in exported if loc.startswith("calendar/#november-2026")]
    assert "Care Agent" not in exported["roles/"] and "Care Agent" not in exported["organization/chart/"]
    assert not [loc for loc in exported if loc.startswith("#find-your-role")]
    assert "Reports to" not in exported["roles/care-agent/"] and "Customer Care" in exported["roles/care-agent/"]
    assert "Median under 30 minutes" in exported["roles/care-agent/#kpis"]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A web server whose `/sub/playbook/` is the folder returned (filled by the test)."""
    root = tmp_path / "www"
    site = root / "sub" / "playbook"
    site.parent.mkdir(parents=True)
    with static_server(root) as origin:
        yield site, origin


def _diagram_links(site: Path) -> dict[str, set[str]]:
    """Absolute paths under SUB of every link inside a diagram -> the files they are in."""
    found: dict[str, set[str]] = {}
    files = [*site.rglob("*.html"), *(site / "diagrams").rglob("*.svg")]
    for file in files:
        text = file.read_text(encoding="utf-8")
        chunks = [text] if file.suffix == ".svg" else FIGURE.findall(text)
        relative = file.relative_to(site).as_posix()
        base = SUB + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative)
        for chunk in chunks:
            for href in LINK.findall(chunk):
                found.setdefault(urljoin(base, href), set()).add(relative)
    return found


def _check_diagram_links(site: Path, host: str) -> int:
    links = _diagram_links(site)
    assert len(links) > 50  # role, department and workflow pages, the org chart, the .svg files
    for url, where in sorted(links.items()):
        assert url.startswith(SUB), f"{url} (in {sorted(where)[:3]}) leaves the sub-path"
        with urllib.request.urlopen(host + url) as response:  # noqa: S310 - our own local server
            assert response.status == 200, url
    return len(links)


def _edit_button(page: Path) -> str:
    match = re.search(r'<a href="([^"]*)" title="Edit this page"', page.read_text(encoding="utf-8"))
    assert match, f"no edit button on {page}"
    return match.group(1)


@pytest.mark.slow
def test_zensical_builds_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zensical: Path, served: tuple[Path, str],
    plugin_index: dict[str, str],
) -> None:
    folder = _export(tmp_path, "zensical", monkeypatch)
    config = tomllib.loads((folder / "zensical.toml").read_text(encoding="utf-8"))["project"]
    assert config["docs_dir"] == "docs" and config["nav"][0] == "index.md"
    done = subprocess.run([str(venvs.bin_of(zensical, "zensical")), "build", "-f", "zensical.toml"], cwd=folder,
                          capture_output=True, text=True, env=venvs.clean_env(), timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    site, host = served
    (folder / "site").rename(site)
    # pages: every generated and hand-written page
    sources = json.loads((folder / "_sources.json").read_text(encoding="utf-8"))
    for path in [*sources, "index.md", "contributing.md", "guide/format.md"]:
        assert (site / page_url(path) / "index.html").is_file(), path
    # search: a role is found by its title, at its page; the rest as the plugin indexes it
    items = json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]
    assert any(i["title"] == "Care Agent" and i["location"] == "roles/care-agent/" for i in items)
    _check_same_search({i["location"]: i["text"] for i in items}, plugin_index)
    # the edit button opens the YAML behind a generated page, the Markdown of a hand-written one
    assert _edit_button(site / "roles/care-agent/index.html") == EDIT + "org/roles/care-agent.yml"
    assert _edit_button(site / "workflows/product-launch/index.html") == EDIT + "playbook/workflows/product-launch.yml"
    assert _edit_button(site / "index.html") == EDIT + "docs/index.md"
    # the navigation reaches the generated sections
    assert 'href="roles/"' in (site / "index.html").read_text(encoding="utf-8")
    # the first-day block's role list: Zensical turns its `.md` links into the page's address
    assert 'href="roles/care-agent/"' in (site / "index.html").read_text(encoding="utf-8")
    _check_diagram_links(site, host)


@pytest.mark.slow
def test_mkdocs_without_the_plugin_builds_the_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, served: tuple[Path, str], plugin_index: dict[str, str]
) -> None:
    folder = _export(tmp_path, "mkdocs", monkeypatch)
    config = yaml.safe_load((folder / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "playbook" not in json.dumps(config.get("plugins", [])) and config["theme"]["custom_dir"] == "overrides"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=folder, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    site, host = served
    (folder / "site").rename(site)
    assert _edit_button(site / "roles/care-agent/index.html") == EDIT + "org/roles/care-agent.yml"
    # Material reads the same marks: its index is the plugin's, word for word
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    _check_same_search({doc["location"]: doc["text"] for doc in docs}, plugin_index)
    # the first-day block's role list (raw HTML) links to the pages' addresses
    assert 'href="roles/care-agent/"' in (site / "index.html").read_text(encoding="utf-8")
    _check_diagram_links(site, host)


def test_plain_export_links_name_the_markdown_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _export(tmp_path, "plain", monkeypatch)
    docs = folder / "docs"
    summary = (docs / "SUMMARY.md").read_text(encoding="utf-8")
    assert summary.startswith("- [Welcome](index.md)\n") and "    - [Roles](roles/index.md)\n" in summary
    for link in re.findall(r"\]\(([^)]+)\)", summary):
        assert (docs / link).is_file(), link
    svg = (docs / "diagrams/role/care-agent.svg").read_text(encoding="utf-8")
    assert 'href="../../roles/care-manager.md"' in svg
    assert not (folder / "zensical.toml").exists() and not (folder / "mkdocs.yml").exists()
    # the home page's first-day block is filled as the plugin fills it, its links naming the files
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert "playbook:home" not in home and 'href="roles/care-agent.md"' in home
    for link in re.findall(r'href="([^"#:]+\.md)', home):
        assert (docs / link).is_file(), link
    page = (docs / "roles/care-agent.md").read_text(encoding="utf-8")
    assert page.startswith(f'---\nedit_url: "{EDIT}org/roles/care-agent.yml"\n---\n\n# Care Agent\n')
    # a code host's file view would show search marks as text: plain has none
    assert "data-search-exclude }" not in page and "data-search-exclude markdown" not in (docs / "roles/index.md").read_text(
        encoding="utf-8")


def test_page_addresses_and_front_matter() -> None:
    assert [page_url(p) for p in ("index.md", "roles/index.md", "roles/x.md", "diagrams/role/x.svg")] == [
        "", "roles/", "roles/x/", "diagrams/role/x.svg"]
    assert with_edit_url("# T\n", "https://e/x.yml") == '---\nedit_url: "https://e/x.yml"\n---\n\n# T\n'
    kept = "---\nhide:\n  - toc\n---\n\n# T\n"
    assert with_edit_url(kept, "https://e/x.yml") == '---\nedit_url: "https://e/x.yml"\nhide:\n  - toc\n---\n\n# T\n'
    own = "---\nedit_url: https://mine\n---\n# T\n"
    assert with_edit_url(own, "https://e/x.yml") == own


def test_toml_values_read_back() -> None:
    value = {"nav": ["index.md", {"Rôles \"x\"\x7f": ["roles/index.md"]}], "theme": {"font": False, "n": 2}, "x": None}
    text = "v = " + str(toml_value(value))
    assert tomllib.loads(text)["v"] == {"nav": ["index.md", {"Rôles \"x\"\x7f": ["roles/index.md"]}],
                                        "theme": {"font": False, "n": 2}}


def test_search_marks_follow_the_unindexed_headings() -> None:
    page = "\n".join([
        "---", "title: x", "---", "", "# Roles", "", "Intro.", "", "| a | b |", "| --- | --- |", "| 1 | 2 |", "",
        "<table>", "<tr><td>x</td></tr></table>", "", "## Hand-offs", "", "### [Launch](../w.md)", "", "text",
        "", "## Kept", "", "```", "## Hand-offs", "```", "", "- <span data-search-exclude>**Reports to:** x</span>",
        "- Department", "", '<figure class="playbook-diagram" data-diagram="k">', "",
    ])
    marked = search_marked(page, ("Roles", "Hand-offs", "Launch"))
    assert marked.split("\n")[4:] == [
        "# Roles", "", "Intro.", "",
        '<div data-search-exclude markdown="1">', "", "| a | b |", "| --- | --- |", "| 1 | 2 |", "", "</div>", "",
        "<table data-search-exclude>", "<tr><td>x</td></tr></table>", "",
        "## Hand-offs { data-search-exclude }", "", "### [Launch](../w.md) { data-search-exclude }", "", "text", "",
        "## Kept", "", "```", "## Hand-offs", "```", "",
        "- <span data-search-exclude>**Reports to:** x</span>", "  { data-search-exclude }", "- Department", "",
        '<figure class="playbook-diagram" data-search-exclude data-diagram="k">', "",
    ]
    # a page whose title is not listed keeps its tables; a heading is matched by its text
    assert search_marked("# T\n\n| a |\n| --- |\n\n## Tom \\& Jerry\n", ("Tom & Jerry",)) == (
        "# T\n\n| a |\n| --- |\n\n## Tom \\& Jerry { data-search-exclude }\n")


@pytest.mark.slow
def test_zensical_draws_diagram_labels_without_underlines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zensical: Path, browser: object
) -> None:
    """Zensical's theme underlines every link in a page's content; a diagram's boxes are links,
    and the export's stylesheet keeps their labels plain, in both palettes and on a phone."""
    from .browser_support import need_browser, serve

    need_browser()
    folder = _export(tmp_path, "zensical", monkeypatch)
    done = subprocess.run([str(venvs.bin_of(zensical, "zensical")), "build", "-f", "zensical.toml"], cwd=folder,
                          capture_output=True, text=True, env=venvs.clean_env(), timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    with serve(folder / "site") as base:
        for scheme, width, height in (("light", 1280, 800), ("dark", 390, 844)):
            context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)  # type: ignore[attr-defined]
            page = context.new_page()
            page.goto(base + "departments/customer-care/", wait_until="load")
            lines = page.evaluate("""() => [...document.querySelectorAll('.playbook-diagram svg a')]
                .map(a => getComputedStyle(a).textDecorationLine)""")
            prose = page.evaluate("getComputedStyle(document.querySelector('.md-typeset li a')).textDecorationLine")
            context.close()
            assert len(lines) >= 4 and set(lines) == {"none"}, (scheme, lines)
            assert prose == "underline"  # links in running text keep theirs
