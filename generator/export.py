"""`playbook export DIR --for zensical|mkdocs|plain`: the whole site as a folder another static
site generator builds without our plugin, for an organization that moves off Material for
MkDocs (its end of life is 2027-05-05) or publishes the pages somewhere else.

What the folder holds, for every target:

- `docs/`: the hand-written pages (copied from the docs folder, a home page's first-day marker
  filled as the plugin fills it) and every generated page and diagram. Links between pages are relative `.md` links, which Zensical and MkDocs turn into
  the page's address; they work at any sub-path because nothing is absolute.
- an `edit_url` in the front matter of every page: the YAML file behind a generated page, the
  Markdown file behind a hand-written one (both from `edit_uri` in mkdocs.yml).
- the navigation, as the target reads it: `zensical.toml` (Zensical), `mkdocs.yml` (MkDocs
  with Material, no plugin) or `docs/SUMMARY.md` (a Markdown list, for anything else).

Links inside the diagrams: Zensical rewrites every relative link of a page's raw HTML as
relative to its Markdown file (an address such as `../../roles/x/` would get one `../` too
many), so its inline figures keep the `.md` form; MkDocs leaves raw HTML alone, so for it they
are written as the pages' directory addresses (`../../roles/x/`); the standalone `.svg` files
are published as they are by both, so they carry the addresses for both. For both, `overrides/partials/actions.html` makes the edit
button follow the page's `edit_url` (both themes ignore it otherwise). For `plain` every link
keeps naming the `.md` file, which is what a Markdown reader (a code host's file view) follows.

Pure: the caller writes the files. Nothing here imports mkdocs.
"""

from __future__ import annotations

import html
import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from .diagrams.render import relative, retarget
from .escape import toml_string, url_path, url_text
from .labels import Labels
from .pages import HOME_LINE, MD_HREF, fill_slots, home_section, home_unindexed
from .reference import PAGE_PATH as REFERENCE_PATH
from .site import Output

TARGETS = ("zensical", "mkdocs", "plain")
"""What `--for` accepts."""
DIAGRAM_SCRIPT = "assets/javascripts/playbook-diagrams.js"
"""Where the diagrams' zoom and find script goes, as the plugin publishes it."""
OVERRIDE = "overrides/partials/actions.html"
EXPORT_CSS = "assets/stylesheets/playbook-export.css"
"""The export's own stylesheet, after the playbook's (`EXPORT_STYLESHEET`)."""
EXPORT_STYLESHEET = """\
/* playbook export: a diagram's boxes and labels are links drawn as boxes, not running text.
   Zensical's theme underlines every link in a page's content (Material does not), which put a
   line under every label of every diagram. */
.md-typeset .playbook-diagram svg a,
.md-typeset .playbook-diagram svg a:hover,
.md-typeset .playbook-diagram svg a:focus {
  text-decoration: none;
}
"""
LEFT_OUT_SETTINGS = ("plugins", "nav", "docs_dir", "site_dir", "validation", "hooks", "INHERIT", "watch")
"""mkdocs.yml settings not carried into the target's config: the target has no playbook plugin,
and the folders are the export's own."""

SEARCH_EXTENSIONS = ("attr_list", "md_in_html")
"""Markdown extensions the export's config turns on so that the search marks take effect:
`attr_list` for `{ data-search-exclude }` on a heading, `md_in_html` for the `<div
data-search-exclude markdown="1">` around a Markdown table. YAML text cannot use either: the
escapers write `{`, `}` and `<` as text (escape.py)."""
EXCLUDE_MARK = " { data-search-exclude }"
"""attr_list's mark on a heading: Zensical and Material leave the heading's section out of search."""

ACTIONS_TEMPLATE = """\
{#- playbook export: the edit button opens the file behind the page, named by the page's
    front matter (edit_url: the YAML of a generated page); else the theme's own edit_url -#}
{% set edit = (page.meta and page.meta.edit_url) or page.edit_url %}
{% if edit and "content.action.edit" in features %}
  <a href="{{ edit }}" title="{{ lang.t('action.edit') }}" class="md-content__button md-icon" rel="edit">
    {% set icon = config.theme.icon.edit or "material/file-edit-outline" %}
    {% include ".icons/" ~ icon ~ ".svg" %}
  </a>
{% endif %}
"""


@dataclass(frozen=True)
class Export:
    """The files of an export: relative path -> text, or bytes for copied files."""

    files: dict[str, str | bytes]


def page_url(path: str) -> str:
    """A page's directory address as both targets publish it: `roles/x.md` -> `roles/x/`,
    `roles/index.md` -> `roles/`, `index.md` -> ``; any other file keeps its path."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _urls_from(here: str) -> Callable[[str], str]:
    """Generated file -> its address relative to the address of the generated file `here`."""
    here_url = page_url(here)
    folder = here_url if here_url.endswith("/") or not here_url else posixpath.dirname(here_url) + "/"
    return lambda target: relative(page_url(target), folder)


def _addressed_figure(output: Output, here: str) -> Callable[[str], str]:
    """Diagram key -> its figure for the page `here`, links as the pages' addresses."""
    urls = _urls_from(here)
    return lambda key: retarget(output.figures[key], here, urls)


def generated_files(output: Output, target: str) -> dict[str, str]:
    """Every generated page and diagram, figures in place, links in the target's form."""
    files = output.exported()  # figures in place, links relative to the page's .md file
    if target == "plain":
        return files
    if target == "mkdocs":  # MkDocs leaves links in raw HTML as they are: write the addresses
        for path, page in output.pages.items():
            if page.diagrams:
                files[path] = fill_slots(page.markdown, page.diagrams, _addressed_figure(output, path))
    for path, svg in output.svgs.items():  # published as they are by both: the addresses
        files[path] = retarget(svg, path, _urls_from(path))
    return files


def with_home(markdown: str, output: Output, here: str, target: str, labels: Labels) -> str:
    """The hand-written page `here` with its first-day block in place of `HOME_MARKER`, as the
    plugin fills it: the role list's links (raw HTML) name the `.md` files, which Zensical and
    a Markdown reader follow; MkDocs leaves raw HTML alone, so for it they become addresses."""
    playbook = output.result.playbook
    if playbook is None:
        return markdown
    block = home_section(playbook, labels, here)
    if target == "mkdocs":
        urls, folder = _urls_from(here), posixpath.dirname(here)
        block = MD_HREF.sub(lambda m: f'href="{urls(posixpath.normpath(posixpath.join(folder, m.group(1))))}"', block)
    return HOME_LINE.sub(lambda _m: block, markdown, 1)


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MD_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\([^)]*\)")
_FIGURE = '<figure class="playbook-diagram"'


def heading_text(markdown: str) -> str:
    """A heading's Markdown as the plain text its table-of-contents entry shows (what
    `Page.unindexed` names): links reduced to their text, escapes and entities undone."""
    text = _MD_LINK.sub(r"\1", markdown)
    text = re.sub(r"\\(.)", r"\1", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def search_marked(markdown: str, unindexed: Iterable[str]) -> str:
    """`markdown` with the search marks the plugin puts into a page's HTML (`_unindexed` in
    plugin.py), written into the Markdown for a generator without our plugin, from the same
    `Page.unindexed`: each heading it names, and every heading under those, gets `{
    data-search-exclude }`; a page whose own title (its one `#` heading) it names keeps its title
    and introduction but not its tables (each Markdown table goes into a `<div
    data-search-exclude markdown="1">`, each HTML table gets the mark); a paragraph or list item
    that is one excluded span (the review line, a role's facts) is marked whole, so no empty one
    is indexed; and every diagram's figure is marked, as the plugin puts figures in only after
    search has read the page."""
    wanted = set(unindexed)
    lines = markdown.split("\n")
    headings, blocks = _marked_lines(lines)
    titles = [text for _, level, text in headings if level == 1]
    tables = len(titles) == 1 and titles[0] in wanted
    if tables:
        wanted.discard(titles[0])
    open_levels: list[tuple[int, bool]] = []
    for index, level, text in headings:
        while open_levels and open_levels[-1][0] >= level:
            open_levels.pop()
        excluded = bool(open_levels and open_levels[-1][1]) or text in wanted
        open_levels.append((level, excluded))
        if excluded:
            lines[index] += EXCLUDE_MARK
    for index in blocks:  # attr_list reads a mark on the block's next line as the block's own
        lines[index] += "\n" + (" " * (len(lines[index]) - len(lines[index].lstrip("- ")))) + EXCLUDE_MARK.lstrip()
    text = "\n".join(_tables_marked(lines) if tables else lines)
    return text.replace(_FIGURE, _FIGURE + " data-search-exclude")


_EXCLUDED_BLOCK = re.compile(r"^(- )?<span data-search-exclude>.*</span>$")
"""A paragraph or list item that is one span search skips (plugin.py's `_EXCLUDED_BLOCK`)."""


def _marked_lines(lines: list[str]) -> tuple[list[tuple[int, int, str]], list[int]]:
    """Outside front matter and fenced code: (line index, level, plain text) of every ATX
    heading, and the index of every line that is one excluded span."""
    headings, blocks, fence = [], [], ""
    start = 0
    if lines and lines[0] == "---":
        start = next((i + 1 for i in range(1, len(lines)) if lines[i] == "---"), 0)
    for index in range(start, len(lines)):
        line = lines[index]
        opened = _FENCE.match(line)
        if fence:
            fence = "" if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) else fence
            continue
        if opened:
            fence = opened.group(1)
        elif match := _HEADING.match(line):
            headings.append((index, len(match.group(1)), heading_text(match.group(2))))
        elif _EXCLUDED_BLOCK.match(line):
            blocks.append(index)
    return headings, blocks


def _tables_marked(lines: list[str]) -> list[str]:
    """Lines with every Markdown table (a run of lines opening with `|`) in an excluded block,
    and every HTML table tag marked."""
    out: list[str] = []
    inside = False
    for line in lines:
        is_row = line.startswith("|")
        if is_row and not inside:
            out += ['<div data-search-exclude markdown="1">', ""]
        elif inside and not is_row:
            out += ["", "</div>"]
        inside = is_row
        out.append(line.replace("<table>", "<table data-search-exclude>"))
    if inside:
        out += ["", "</div>"]
    return out


def edit_base(settings: dict[str, Any]) -> str | None:
    """The address edit links start from: `edit_uri`, joined to `repo_url` when it is relative."""
    edit_uri, repo_url = settings.get("edit_uri"), settings.get("repo_url")
    if not isinstance(edit_uri, str) or not edit_uri:
        return None
    if urlsplit(edit_uri).scheme:
        return edit_uri
    if isinstance(repo_url, str) and repo_url:
        return repo_url.rstrip("/") + "/" + edit_uri.lstrip("/")
    return None


def edit_url(base: str, file: Path, docs_dir: Path) -> str:
    """The edit address of `file` (a YAML source or a hand-written page), as the plugin makes
    it: relative to the docs folder under `base`, `docs/../org/` folded to `org/`."""
    joined = base.rstrip("/") + "/" + url_path(Path(os.path.relpath(file, docs_dir)).as_posix())
    parts = urlsplit(joined)
    return url_text(urlunsplit(parts._replace(path=posixpath.normpath(parts.path))))


_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)?---\n", re.S)


def with_edit_url(markdown: str, url: str) -> str:
    """`markdown` with `edit_url: <url>` in its front matter (added, or started)."""
    line = f"edit_url: {json.dumps(url)}\n"
    match = _FRONT_MATTER.match(markdown)
    if match is None:
        return f"---\n{line}---\n\n{markdown}"
    meta = yaml.safe_load(match.group(1) or "") or {}
    if isinstance(meta, dict) and "edit_url" in meta:
        return markdown
    return f"---\n{line}{markdown[4:]}"


def _title_of_folder(name: str) -> str:
    """A folder's title as MkDocs gives it in an automatic navigation."""
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def _sort_key(path: str) -> tuple[Any, ...]:
    """MkDocs' order of files: by folder, each folder's index first."""
    parts = PurePosixPath(path).parts
    return (parts[:-1], PurePosixPath(path).stem != "index", parts[-1])


def _nest(paths: Iterable[str]) -> list[Any]:
    """Paths as MkDocs nests them in its automatic navigation: `[path, {Folder: [...]}]`."""
    nested: list[Any] = []
    for path in paths:
        branch = nested
        for part in PurePosixPath(path).parent.parts:
            title = _title_of_folder(part)
            node = next((n for n in branch if isinstance(n, dict) and title in n), None)
            if node is None:
                node = {title: []}
                branch.append(node)
            branch = node[title]
        branch.append(path)
    return nested


def navigation(output: Output, hand_written: Iterable[str], labels: Labels) -> list[Any]:
    """The navigation the plugin gives the site: the hand-written pages in MkDocs' order with
    the generated sections after the home page (the format reference in the guide's folder)."""
    pages = sorted({*(p for p in hand_written if p.endswith(".md")), REFERENCE_PATH}, key=_sort_key)
    nav = _nest(pages)
    home = 1 if nav and nav[0] == "index.md" else 0
    nav[home:home] = output.navigation(labels)
    return nav


def _titled(nav: list[Any], title: Callable[[str], str]) -> list[Any]:
    """The same navigation with a title on every page (TOML and Markdown lists need one)."""
    out: list[Any] = []
    for entry in nav:
        if isinstance(entry, str):
            out.append({title(entry): entry})
        else:
            ((name, value),) = entry.items()
            out.append({name: _titled(value, title) if isinstance(value, list) else value})
    return out


def summary_markdown(nav: list[Any], depth: int = 0) -> str:
    """A titled navigation as a nested Markdown list of links."""
    lines = []
    for entry in nav:
        ((name, value),) = entry.items()
        label = str(name).replace("[", "\\[").replace("]", "\\]")
        if isinstance(value, list):
            lines.append(f"{'    ' * depth}- {label}\n{summary_markdown(value, depth + 1)}")
        else:
            lines.append(f"{'    ' * depth}- [{label}]({url_path(value)})\n")
    return "".join(lines)


def toml_value(value: Any) -> str | None:
    """A value as TOML (arrays and inline tables); None for what TOML cannot hold (null)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        items = [toml_value(v) for v in value]
        return "[" + ", ".join(i for i in items if i is not None) + "]"
    if isinstance(value, dict):
        pairs = [(toml_string(str(k)), toml_value(v)) for k, v in value.items()]
        return "{ " + ", ".join(f"{k} = {v}" for k, v in pairs if v is not None) + " }"
    return None


def site_config(settings: dict[str, Any], nav: list[Any]) -> dict[str, Any]:
    """The playbook's mkdocs.yml settings for a site without the plugin: the export's docs
    folder, its navigation, the edit-button override and the diagram script."""
    config = {k: v for k, v in settings.items() if k not in LEFT_OUT_SETTINGS and v is not None}
    config["docs_dir"] = "docs"
    theme = dict(config.get("theme") or {}) if isinstance(config.get("theme"), dict) else {"name": "material"}
    theme["custom_dir"] = "overrides"
    config["theme"] = theme
    scripts = [s for s in settings.get("extra_javascript") or [] if isinstance(s, str)]
    config["extra_javascript"] = [*scripts, DIAGRAM_SCRIPT]
    config["extra_css"] = [*(s for s in settings.get("extra_css") or [] if isinstance(s, str)), EXPORT_CSS]
    extensions = list(settings.get("markdown_extensions") or [])
    named = {e if isinstance(e, str) else next(iter(e), None) for e in extensions if isinstance(e, (str, dict))}
    config["markdown_extensions"] = [*extensions, *(e for e in SEARCH_EXTENSIONS if e not in named)]
    plugins = [p for p in settings.get("plugins") or [] if p != "playbook" and not (isinstance(p, dict) and "playbook" in p)]
    if plugins:
        config["plugins"] = plugins
    config["nav"] = nav
    return config


def zensical_toml(config: dict[str, Any]) -> str:
    lines = ["# Written by playbook export --for zensical; build with: zensical build -f zensical.toml", "[project]"]
    for key, value in config.items():
        if key == "plugins":  # Zensical runs no MkDocs plugins; its search is built in
            continue
        text = toml_value(value)
        if text is not None:
            lines.append(f"{toml_string(key)} = {text}")
    return "\n".join(lines) + "\n"


def mkdocs_yml(config: dict[str, Any]) -> str:
    head = "# Written by playbook export --for mkdocs; build with: mkdocs build -f mkdocs.yml\n"
    return head + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)


def export(
    output: Output, target: str, settings: dict[str, Any], docs_dir: Path, labels: Labels, root: Path,
    script: str,
) -> Export:
    """The export folder for `target` (one of TARGETS), as `{relative path: content}`."""
    base = edit_base(settings)
    files: dict[str, str | bytes] = {}
    hand_written = sorted(
        p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ) if docs_dir.is_dir() else []
    marked = target != "plain"  # a code host's file view would show the marks as text
    for rel in hand_written:
        data = (docs_dir / rel).read_bytes()
        if rel.endswith(".md") and HOME_LINE.search(data.decode("utf-8")):
            home = with_home(data.decode("utf-8"), output, rel, target, labels)
            data = (search_marked(home, home_unindexed(labels)) if marked else home).encode("utf-8")
        if rel.endswith(".md") and base:
            data = with_edit_url(data.decode("utf-8"), edit_url(base, docs_dir / rel, docs_dir)).encode("utf-8")
        files[f"docs/{rel}"] = data
    for path, text in generated_files(output, target).items():
        page = output.pages.get(path)
        if page is not None and marked:
            text = search_marked(text, page.unindexed)
        if page is not None and page.source and base:
            text = with_edit_url(text, edit_url(base, root / page.source, docs_dir))
        files[f"docs/{path}"] = text
    nav = navigation(output, hand_written, labels)
    titles = {path: page.title for path, page in output.pages.items()}
    titled = _titled(nav, lambda path: titles.get(path) or _page_title(docs_dir / path))
    if target == "plain":
        files["docs/SUMMARY.md"] = summary_markdown(titled)
    else:
        files[f"docs/{DIAGRAM_SCRIPT}"] = script
        files[f"docs/{EXPORT_CSS}"] = EXPORT_STYLESHEET
        files[OVERRIDE] = ACTIONS_TEMPLATE
        config = site_config(settings, nav)
        files["zensical.toml" if target == "zensical" else "mkdocs.yml"] = (
            zensical_toml(config) if target == "zensical" else mkdocs_yml(config)
        )
    return Export(dict(sorted(files.items())))


def _page_title(path: Path) -> str:
    """A hand-written page's title for a list that needs one, as the site shows it: `title` in
    its front matter, else its first heading, else its name."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return _title_of_folder(path.stem)
    match = _FRONT_MATTER.match(text)
    meta = yaml.safe_load(match.group(1) or "") if match else None
    if isinstance(meta, dict) and isinstance(meta.get("title"), str):
        return meta["title"]
    heading = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), None)
    return heading or _title_of_folder(path.stem)
