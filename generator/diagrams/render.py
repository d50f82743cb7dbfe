"""DOT text -> SVG for the site: one Graphviz process for many graphs, a cache, and SVG
that fits the page (palette colours, file-relative links, ids unique per diagram).

`render_site_diagrams()` gives every diagram of the playbook, each as the HTML figure
for its page and the standalone file to publish beside it.

Links come out in one form, whatever site the files end up in: relative to the file they
sit in (the page's Markdown file, or `diagrams/<key>.svg`), to the target's Markdown file
(`../roles/x.md`) or to another generated file (`../diagrams/role/x.svg`) - the form the
generated Markdown uses. A writer that publishes pages at other URLs (the mkdocs plugin)
rewrites them with `retarget()`; `playbook export` keeps them as they are.
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import re
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..cache import Cache
from ..engine import Engine, find_engine
from ..errors import EngineError
from ..escape import html_text, svg_in_markdown
from ..facts import Facts
from ..labels import Labels
from ..model import Playbook
from . import common as diagrams
from .common import Diagram

CACHE_FORMAT = "playbook-svg-1"
"""Part of every cache key: change it when the way dot is run changes."""
TIMEOUT = 600
"""Seconds one Graphviz run may take before the build gives up."""
MIN_SCALE = 0.75
"""A diagram shrinks to fit the page down to this share of its size, then scrolls."""

@dataclass(frozen=True)
class Paint:
    """What a placeholder colour becomes: a colour and, for files, an opacity."""

    colour: str
    opacity: str | None = None


PALETTES: dict[str, dict[str, Paint]] = {
    # inline in a page: follow Material's palette, light or dark
    "page": {
        diagrams.INK: Paint("currentColor"),
        diagrams.PAPER: Paint("var(--md-default-bg-color, #ffffff)"),
        diagrams.ACCENT: Paint("var(--md-typeset-a-color, #4051b5)"),
        diagrams.MUTED: Paint("var(--md-default-fg-color--light, #757575)"),
        diagrams.TINT: Paint("var(--md-default-fg-color--lightest, rgba(0, 0, 0, 0.07))"),
    },
    # a standalone file opens in any viewer: plain SVG 1.1 colours on white
    "file": {
        diagrams.INK: Paint("#1f2328"),
        diagrams.PAPER: Paint("#ffffff"),
        diagrams.ACCENT: Paint("#4051b5"),
        diagrams.MUTED: Paint("#6e7781"),
        diagrams.TINT: Paint("#000000", "0.05"),
    },
}

FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', sans-serif"

STYLE = (
    "<style>"
    ".playbook-diagram__svg a{color:inherit}"
    ".playbook-diagram__svg a:hover,.playbook-diagram__svg a:focus{color:var(--md-accent-fg-color,#526cfe)}"
    "</style>\n"
)
"""Inside a page the text of a link takes the link colour; keep boxes in the text colour
and light them up in the accent colour on hover. Lives in the <svg>, where it is valid."""

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TITLE = re.compile(r"<title>.*?</title>\n?", re.S)
_PAGE_ID = re.compile(r'(id="(?:a_)?)page\d+,\d+_')
_CELL_ID = re.compile(r'id="(a_[a-z]+\d+_)\d+"')
_ID = re.compile(r' id="([^"]+)"')
_URL_REF = re.compile(r"url\(#([^)]+)\)")
_HREF = re.compile(r'href="([^"]*)"')  # xlink:href too
_FONT = re.compile(r'font-family="[^"]*"')
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_SIZE = re.compile(r'\b(width|height)="([0-9.]+)pt"')
_SAFE_TARGET = re.compile(r"^[a-z0-9-]+(/[a-z0-9-]+)*/$")


# -- running Graphviz ------------------------------------------------------------------


def cache_key(engine: Engine, dot: str) -> str:
    """sha256 of the engine (name and version) and the DOT text."""
    digest = hashlib.sha256()
    for part in (CACHE_FORMAT, engine.name, engine.version, dot):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _run_dot(engine: Engine, dots: Sequence[str], names: Sequence[str] | None = None) -> list[str]:
    """Render graphs in one Graphviz process: graphs in on stdin, SVGs out one after another.

    A failed run is not tried again graph by graph (a big organization's batch would then
    cost as many Graphviz runs as it has diagrams): Graphviz stops at a graph it cannot read,
    so the first graph without its SVG is the one named (`names`, the diagram keys)."""
    text = "".join(dot if dot.endswith("\n") else dot + "\n" for dot in dots)
    try:
        done = subprocess.run(
            [engine.executable, "-Tsvg"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
        )
    except OSError as exc:
        raise EngineError(f"cannot run Graphviz at {engine.executable}: {exc}") from None
    except subprocess.TimeoutExpired:
        raise EngineError(f"Graphviz {engine} took longer than {TIMEOUT} s; the diagrams are too large") from None
    out = done.stdout.decode("utf-8", errors="replace")
    parts = out.split("</svg>")
    svgs = [part + "</svg>\n" for part in parts[:-1]]
    if done.returncode != 0 or len(svgs) != len(dots):
        error = done.stderr.decode("utf-8", errors="replace").strip() or f"exit status {done.returncode}"
        if len(svgs) < len(dots):
            which = names[len(svgs)] if names else f"number {len(svgs) + 1}"
            raise EngineError(f"cannot draw diagram {which}: Graphviz {engine} failed: {error}")
        raise EngineError(f"cannot draw the diagrams ({len(dots)} in one Graphviz run): Graphviz {engine} failed: {error}")
    return svgs


def render_svgs(
    dots: Sequence[str],
    engine: Engine,
    cache_dir: Path | None = None,
    *,
    names: Sequence[str] | None = None,
    cache: Cache | None = None,
) -> list[str]:
    """The SVG text Graphviz draws for each DOT text, from the caches where possible.

    Graphs neither in `cache` (memory) nor in `cache_dir` (disk) are drawn together in one
    process. `names` (diagram keys) only serve to say which diagram failed."""
    keys = [cache_key(engine, dot) for dot in dots]
    found: dict[str, str] = {}
    for key in keys:
        if key in found:
            continue
        kept = cache.svg(key) if cache is not None else None
        if kept is not None:
            found[key] = kept
        elif cache_dir is not None and (cache_dir / f"{key}.svg").is_file():
            try:
                found[key] = (cache_dir / f"{key}.svg").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                pass  # a damaged entry is drawn again
    todo: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key not in found and key not in todo:
            todo[key] = index
    if todo:
        batch = [dots[i] for i in todo.values()]
        drawn = _run_dot(engine, batch, [names[i] if names else str(i) for i in todo.values()])
        for key, svg in zip(todo, drawn, strict=True):
            found[key] = svg
            if cache_dir is not None:
                _store(cache_dir, key, svg)
    if cache is not None:
        cache.keep_svgs(found)
    return [found[key] for key in keys]


def _store(cache_dir: Path, key: str, svg: str) -> None:
    """Write one cache entry atomically; a cache that cannot be written is no error."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tag = cache_dir / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n"
                "# Graphviz drawings cached by the playbook generator; safe to delete.\n",
                encoding="utf-8",
            )
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(svg)
        os.replace(tmp, cache_dir / f"{key}.svg")
    except OSError:
        pass


# -- fitting the SVG to the site ----------------------------------------------------------------


def diagram_file(key: str) -> str:
    """Where the standalone SVG of a diagram is published, relative to the site root."""
    return f"diagrams/{key}.svg"


def markdown_path(page: str) -> str:
    """The Markdown file of one of our page paths: `roles/x/` -> `roles/x.md`, and a section
    such as `organization/` -> `organization/index.md`."""
    return page + "index.md" if page.count("/") == 1 else page[:-1] + ".md"


def _folder(path: str) -> str:
    """The folder a published file or page lives in: `roles/x/` -> `roles/x/`, `a/b.svg` -> `a/`."""
    return path if path.endswith("/") else path.rpartition("/")[0] + "/" if "/" in path else ""


def relative(target: str, from_folder: str) -> str:
    """A site-root-relative path as seen from a folder of the site:
    `relative("roles/y/", "departments/x/") == "../../roles/y/"`."""
    depth = from_folder.strip("/").count("/") + 1 if from_folder.strip("/") else 0
    return "../" * depth + target if depth or target else "./"


def _from_file(target: str, here: str) -> str:
    """A generated file (`roles/x.md`) as linked from another (`organization/index.md`)."""
    return posixpath.relpath(target, posixpath.dirname(here) or ".")


_OWN_HREF = re.compile(r'href="(?!#)([^":]+)"')
"""A relative link (not `#…`, no scheme): ours, written by this module."""


def retarget(text: str, here: str, url: Callable[[str], str]) -> str:
    """Rewrite the links of a figure or standalone SVG for a writer's URLs.

    `here` is the generated file the text sits in (`roles/x.md`, `diagrams/role/x.svg`);
    each relative link is resolved against it to the generated file it names (`roles/y.md`,
    `diagrams/role/x.svg`), and replaced by `url(that file)`, which the writer computes as
    seen from `here`."""
    folder = posixpath.dirname(here)

    def swap(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(folder, match.group(1)))
        return f'href="{html_text(url(target))}"'

    return _OWN_HREF.sub(swap, text)


def _id_prefix(key: str) -> str:
    return "pd-" + re.sub(r"[^a-z0-9-]+", "-", key)


def clean_svg(svg: str) -> str:
    """What every use of an SVG wants: no prolog, doctype, comments or Graphviz <title>s
    (node names such as `n3` would show as tooltips and be indexed by search), no blank
    lines, and ids as if the graph had been drawn alone in its own Graphviz process."""
    svg = svg[svg.index("<svg"):] if "<svg" in svg else svg
    svg = _COMMENT.sub("", svg)
    svg = _TITLE.sub("", svg)
    svg = _PAGE_ID.sub(r"\1", svg)
    # links in table cells are numbered by a counter that runs on from graph to graph
    counter = iter(range(1 << 30))
    svg = _CELL_ID.sub(lambda m: f'id="{m.group(1)}{next(counter)}"', svg)
    svg = _sort_clusters(svg)
    svg = _FONT.sub(f'font-family="{FONT_FAMILY}"', svg)
    return "\n".join(line for line in svg.replace("\r", "").split("\n") if line.strip()) + "\n"


_COLOUR = re.compile(r'(fill|stroke)="(#[0-9a-fA-F]{6})"')
_GROUP = re.compile(r'<g id="(clust|node|edge)(\d+)" class="')


def _sort_clusters(svg: str) -> str:
    """Put department frames in their own order. Graphviz numbers them the same whatever
    ran before in the process, but 2.43 writes them in an order that does not stay put."""
    lines = svg.split("\n")
    starts = [i for i, line in enumerate(lines) if _GROUP.match(line)]
    if not starts:
        return svg
    end = max(i for i, line in enumerate(lines) if line == "</svg>") - 1  # the graph's </g>
    bounds = list(zip(starts, starts[1:] + [end], strict=True))
    blocks = [lines[a:b] for a, b in bounds]
    clusters = [i for i, (a, _) in enumerate(bounds) if lines[a].startswith('<g id="clust')]

    def number(block: list[str]) -> int:
        return int(block[0].split('"')[1][len("clust"):])

    ordered = sorted((blocks[i] for i in clusters), key=number)
    for slot, block in zip(clusters, ordered, strict=True):
        blocks[slot] = block
    return "\n".join(lines[: starts[0]] + [line for block in blocks for line in block] + lines[end:])


def _paint(svg: str, palette: dict[str, Paint]) -> str:
    def swap(match: re.Match[str]) -> str:
        attr, colour = match.group(1), match.group(2).lower()
        paint = palette.get(colour)
        if paint is None:
            return match.group(0)
        text = f'{attr}="{paint.colour}"'
        return text + (f' {attr}-opacity="{paint.opacity}"' if paint.opacity else "")

    return _COLOUR.sub(swap, svg)


def _links(svg: str, here: str) -> str:
    """Our page paths in the SVG (`roles/x/`) -> links to their Markdown files from `here`."""

    def swap(match: re.Match[str]) -> str:
        target = html.unescape(match.group(1))
        if target.startswith("#"):
            return match.group(0)
        if not _SAFE_TARGET.match(target):  # only our own page paths ever become links
            raise EngineError(f"refusing to publish a diagram link to {target!r}")
        return f'href="{_from_file(markdown_path(target), here)}"'

    return _HREF.sub(swap, svg)


def _prefix_ids(svg: str, prefix: str) -> str:
    svg = _ID.sub(lambda m: f' id="{prefix}-{m.group(1)}"', svg)
    svg = _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)


def _size(svg: str) -> tuple[float, float]:
    tag = _SVG_TAG.search(svg)
    sizes = dict((m.group(1), float(m.group(2))) for m in _SIZE.finditer(tag.group(0) if tag else ""))
    return sizes.get("width", 0.0), sizes.get("height", 0.0)


def _root(svg: str, attrs: str, title: str, prefix: str, after: str = "") -> str:
    """Replace the <svg> start tag's extras and put our title (and `after`) first inside."""
    tag = _SVG_TAG.search(svg)
    assert tag is not None, "Graphviz wrote no <svg> element"
    start = tag.group(0)
    keep = " ".join(
        m.group(0)
        for m in re.finditer(r'\b(width|height|viewBox|xmlns(?::xlink)?)="[^"]*"', start)
    )
    title = html_text(title)
    head = f"<svg {keep} {attrs}>\n<title id=\"{prefix}-title\">{title}</title>\n{after}"
    return svg[: tag.start()] + head + svg[tag.end():].lstrip("\n")


def figure_html(diagram: Diagram, svg: str, labels: Labels, *, chart: bool = True) -> str:
    """The diagram for its page: an inline <svg> in a <figure> with a caption and a link to
    the standalone file. One HTML block without blank lines, which Markdown passes through.
    Links are relative to the page's Markdown file (see the module's docstring). `chart`:
    whether the full org chart is drawn, so that a role's figure may link to it."""
    here = markdown_path(diagram.page)
    prefix = _id_prefix(diagram.key)
    width, _height = _size(svg)
    body = _prefix_ids(_links(_paint(clean_svg(svg), PALETTES["page"]), here), prefix)
    style = (
        f"width:100%;max-width:{width:g}pt;min-width:{width * MIN_SCALE:.0f}pt;height:auto"
        if width else "max-width:100%;height:auto"
    )
    # a group, not an img: an img's children are hidden from assistive technology, and
    # the boxes are links that keyboard and screen reader users must be able to reach
    attrs = (
        f'class="playbook-diagram__svg" role="group" aria-labelledby="{prefix}-title" '
        f'style="{style}"'
    )
    body = _root(body, attrs, diagram.title, prefix, after=STYLE)
    body = body.replace(' xlink:href="', ' href="')  # SVG 2, which `a[href]` selectors see
    body = svg_in_markdown(body)
    download = _from_file(diagram_file(diagram.key), here)
    file_name = diagram.key.replace("/", "-") + ".svg"
    focus = ""
    if chart and diagram.key.startswith("role/"):  # the script adds ?focus=<role> to this link
        focus = (f' <a class="playbook-diagram__focus" href="{_from_file(markdown_path("organization/chart/"), here)}" '
                 f'data-focus="{html_text(diagram.key.removeprefix("role/"))}" style="text-decoration:underline">'
                 f'{html_text(labels("diagram_find_on_chart"))}</a>')
    # the canvas scrolls a wide diagram, so the keyboard must be able to reach it
    return (
        f'<figure class="playbook-diagram" data-diagram="{html_text(diagram.key)}">\n'
        f"{_tools(labels, download, prefix)}"
        f'<div class="playbook-diagram__canvas" style="overflow-x:auto;max-width:100%" tabindex="0" '
        f'role="region" aria-labelledby="{prefix}-title">\n'
        f"{body}"
        f"</div>\n"
        f"<figcaption>{html_text(diagram.caption)} "
        f'<a class="playbook-diagram__download" href="{download}" download="{file_name}" '
        f'style="text-decoration:underline">{html_text(labels("diagram_download"))}</a>{focus}</figcaption>\n'
        f"</figure>"
    )


def _tools(labels: Labels, full_size: str, prefix: str) -> str:
    """Zoom, fit, full screen, the file at full size and find: hidden until the page's script
    (assets/javascripts/playbook-diagrams.js) shows them for a diagram wider than its column."""

    def button(action: str, text: str, name: str) -> str:
        # a symbol gets a name; a word is its own name (and must stay part of it), the title explains
        named = f' aria-label="{html_text(name)}"' if len(text) == 1 else ""
        return (f'<button type="button" class="playbook-diagram__tool" data-action="{action}"{named} '
                f'title="{html_text(name)}">{html_text(text)}</button>')

    return (
        f'<div class="playbook-diagram__tools" hidden="" data-exit-full="{html_text(labels("diagram_exit_full_screen"))}" '
        f'data-full="{html_text(labels("diagram_full_screen"))}" data-not-found="{html_text(labels("diagram_not_found"))}">'
        + button("in", "+", labels("diagram_zoom_in"))
        + button("out", "\u2212", labels("diagram_zoom_out"))
        + button("fit", labels("diagram_fit"), labels("diagram_fit_long"))
        + button("full", labels("diagram_full_screen"), labels("diagram_full_screen"))
        + f'<a class="playbook-diagram__tool" href="{full_size}">{html_text(labels("diagram_open_full"))}</a>'
        + f'<label class="playbook-diagram__find"><span>{html_text(labels("diagram_find"))}</span> '
        f'<input type="search" data-action="find" placeholder="{html_text(labels("diagram_find_hint"))}" '
        f'aria-describedby="{prefix}-help"/></label>'
        f'<span class="playbook-diagram__status" role="status"></span>'
        f'<span class="playbook-diagram__help" id="{prefix}-help">{html_text(labels("diagram_zoom_help"))}</span>'
        "</div>\n"
    )


def standalone_svg(diagram: Diagram, svg: str) -> str:
    """The diagram as its own file at `diagrams/<key>.svg`: valid XML, plain colours on
    white, links relative to the file (see the module's docstring)."""
    prefix = _id_prefix(diagram.key)
    body = _prefix_ids(_links(_paint(clean_svg(svg), PALETTES["file"]), diagram_file(diagram.key)), prefix)
    body = _root(body, 'role="group" aria-labelledby="' + prefix + '-title"', diagram.title, prefix,
                 after=f'<rect width="100%" height="100%" fill="{PALETTES["file"][diagrams.PAPER].colour}"/>\n')
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body


def render_site_diagrams(
    playbook: Playbook,
    labels: Labels,
    *,
    engine: str = "auto",
    cache_dir: Path | None = None,
    facts: Facts | None = None,
    cache: Cache | None = None,
) -> dict[str, tuple[str, str]]:
    """Every diagram of the site: key -> (HTML figure for its page, standalone SVG file).

    Keys: `org-chart`, `coordination`, `department/<id>`, `role/<id>`, `objective/<id>`,
    `workflow/<id>`; the file is published at `diagram_file(key)`. Drawings are kept in
    `cache` (memory, for a `serve` session) and in `cache_dir` (disk, between runs) when
    given. Raises EngineError when no Graphviz engine can draw."""
    from . import site_diagrams  # the package, whose __init__ has run by now

    chosen = cache.engine(engine, find_engine) if cache is not None else find_engine(engine)
    site = site_diagrams(playbook, labels, facts)
    svgs = render_svgs([d.dot for d in site], chosen, cache_dir, names=[d.key for d in site], cache=cache)
    chart = any(d.key == "org-chart" for d in site)  # over its budget, there is no chart to link to

    def made(d: Diagram, svg: str) -> Callable[[], tuple[str, str]]:
        return lambda: (figure_html(d, svg, labels, chart=chart), standalone_svg(d, svg))

    pairs = list(zip(site, svgs, strict=True))
    if cache is None:
        return {d.key: made(d, svg)() for d, svg in pairs}
    # everything figure_html and standalone_svg read: the diagram's words and place, its
    # drawing, the labels' language and whether the chart is there to link to
    keys = [(d.key, d.page, d.title, d.caption, svg, labels.language, chart) for d, svg in pairs]
    found = cache.figures([(key, made(d, svg)) for key, (d, svg) in zip(keys, pairs, strict=True)])
    return {d.key: figure for (d, _svg), figure in zip(pairs, found, strict=True)}
