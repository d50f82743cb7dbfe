"""Generated pages: golden files for the sample, links, one page per entity, labels, escaping.

Golden pages live in tests/golden/pages/ (diagrams left out, so they do not depend on the
Graphviz build); `UPDATE_GOLDEN=1 pytest tests/test_pages.py` rewrites them, and the
change is reviewed as a git diff.
"""

from __future__ import annotations

import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import markdown
import pytest
import yaml

from generator import pages as pages_module
from generator.escape import Md, html_text, md_block, md_inline, md_text, md_url
from generator.labels import get_labels
from generator.pages import diagram_slot, fill_slots, page_path, render_pages
from generator.site import Output, generate

from .conftest import REPO
from .golden import check_folder

GOLDEN = Path(__file__).parent / "golden" / "pages"
LABELS = REPO / "generator" / "labels"
TEMPLATES = REPO / "generator" / "templates"
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture(scope="session")
def sample() -> Output:
    out = generate(REPO, diagrams=False)
    assert not out.result.errors, [str(p) for p in out.result.errors]
    return out


@pytest.fixture(scope="session")
def sample_id() -> Output:
    return generate(REPO, language="id", diagrams=False)


def html_of(text: str) -> str:
    """Markdown as MkDocs renders it (plus attr_list, which sites often turn on)."""
    return markdown.markdown(text, extensions=["tables", "toc", "attr_list", "fenced_code", "admonition"])


# --- the sample's pages --------------------------------------------------------------------


def test_golden_pages(sample: Output) -> None:
    files = {path: text for path, text in sample.files.items() if path.endswith(".md")}
    check_folder(GOLDEN, files, ".md")


def test_every_entity_has_exactly_one_page(sample: Output) -> None:
    playbook = sample.result.playbook
    entities = list(playbook.all_entities())
    by_source: dict[str, list[str]] = {}
    for path, source in sample.sources.items():
        by_source.setdefault(source, []).append(path)
    for entity in entities:
        assert by_source.get(entity.path) == [page_path(entity)], entity.id
    assert len(sample.sources) == len(entities)


@pytest.mark.parametrize("language", ["en", "id"])
def test_every_link_resolves(sample: Output, sample_id: Output, language: str) -> None:
    out = sample if language == "en" else sample_id
    files = set(out.files)
    checked = 0
    for path, text in out.files.items():
        if not path.endswith(".md"):
            continue
        for target in LINK.findall(text):
            if target.startswith(("http://", "https://", "mailto:", "#")):
                continue  # a heading on the same page: the strict site build validates anchors
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target.split("#")[0]))
            assert resolved in files, f"{path}: link to {target} ({resolved}) has no page"
            checked += 1
    assert checked > 500


def test_every_reference_is_linked_and_backlinked(sample: Output) -> None:
    """Each page links what its entity refers to, and lists who refers to it."""
    from generator.rules import references

    playbook = sample.result.playbook
    for entity in playbook.all_entities():
        here = page_path(entity)
        text = sample.files[here]
        for ref in references(entity):
            target = page_path(playbook.entity(ref.target))
            assert posixpath.relpath(target, posixpath.dirname(here)) in LINK.findall(text), (here, ref.target)
            # on the target's page: in what it shows, or else under "Referenced by"
            assert posixpath.relpath(here, posixpath.dirname(target)) in LINK.findall(sample.files[target]), (
                target, entity.id,
            )


def test_referenced_by_lists_only_what_the_page_does_not_show(sample: Output) -> None:
    """A page that already links a referrer (in its duties, hand-offs, tables) does not list it
    again at its end; the one that remains on the sample is the organization naming its hub."""
    listed = 0
    for path, text in sample.files.items():
        if "\n## Referenced by\n" not in text:
            continue
        body, refs = text.split("\n## Referenced by\n", 1)
        for target in LINK.findall(refs):
            listed += 1
            assert target not in LINK.findall(body), (path, target)
    assert listed >= 1
    assert "[Kopi Nusantara](../organization/index.md)" in sample.files["departments/marketing-communication.md"].split(
        "## Referenced by"
    )[1]
    assert "## Referenced by" not in sample.files["workflows/crisis-escalation.md"]


def test_index_pages_list_every_entity_with_its_summary(sample: Output) -> None:
    playbook = sample.result.playbook
    for kind in ("department", "role", "objective", "theme", "channel", "metric", "workflow"):
        folder = page_path(next(iter(playbook.of_kind(kind).values()))).split("/")[0]
        index = sample.files[f"{folder}/index.md"]
        for entity in playbook.of_kind(kind).values():
            assert f"]({entity.id}.md)" in index
            assert md_inline(entity.summary) in index


def test_role_page_has_what_a_new_hire_needs(sample: Output) -> None:
    text = sample.files["roles/community-manager.md"]
    for heading in ("Responsibilities", "Objectives and RACI duties", "Accounts", "Hand-offs", "KPIs",
                    "Your first week"):
        assert f"\n## {heading}\n" in text
    assert "- <span data-search-exclude>**Reports to:** [Social Media Manager](social-media-manager.md)</span>" in text
    assert "- **Accountable for:** nothing" in text  # said plainly, first, then R, C and I
    assert "(through [Marketing Communication](../departments/marketing-communication.md))" in text


def test_raci_matrix_has_only_named_parties(sample: Output) -> None:
    playbook = sample.result.playbook
    text = sample.files["raci/index.md"]
    named = {p for o in playbook.objectives.values() for p in [o.raci.accountable, *o.raci.responsible, *o.raci.consulted, *o.raci.informed]}
    header_links = set(re.findall(r"\]\(\.\./(?:roles|departments)/([a-z0-9-]+)\.md\) \|", text))
    assert header_links == named
    for objective in playbook.objectives.values():
        assert f"[{md_text(objective.title)}](../objectives/{objective.id}.md)" in text


def test_organization_page_has_charter_hub_shares_and_chart_slot(sample: Output) -> None:
    text = sample.files["organization/index.md"]
    assert "## Charter" in text and "## Hub" in text and "## Workload share" in text
    assert 'class="playbook-share__bar" style="width: 40%"' in text
    roles = sample.result.playbook.roles
    drawn = ["org-chart", "org-overview", "coordination", *(f"role/{r}" for r in roles)]
    pages = render_pages(sample.result.playbook, get_labels("en"), diagrams=drawn)
    assert pages["organization/index.md"].diagrams == ("org-overview",)
    assert "(chart.md)" in pages["organization/index.md"].markdown  # the full chart has its own page
    assert pages["organization/chart.md"].diagrams == ("org-chart",)
    assert pages["organization/chart.md"].markdown.startswith("---\nhide:\n  - navigation\n  - toc\n---\n")
    assert pages["coordination/index.md"].diagrams == ("coordination",)
    assert all(pages[f"roles/{r}.md"].diagrams == (f"role/{r}",) for r in roles)
    assert all(not page.diagrams for path, page in pages.items() if path.startswith("departments/"))
    assert all(not page.diagrams for page in sample.pages.values())  # none drawn, none shown


def test_a_diagram_is_a_placeholder_block_the_writer_fills(sample: Output) -> None:
    pages = render_pages(sample.result.playbook, get_labels("en"), diagrams=["role/ceo"])
    page = pages["roles/ceo.md"]
    assert f"\n\n{diagram_slot('role/ceo')}\n" in page.markdown and page.diagrams == ("role/ceo",)
    assert "playbook-diagram-slot" not in pages["roles/care-agent.md"].markdown
    figure = '<figure class="playbook-diagram"><svg><a href="x">A & B</a></svg></figure>'
    filled = fill_slots(page.markdown, page.diagrams, {"role/ceo": figure}.__getitem__)
    assert f"\n\n{figure}\n" in filled and "playbook-diagram-slot" not in filled
    assert html_of(page.markdown).count(diagram_slot("role/ceo")) == 1  # Markdown leaves it alone


def test_output_is_deterministic() -> None:
    first = generate(REPO, diagrams=False).files
    second = generate(REPO, diagrams=False).files
    assert first == second and list(first) == sorted(first)


def test_navigation_groups_index_pages(sample: Output) -> None:
    nav = sample.navigation()
    assert nav[0] == {"Organization": ["organization/index.md", {"Departments": "departments/index.md"},
                                       {"Roles": "roles/index.md"}, {"RACI matrix": "raci/index.md"},
                                       {"Coordination map": "coordination/index.md"}]}
    assert list(nav[1]) == ["Playbook"]


# --- labels --------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["", "diagrams-"])
def test_label_tables_have_the_same_keys(stem: str) -> None:
    english = yaml.safe_load((LABELS / f"{stem}en.yml").read_text(encoding="utf-8"))
    indonesian = yaml.safe_load((LABELS / f"{stem}id.yml").read_text(encoding="utf-8"))
    assert sorted(set(english) - set(indonesian)) == [], "missing in Indonesian"
    assert sorted(set(indonesian) - set(english)) == [], "missing in English"
    assert all(isinstance(v, str) and v.strip() for v in [*english.values(), *indonesian.values()])
    for key in english:  # the same placeholders in both languages
        assert set(re.findall(r"{(\w+)}", english[key])) == set(re.findall(r"{(\w+)}", indonesian[key])), key


def test_every_label_is_used() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in [*TEMPLATES.glob("*.j2"), REPO / "generator" / "pages.py", REPO / "generator" / "site.py", REPO / "generator" / "plugin.py"])
    english = yaml.safe_load((LABELS / "en.yml").read_text(encoding="utf-8"))
    prefixes = ("kind_", "col_", "field_", "raci_", "goal_", "focus_", "purpose_", "theme_kind_", "layer_",
                "platform_", "charter_", "nav_", "minutes", "hours", "days")
    unused = [k for k in english if not k.startswith(prefixes) and f'"{k}"' not in source and f"'{k}'" not in source]
    assert not [k for k in unused if not k.endswith(("_title", "_about"))], unused


def test_indonesian_labels(sample_id: Output) -> None:
    text = sample_id.files["roles/community-manager.md"]
    for label in ("## Tanggung jawab", "**Melapor kepada:**", "## Minggu pertama Anda", "Bertanggung jawab akhir atas"):
        assert label in text
    assert "Responsibilities" not in text and "Reports to" not in text
    assert "# Matriks RACI" in sample_id.files["raci/index.md"]
    assert list(sample_id.navigation()[0]) == ["Organisasi"]


# --- the template environment ---------------------------------------------------------------


def test_templates_start_with_a_comment_naming_their_context() -> None:
    for template in TEMPLATES.glob("*.j2"):
        head = template.read_text(encoding="utf-8").lstrip()
        assert head.startswith("{#"), template.name
        assert "Context" in head.split("#}", 1)[0], template.name


def test_environment_refuses_unescaped_text() -> None:
    env = pages_module.environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.trim_blocks and env.lstrip_blocks and env.keep_trailing_newline
    template = env.from_string("{{ value }}")
    with pytest.raises(TypeError, match="without escaping"):
        template.render(value="<b>")
    assert template.render(value=md_text("<b>")) == "&lt;b&gt;"
    assert template.render(value=3) == "3"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


# --- escaping helpers -----------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "R&D <Team>",
    "[click](javascript:alert(1))",
    "[click]( JaVa\tScRiPt:alert(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "`code` then <b>bold</b>",
    "`unclosed <i>x</i>",
    "\\`<img src=x onerror=alert(1)>`",
    "`x\n# <script>alert(1)</script>`",
    "para {: onclick=\"alert(1)\" }",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "<https://example.com/a&b> <http://x<script>>",
    "&lt;script&gt; | pipe | [brackets] *stars* _under_ #hash",
    "<!-- comment --> <?php ?> <![CDATA[x]]>",
    "☕ Kopi susu gula aren 🇮🇩, “quotes”",
]


ALLOWED_TAGS = {
    "p", "h1", "h2", "h3", "a", "code", "pre", "strong", "em", "ul", "ol", "li", "blockquote", "hr", "br",
    "table", "thead", "tbody", "tr", "th", "td", "div", "span",
}
"""What Markdown makes of text, plus the share bars' div and span: nothing from the data."""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment {data}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"processing instruction {data}")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"declaration {data}")


def assert_no_markup_from_data(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    assert not parser.other, parser.other
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, html)
            if name == "data-search-exclude":  # ours: unindexed sections' headings, index pages' tables,
                # the templates' review line and role facts (a span, its paragraph or list item), RACI's list
                assert tag in ("h2", "h3", "h4", "h5", "h6", "table", "span", "p", "li", "div") and not value, (tag, html)
                continue
            assert name in ("href", "id", "class", "style", "role", "aria-label", "title", "align", "scope"), (tag, name, html)
            if name == "href":
                assert not re.sub(r"[\x00-\x20]", "", value or "").lower().startswith(("javascript:", "data:", "vbscript:")), html


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("escape", [md_text, md_inline, md_block])
def test_escaping_lets_no_markup_through(escape, text: str) -> None:
    result = escape(text)
    assert isinstance(result, Md)
    html = html_of(result)
    assert_no_markup_from_data(html)
    table = html_of(f"| h |\n| --- |\n| {md_inline(text)} |\n")
    assert_no_markup_from_data(table)
    assert table.count("<td>") == 1


def test_md_text_shows_text_exactly_once_escaped() -> None:
    for text in ["R&D <Team>", "[a] *b* _c_ #d | e {f} `g` \\h !i", "1. not a list", "- not a list", "+ plus", "C# & F#"]:
        html = html_of(f"# {md_text(text)}")
        inner = re.search(r"<h1[^>]*>(.*)</h1>", html).group(1)
        assert inner == text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), (text, inner)
    assert md_text("a\n  b") == "a b"


def test_md_block_keeps_markdown() -> None:
    html = html_of(md_block("**bold** and *em*, a [link](https://example.com/a_(b)), `a < b`\n\n- one\n- two\n\n> quoted"))
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert '<a href="https://example.com/a_(b)">link</a>' in html
    assert "<code>a &lt; b</code>" in html
    assert "<li>one</li>" in html and "<blockquote>" in html
    fenced = html_of(md_block("before\n\n```yaml\nkey: <value> & *x*\n```\n\nafter"))
    assert "<pre><code>key&#58; &lt;value&gt; &amp; &#42;x&#42;</code></pre>" in fenced
    assert '<a href="https://example.com/?a=1&amp;b=2">' in html_of(md_block("<https://example.com/?a=1&b=2>"))


def test_md_inline_fits_a_table_cell() -> None:
    cell = md_inline("first line | with pipe\nsecond `a|b` line")
    assert "\n" not in cell
    html = html_of(f"| h |\n| --- |\n| {cell} |\n")
    assert html.count("<td>") == 1 and "with pipe" in html and "<code>a&#124;b</code>" in html


def test_md_url_and_html_text() -> None:
    assert md_url("https://example.com/a (b)") == "https://example.com/a%20%28b%29"
    assert md_url("javascript:alert(1)") == "#"
    assert md_url("mailto:care@example.com") == "mailto:care@example.com"
    assert html_text('"R&D" <Team>') == "&quot;R&amp;D&quot; &lt;Team&gt;"


# --- a hostile playbook, end to end ----------------------------------------------------------


def write_hostile_project(root: Path, title: str = "R&D <Team>") -> Path:
    """A small playbook whose every text field is hostile, but which validates."""

    def put(path: str, data: dict) -> None:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    evil = "<script>alert('x')</script> **bold** [js](javascript:alert(1)) {: onclick=alert(1) } | pipe"
    long_title = "Sangat panjang " * 3 + "☕🇮🇩"  # near the 60-character limit
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text("site_name: Hostile\n", encoding="utf-8")
    put("org/organization.yml", {
        "name": "Kopi <b>Evil</b> & Co", "summary": evil, "description": evil,
        "charter": {"purpose": evil, "strategy": "`<i>code</i>`", "placement": "[x](javascript:alert(1))"},
        "hub": "rnd",
    })
    put("org/departments/rnd.yml", {"title": title, "summary": evil, "description": evil, "lead": "boss", "share": 60})
    put("org/departments/ops.yml", {"title": "[Ops](javascript:alert(1)) | x", "summary": "Ops", "parent": "rnd", "share": 40})
    put("org/roles/boss.yml", {
        "title": "<img src=x onerror=alert(1)>", "summary": evil, "department": "rnd",
        "responsibilities": [evil, "Line one\nline two <u>under</u>"], "skills": ["<b>"], "qualifications": [evil],
        "kpis": [{"metric": "reach", "target": "<script>1</script>"}], "onboarding": [evil],
    })
    put("org/roles/helper.yml", {
        "title": long_title, "summary": "Emoji ☕ and Indonesian: tanggung jawab", "department": "ops",
        "reports_to": "boss", "responsibilities": ["Bantu <tim>"],
    })
    put("playbook/metrics/reach.yml", {"title": "Reach </title><script>alert(1)</script>", "summary": evil, "layer": "media", "source": evil})
    put("playbook/channels/ig.yml", {
        "title": "IG \"quoted\" 'single'", "summary": evil, "platform": "instagram", "handle": "@<evil>",
        "url": "https://example.com/?q=<x>&y=1".replace("<", "").replace(">", ""), "purpose": "brand",
        "owner": "boss", "operators": ["helper"], "voice": evil, "audience": evil, "response_time": "1h",
        "objectives": ["grow"],
    })
    put("playbook/objectives/grow.yml", {
        "title": "Grow `fast` *now*", "summary": evil, "goal": "branding", "focus": "acquisition",
        "raci": {"accountable": "boss", "responsible": ["rnd"], "consulted": ["helper"], "informed": ["ops"]},
        "kpis": [{"metric": "reach", "target": evil}],
    })
    put("playbook/themes/t.yml", {
        "title": "Theme # {x}", "summary": evil, "kind": "educational", "objectives": ["grow"], "channels": ["ig"],
        "owner": "helper", "cadence": evil, "formats": ["<b>reel</b>"], "hashtags": ["#<tag>"], "examples": [evil],
    })
    put("playbook/workflows/w.yml", {
        "title": "Flow <svg onload=alert(1)>", "summary": evil, "trigger": evil, "objective": "grow",
        "steps": [{"by": "helper", "action": evil, "within": "15m", "to": "boss"}, {"by": "boss", "action": "Done"}],
    })
    return root


def test_hostile_playbook_is_escaped_everywhere(tmp_path: Path) -> None:
    root = write_hostile_project(tmp_path)
    out = generate(root, diagrams=False)
    assert not out.result.errors, [str(p) for p in out.result.errors]
    for text in out.files.values():
        html = html_of(text)
        assert_no_markup_from_data(html)
    department = out.files["departments/rnd.md"]
    assert department.startswith("# R&amp;D &lt;Team&gt;\n")
    assert "R&amp;D &lt;Team&gt;" in html_of(department)
    org = out.files["organization/index.md"]
    assert '<span class="playbook-share__label">R&amp;D &lt;Team&gt;</span>' in org
    assert "[\\[Ops\\](javascript:alert(1)) \\| x](../departments/ops.md)" in org


# --- playbook export --------------------------------------------------------------------------


def test_export_writes_the_generated_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime
    import json

    from click.testing import CliRunner

    from generator.cli import main
    from generator.review import history

    monkeypatch.setenv("PLAYBOOK_TODAY", "2026-12-01")  # the calendar and review dates, as the site has them
    target = tmp_path / "out"
    result = CliRunner().invoke(main, ["export", "-f", str(REPO / "mkdocs.yml"), "--no-diagrams", str(target)])
    assert result.exit_code == 0, result.output
    written = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    expected = generate(REPO, diagrams=False, today=datetime.date(2026, 12, 1), changed=history(REPO))
    assert "calendar/index.md" in written and "calendar/playbook.ics" in written
    assert written == {*expected.files, "_sources.json", ".playbook-output"}
    assert (target / "roles" / "ceo.md").read_text(encoding="utf-8") == expected.files["roles/ceo.md"]
    assert json.loads((target / "_sources.json").read_text(encoding="utf-8"))["roles/ceo.md"] == "org/roles/ceo.yml"


def test_export_refuses_to_write_into_docs(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["export", "-f", str(REPO / "mkdocs.yml"), str(REPO / "docs" / "generated")])
    assert result.exit_code == 2
    assert "refusing to write the playbook export output into" in result.output
    assert not (REPO / "docs" / "generated").exists()


def test_large_raci_is_listed_not_a_matrix(tmp_path: Path) -> None:
    """Above 40 parties the RACI page lists parties per objective, so it grows linearly."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from synth import write

    from generator.pages import RACI_MATRIX_COLUMNS, render_pages
    from generator.project import validate

    project = write(400, tmp_path / "big")
    result = validate(project)
    assert result.errors == [] and result.warnings == []
    pages = render_pages(result.playbook, get_labels("en"))
    raci = pages["raci/index.md"].markdown
    widest = max(line.count(" | ") for line in raci.splitlines() if line.startswith("|"))
    assert widest <= RACI_MATRIX_COLUMNS
    assert "too many for one readable matrix" in raci
    objective = next(iter(result.playbook.objectives.values()))
    roles_section = raci.split("\n## Roles\n", 1)[1]
    row = next(line for line in roles_section.splitlines() if line.startswith("| [") and f"/{objective.id}.md)" in line)
    cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
    assert f"../roles/{objective.raci.accountable}.md" in cells[1]


def test_home_block_links_every_role_workflow_and_answer(sample: Output, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first-day block: every role under its department, every workflow by its trigger, the
    charter's purpose by its anchor; departments open on a small organization, closed on a big one."""
    from generator.pages import home_section

    playbook = sample.result.playbook
    text = home_section(playbook, get_labels("en"))
    for role in playbook.roles.values():
        assert f'<li><a href="roles/{role.id}.md">{html_text(role.title)}</a></li>' in text
    for workflow in playbook.workflows.values():
        assert f"[{md_text(workflow.title)}](workflows/{workflow.id}.md): " in text
    assert "(organization/index.md#purpose-why-we-are-on-social-media)" in text  # the heading's anchor
    assert "## Your first week" in sample.files["roles/community-manager.md"]  # the section the block names
    assert text.count("<details class=\"playbook-find__group\" open>") == text.count("<details") > 0
    monkeypatch.setattr(pages_module, "HOME_OPEN_ROLES", len(playbook.roles) - 1)
    assert " open>" not in home_section(playbook, get_labels("en"))
    # links one folder down when the marker sits on a page in a folder
    assert '<a href="../roles/ceo.md">' in home_section(playbook, get_labels("en"), "guide/start.md")


def test_home_block_escapes_what_comes_from_yaml(sample: Output) -> None:
    from generator.pages import home_section

    playbook = sample.result.playbook
    role = playbook.roles["ceo"]
    playbook.roles["ceo"] = role.model_copy(update={"title": '<img src=x onerror="alert(1)"> & CEO'})
    try:
        text = home_section(playbook, get_labels("en"))
    finally:
        playbook.roles["ceo"] = role
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; CEO" in text
    assert "<img" not in text


@pytest.mark.parametrize("index", ["docs/index.md", "generator/scaffold/docs/index.md"])
def test_home_pages_place_the_marker(index: str) -> None:
    """The sample's and the scaffold's home pages ask for the first-day block, on a line of its own."""
    from generator.pages import HOME_MARKER

    assert f"\n{HOME_MARKER}\n" in (REPO / index).read_text(encoding="utf-8")
