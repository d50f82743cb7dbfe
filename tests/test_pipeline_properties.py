"""The whole pipeline on generated organizations: validate, then either located errors or a
site (and an export) with nothing active in it.

Hypothesis draws small organizations whose ids, nesting, references and text vary: text
mixes Markdown, HTML, URLs with every scheme, template syntax, quotes, emoji and Indonesian,
up to the model's length limits. Every example must either fail validation with problems
located in files that exist, at lines that exist, or build with a real `mkdocs build`
(diagrams included) without an exception, and leave no script, event handler or
non-allowed URL scheme in any page or exported Markdown file.

`make test` runs a few examples (`PLAYBOOK_PIPELINE_EXAMPLES`, default 8); a longer run:
`PLAYBOOK_PIPELINE_EXAMPLES=300 .venv/bin/python -m pytest tests/test_pipeline_properties.py`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator.model import TEXT_MAX, TITLE_MAX
from generator.project import validate
from generator.site import generate

from .active_content import markdown_problems, site_problems
from .test_hostile import MKDOCS_YML

EXAMPLES = int(os.environ.get("PLAYBOOK_PIPELINE_EXAMPLES", "8"))

ids = st.from_regex(r"[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
HOSTILE_PIECES = [
    "[x](javascript:alert(1))", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "[ref]: javascript:alert(2)", "[ref]:\n  javascript:alert(3)", "> [q]: vbscript:x", "- [l]: data:text/html,x",
    "1. [o]: javascript:y", "!!! note\n    [a]: javascript:z", "{{ 7*7 }}", "{% raw %}", "| a | b |", "**bold**",
    "`code`", "\\", "&amp; &lt;", '"quoted" \'single\'', "☕ kopi susu", "tanggung jawab", "http://x.y/?a=1&b=<2>",
    "<a href='javascript:1'>a</a>", "\u202e", "  indented", "#heading", "*", "_", "~~", "[[wiki]]", "<!-- c -->",
    "\ttab", "line\nbreak", "<svg onload=alert(1)>", "javascript:alert(1)", "mailto:a@b.c", "</textarea>",
]
words = st.sampled_from(["Kopi", "Nusantara", "Care", "Lead", "Head of IT", "Tim", "Media", "x"])
piece = st.one_of(st.sampled_from(HOSTILE_PIECES), words, st.text(min_size=1, max_size=12))


def text(limit: int) -> st.SearchStrategy[str]:
    """Text made of pieces, sometimes near the limit; leading/trailing space trimmed (YAML would)."""
    joined = st.lists(piece, min_size=1, max_size=6).map(" ".join)
    long = st.integers(limit - 20, limit).map(lambda n: ("Panjang " * 60)[:n].strip() or "x")
    return st.one_of(joined, joined, long).map(lambda s: s.strip() or "x")


titles, lines = text(TITLE_MAX), text(TEXT_MAX)
urls = st.sampled_from(["https://example.com/kopi", "mailto:care@example.com", "https://x.y/?a=1&b=%3C2%3E",
                        "javascript:alert(1)", "http://x.y/\"onmouseover=alert(1)"])


@st.composite
def organizations(draw: st.DrawFn) -> dict[str, Any]:
    """A small organization: nested departments, a reporting tree, and one of every other kind."""
    names = draw(st.lists(ids, min_size=4, max_size=9, unique=True).filter(lambda n: "index" not in n))
    departments, roles = names[: max(1, len(names) // 3)], names[max(1, len(names) // 3) :]
    files: dict[str, Any] = {"org/organization.yml": {"name": draw(titles), "summary": draw(lines),
                                                      "hub": departments[0]}}
    for index, dept in enumerate(departments):
        data: dict[str, Any] = {"title": draw(titles), "summary": draw(lines), "description": draw(lines)}
        if index:
            data["parent"] = departments[draw(st.integers(0, index - 1))]
        files[f"org/departments/{dept}.yml"] = data
    for index, role in enumerate(roles):
        data = {"title": draw(titles), "summary": draw(lines), "department": draw(st.sampled_from(departments)),
                "responsibilities": draw(st.lists(lines, min_size=1, max_size=3)),
                "onboarding": draw(st.lists(lines, max_size=2)),
                "kpis": [{"metric": "reach", "target": draw(lines)}]}
        if index:
            data["reports_to"] = roles[draw(st.integers(0, index - 1))]
        files[f"org/roles/{role}.yml"] = data
    parties = st.sampled_from(roles + departments)
    files["playbook/metrics/reach.yml"] = {"title": draw(titles), "summary": draw(lines), "layer": "media",
                                           "source": draw(lines)}
    files["playbook/objectives/awareness.yml"] = {
        "title": draw(titles), "summary": draw(lines), "goal": "branding",
        "raci": {"accountable": roles[0], "responsible": [draw(parties)],
                 "consulted": [draw(st.sampled_from(roles + departments))]},  # sometimes a second letter: an error
        "kpis": [{"metric": "reach", "target": draw(lines)}],
    }
    files["playbook/channels/main.yml"] = {
        "title": draw(titles), "summary": draw(lines), "platform": "instagram", "purpose": "brand",
        "owner": roles[0], "operators": roles[1:3], "url": draw(urls), "voice": draw(lines),
        "objectives": ["awareness"], "handle": draw(lines),
    }
    files["playbook/themes/stories.yml"] = {"title": draw(titles), "summary": draw(lines), "kind": "informative",
                                            "objectives": ["awareness"], "channels": ["main"],
                                            "hashtags": draw(st.lists(lines, max_size=2))}
    steps = [{"by": draw(parties), "action": draw(lines), **({"to": draw(parties)} if draw(st.booleans()) else {}),
              **({"within": draw(st.sampled_from(["15m", "2h", "3d"]))} if draw(st.booleans()) else {})}
             for _ in range(draw(st.integers(1, 4)))]
    files["playbook/workflows/flow.yml"] = {"title": draw(titles), "summary": draw(lines), "trigger": draw(lines),
                                            "objective": "awareness", "steps": steps}
    return files


def write(root: Path, files: dict[str, Any]) -> None:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "mkdocs.yml").write_text(MKDOCS_YML)
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def mkdocs_build(root: Path, site: Path) -> str:
    """A real build in-process; the log, for the failure message."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        try:
            build(config)
        finally:
            with contextlib.suppress(MkDocsException):
                config.plugins.on_shutdown()
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
    return stream.getvalue()


def assert_located(root: Path, result: Any) -> None:
    for problem in result.problems:
        where = root / problem.location.path
        assert where.exists(), f"{problem} names a file that does not exist"
        if where.is_file():
            count = len(re.split("\r\n|\r|\n", where.read_text(encoding="utf-8")))
            assert 1 <= problem.location.line <= count, f"{problem}: the file has {count} lines"


@settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 20,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(organizations())
def test_an_organization_validates_with_located_errors_or_builds_without_active_content(files: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "project"
        write(root, files)
        result = validate(root)
        assert_located(root, result)
        if result.errors:
            event("failed validation with located errors")
            return
        event("built")
        log = mkdocs_build(root, Path(work) / "site")
        assert site_problems(Path(work) / "site") == {}, log
        exported = generate(root, language="en").exported()
        for path, content in exported.items():
            if path.endswith(".md"):
                assert markdown_problems(content) == [], path
