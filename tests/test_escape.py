"""One escaper per target, each tried once against the hostile corpus; and the allowlist.

The corpus is every string in the YAML files under tests/hostile/ plus a few written here
(the reference-definition tricks, a folder name that ends an attribute). For each target
the test states what "inert" means there and checks it on the target's own terms: Markdown
rendered by Python-Markdown, HTML parsed, DOT drawn by Graphviz, a workflow command read back.
"""

from __future__ import annotations

import html
import html.parser
import os
import subprocess
import sys
from pathlib import Path

import graphviz
import markdown
import pytest
import yaml

import generator.escape as escape
import generator.plugin as plugin
from generator.engine import find_engine

from .active_content import EXTENSIONS, markdown_problems, page_problems, site_problems
from .conftest import REPO, copy_project
from .test_hostile import HOSTILE, overlay, prepare, run_build

EXTRA = [
    "Read the [guide][g] first.\n\n[g]:\n  javascript:window.__pwned=1",
    "Read the [guide][g] first.\r\n\r\n[g]:\r\njavascript:window.__pwned=1",
    "Read the [guide][g] first.\n\n> [g]: javascript:window.__pwned=1",
    "Read the [guide][g] first.\n\n- [g]: javascript:window.__pwned=1",
    "Read the [guide][g] first.\n\n1. [g]: javascript:window.__pwned=1",
    "Read the [guide][g] first.\n\n!!! note\n    [g]: javascript:window.__pwned=1",
    "[a](  \n javascript:alert(1)) [b](<javascript:alert(1)>) ![c](data:text/html,<script>alert(1)</script>)",
    "[d](java\tscript:alert(1)) [e](&#106;avascript:alert(1)) [f](%6Aavascript:alert(1)) [g](VBScript:x)",
    'x" onmouseover="alert(document.domain)" style="position:fixed;inset:0" x="',
    "<img src=x onerror=alert(1)> <svg onload=alert(1)> <script>alert(1)</script> {: onclick=alert(1) }",
    "`code` ``a`b`` ```\nfence\n``` ~~struck~~ | cell | \\ \\\\ <https://example.com> <javascript:alert(1)>",
    "a\nb\r\nc\x00d\x1be\u2028f\ud7ff",
]


def _strings(node: yaml.Node, seen: set[int], out: list[str]) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        out.append(str(node.value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _strings(item, seen, out)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _strings(key, seen, out)
            _strings(value, seen, out)


def corpus() -> list[str]:
    """Every scalar of every YAML file of the hostile corpus (aliases walked once), and EXTRA."""
    found: list[str] = []
    for path in sorted(HOSTILE.rglob("*.y*ml")):
        try:
            node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            continue
        if node is not None:
            _strings(node, set(), found)
        found.append(path.parent.name)  # folder names go into URLs
    found.extend(EXTRA)
    return sorted(set(found))


CORPUS = corpus()


def test_the_corpus_is_hostile() -> None:
    assert len(CORPUS) > 100
    assert any("javascript:" in s for s in CORPUS) and any("onmouseover" in s for s in CORPUS)


# --- Markdown ---------------------------------------------------------------------------------

TEXT_TAGS = {"p", "em", "strong", "code", "pre", "a", "img", "ul", "ol", "li", "blockquote", "br", "hr",
             "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
"""What Markdown text from YAML may turn into (`div` for an admonition)."""


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)


def _rendered(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize("name", ["md_text", "md_inline", "md_block"])
def test_markdown_escapers_leave_nothing_live(name: str) -> None:
    escaper = getattr(escape, name)
    for value in CORPUS:
        text = str(escaper(value))
        assert markdown_problems(text) == [], (value, text)
        parser = _Tags()
        parser.feed(_rendered(text))
        assert parser.tags <= TEXT_TAGS, (value, text, parser.tags)


def test_md_text_shows_the_text_as_written() -> None:
    for value in CORPUS:
        shown = html.unescape(_strip_tags(_rendered(str(escape.md_text(value)))))
        assert shown == " ".join(value.split()), value


def _strip_tags(rendered: str) -> str:
    import re

    return re.sub(r"<[^>]+>", "", rendered)


def test_reference_definitions_from_yaml_define_nothing() -> None:
    for value in EXTRA[:6]:
        rendered = _rendered(str(escape.md_block(value)))
        assert "javascript" in rendered and "<a " not in rendered, rendered
    allowed = _rendered(str(escape.md_block("See [the guide](https://example.com/guide) and <https://example.com>.")))
    assert allowed.count('href="https://example.com') == 2


# --- HTML -------------------------------------------------------------------------------------


class _One(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.starts: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


@pytest.mark.parametrize("name", ["html_text", "html_label"])
def test_html_escapers_make_one_attribute_and_one_text(name: str) -> None:
    escaper = getattr(escape, name)
    for value in CORPUS:
        parser = _One()
        parser.feed(f'<td title="{escaper(value)}">{escaper(value)}</td>')
        parser.close()
        expected = " ".join((escape._XML_UNSAFE.sub("", value) if name == "html_label" else value).split())
        assert parser.starts == [("td", [("title", expected)])], value
        assert "".join(parser.data) == expected


def test_html_label_carries_only_xml_characters() -> None:
    for value in CORPUS:
        assert not escape._XML_UNSAFE.search(escape.html_label(value))


# --- DOT --------------------------------------------------------------------------------------


def test_dot_text_stays_one_attribute_value() -> None:
    """Every corpus string as a node's tooltip and label: Graphviz draws exactly one node per
    string, and the SVG it writes holds nothing active."""
    engine = find_engine("auto")
    g = graphviz.Digraph("corpus")
    for number, value in enumerate(CORPUS):
        g.node(f"n{number}", label=escape.dot_text(value[:200]), tooltip=escape.dot_text(value[:200]),
               URL=escape.own_page_path("roles/x/"))
        g.node(f"h{number}", label=f"<<TABLE><TR><TD TITLE=\"{escape.html_label(value[:200])}\">"
                                   f"{escape.html_label(value[:200]) or ' '}</TD></TR></TABLE>>", shape="plain")
    done = subprocess.run([engine.executable, "-Tsvg"], input=g.source, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('class="node"') == 2 * len(CORPUS)
    assert page_problems(done.stdout.split("?>", 1)[-1]) == []


def test_own_page_path_refuses_everything_else() -> None:
    assert escape.own_page_path("roles/care-manager/") == "roles/care-manager/"
    for bad in ["javascript:alert(1)", "roles/x\"/", "../x/", "roles/x", "//evil/", "roles/x/\n"]:
        with pytest.raises(ValueError):
            escape.own_page_path(bad)


# --- URLs -------------------------------------------------------------------------------------


def test_url_path_and_edit_urls_cannot_end_an_attribute() -> None:
    for value in CORPUS:
        for url in (escape.url_path(value), escape.url_text("https://example.com/edit/main/docs/" + value)):
            assert not any(ch in url for ch in "\"'<> \t\n\r`") or "'" in url and '"' not in url, url
            assert '"' not in url and "<" not in url and " " not in url
    assert escape.url_text("https://x.y/a%20b/c d.md") == "https://x.y/a%20b/c%20d.md"


# --- GitHub workflow commands -----------------------------------------------------------------


def test_github_escapers_keep_a_command_on_one_line_and_read_back() -> None:
    def unescape(text: str) -> str:
        return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")

    for value in CORPUS:
        data, prop = escape.github_data(value), escape.github_property(value)
        assert "\n" not in data and "\r" not in data and "::" not in prop and "," not in prop
        assert unescape(data) == value and unescape(prop) == value


# --- the allowlist ----------------------------------------------------------------------------

HOSTILE_HTML = [
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img src="x" onerror="alert(1)">',
    '<p onclick="alert(1)">x</p>',
    '<svg onload="alert(1)"><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<script>alert(1)</script>',
    '<style>body{display:none}</style>',
    '<iframe src="https://example.com"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<div style="position:fixed;inset:0">x</div>',
    '<span style="width:10%;position:fixed">x</span>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<p title="a" title="b">x</p><!-- a comment -->',
    '<a href=javascript:alert(1)>unquoted</a>',
    '<div/><a href="x" onmouseover=alert(1)>x</a>',
]


@pytest.mark.parametrize("fragment", HOSTILE_HTML)
def test_sanitize_html_removes_what_could_run(fragment: str) -> None:
    cleaned = escape.sanitize_html(fragment)
    assert cleaned != fragment
    assert page_problems(cleaned) == []
    for word in ("javascript", "onerror", "onclick", "onload", "onmouseover", "<script", "<style", "<iframe",
                 "<object", "<embed", "<form", "<base", "<meta", "position"):
        assert word not in cleaned.lower()


def test_sanitize_html_keeps_our_markup_byte_for_byte() -> None:
    ours = (
        '<h2 id="x">T<a class="headerlink" href="#x" title="Permanent link">&para;</a></h2>\n'
        '<p>a &amp; b &lt;i&gt; &#96; &quot;q&quot; <br />\n<a href="../roles/x/">r</a> '
        '<a href="https://example.com/?a=1&amp;b=2">h</a> <a href="mailto:a@example.com">m</a></p>\n'
        '<table>\n<thead>\n<tr>\n<th style="text-align: center;">x</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
        '<td style="text-align: right;">1</td>\n</tr>\n</tbody>\n</table>\n'
        '<div class="playbook-share"><span class="playbook-share__bar" style="width: 10%"></span></div>\n'
        '<div class="admonition note">\n<p class="admonition-title">Note</p>\n</div>\n'
        '<div class="playbook-diagram-slot" data-key="roles/x"></div>\n<pre><code class="language-yaml">a: 1\n</code></pre>'
    )
    assert escape.sanitize_html(ours) == ours


# --- the allowlist in real builds -------------------------------------------------------------


def test_sample_pages_are_byte_identical_through_the_allowlist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every generated page of the sample passes the allowlist untouched (so its diagrams,
    tables, share bars and Material's markup are as they were) and the site has nothing active."""
    project = copy_project(REPO, tmp_path / "sample")
    changed: list[str] = []
    seen: list[str] = []

    def recording(fragment: str) -> str:
        result = escape.sanitize_html(fragment)
        seen.append(fragment)
        if result != fragment:
            changed.append(fragment[:300])
        return result

    monkeypatch.setattr(plugin, "sanitize_html", recording)
    error, log = run_build_at(project)
    assert error is None, log
    assert len(seen) > 90 and changed == []
    assert site_problems(project / "site") == {}


def run_build_at(project: Path) -> tuple[Exception | None, str]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    try:
        build(config)
    except MkDocsException as exc:
        return exc, ""
    finally:
        config.plugins.on_shutdown()
    return None, ""


LINK_CASES = ["markdown-javascript-links", "reference-next-line", "reference-after-crlf",
              "reference-in-blockquote", "reference-in-list-item", "reference-in-ordered-list-item",
              "reference-in-admonition", "html-in-every-field", "attr-list-and-html-attributes"]


@pytest.mark.parametrize("name", LINK_CASES)
def test_the_allowlist_holds_when_the_escaper_does_not(name: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With the Markdown escaper's link and HTML checks switched off, the hostile pages are
    full of live markup before the allowlist, and have none after it."""
    monkeypatch.setattr(escape, "_escape_prose", lambda text, table: text)
    before: list[str] = []
    original = escape.sanitize_html

    def recording(fragment: str) -> str:
        before.extend(page_problems(fragment))
        return original(fragment)

    monkeypatch.setattr(plugin, "sanitize_html", recording)
    project = overlay(HOSTILE / name, tmp_path / name)
    site = prepare(project)
    error, log = run_build(project)
    assert error is None, log
    assert before, "the weakened escaper should have let something through"
    assert site_problems(site) == {}


# --- export -----------------------------------------------------------------------------------

EXPORT_CASES = ["markdown-javascript-links", "reference-next-line", "reference-after-crlf",
                "reference-in-blockquote", "reference-in-list-item", "reference-in-ordered-list-item",
                "reference-in-admonition", "html-in-every-field", "attr-list-and-html-attributes",
                "markdown-control-characters", "dot-injection", "newlines-in-titles", "ampersands-and-entities"]


def _export(project: Path, target: Path) -> list[Path]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "export", str(target), "--no-diagrams", "-f", str(project / "mkdocs.yml")],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    return sorted(target.rglob("*.md"))


@pytest.mark.parametrize("name", EXPORT_CASES)
def test_export_carries_no_live_link(name: str, tmp_path: Path) -> None:
    project = overlay(HOSTILE / name, tmp_path / name)
    prepare(project)
    pages = _export(project, tmp_path / "export")
    assert pages
    for page in pages:
        assert markdown_problems(page.read_text(encoding="utf-8")) == [], page.name


def test_sample_export_carries_no_live_link(tmp_path: Path) -> None:
    project = copy_project(REPO, tmp_path / "sample")
    for page in _export(project, tmp_path / "export"):
        assert markdown_problems(page.read_text(encoding="utf-8")) == [], page.name
