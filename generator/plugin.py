"""The mkdocs plugin `playbook`: a thin adapter over `site.generate`. The only module that imports mkdocs.

- `on_startup` keeps one plugin instance, and with it one `Cache`, for the whole
  `mkdocs serve` session: the last output is reused while the YAML does not change, and an
  edit re-reads only the changed files and redraws only the changed diagrams;
- `on_config` finds the project (the folder of `mkdocs.yml`) and makes `serve` watch `org/`
  and `playbook/`;
- `on_pre_build` validates and logs every problem as `path:line:column: message [rule]` (errors
  abort the build before mkdocs empties the site folder, warnings count for `--strict`);
- `on_files` adds the generated pages and diagrams in memory,
  points each page's edit button at its YAML file, and, when `mkdocs.yml` has no `nav`, builds
  a small navigation of the hand-written pages and the index pages only;
- `on_page_markdown` gives each generated page an HTML-safe title and a clean edit URL, and
  percent-encodes every page's edit URL (Material prints it into `href` unescaped);
- `on_page_content` runs each generated page's HTML through the allowlist
  (`escape.sanitize_html`): nothing from the YAML can become active content;
- `on_post_page` puts each diagram's figure where the page holds its placeholder, after
  search has indexed the page (the SVG's text would only weigh down the index), with its
  links rewritten to the URLs this site uses (`use_directory_urls` or not): the core writes
  them relative to the `.md` files and knows nothing of MkDocs' URLs. The figures are our
  own SVG, drawn from escaped text with links to our own pages only.

Entity pages are left out of the navigation (they are reached from the index tables, links
and search), so the navigation stays the same size however large the organization grows;
`on_nav` gives each its index page as parent, so that it keeps its place (active tab and
sidebar entry, breadcrumb) all the same.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import posixpath
import re
import time
from collections.abc import Callable, Iterable, Iterator
from html import escape as html_escape
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit, urlunsplit

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_build_date, get_relative_url, nest_paths

from . import pagecache, redirects, review, sitewrite, targets
from .cache import Cache, template_bytecode
from .diagrams.render import relative, retarget
from .engine import ENGINES
from .errors import PlaybookError
from .escape import html_text, md_text, sanitize_html, url_path, url_text
from .heap import Heap
from .labels import get_labels
from .livewatch import use_native_observer
from .pages import (
    HOME_LINE,
    HOME_MARKER,
    MD_HREF,
    PROBLEMS_PATH,
    fill_slots,
    home_section,
    home_unindexed,
    problems_page,
)
from .plan import PAGE_PATH as CALENDAR_PATH
from .reference import PAGE_PATH as REFERENCE_PATH
from .site import Output, generate

K = TypeVar("K")
V = TypeVar("V")

PRUNE_EVERY = 60.0
"""Seconds between two prunings of the cache folder while `serve` runs (every build prunes)."""
RACI_PATH = "raci/index.md"
"""The RACI page: its phone list is HTML with links to the .md pages, as the calendar's views."""

PAGES_SCRIPT = "assets/javascripts/playbook-pages.js"
"""Loaded by every page (generator/assets/): exact numbers in search queries, and the filter
boxes of "find your role" (the home marker) and of the RACI matrix."""
HOME_START, HOME_END = "<!-- playbook:home:start -->", "<!-- playbook:home:end -->"
"""Around the filled marker, so that `on_page_content` finds the generated part of a hand-written page."""
DIAGRAM_SCRIPT = "assets/javascripts/playbook-diagrams.js"
"""Zoom, pan, find and `?focus=` for the diagrams (generator/assets/): published with the site
and loaded by every page that shows a diagram; nothing is fetched from elsewhere."""

# named "playbook", so that messages read "playbook: org/roles/x.yml:4:13: …"; under
# mkdocs.plugins, so warnings count for --strict
log = get_plugin_logger("playbook")
serve_log = logging.getLogger("playbook.serve")
"""Problems shown on the preview's own pages while serving: not counted by --strict."""


def search_boost(title: str) -> float:
    """Material's `search.boost` for an entity page titled `title`: above 1 (every other page),
    the more so the fewer words the title has.

    Material's search scores no field by its length, so "Reach" and "Influencer reach" tie
    for the query "reach", and "Public Relations" with "Head of Public Relations". A boost that
    falls with the title's words lets the exact title win; since `words * boost` still grows
    with the words, a longer title still wins its own query over a shorter one it contains.
    The fall is gentle (1 + 1/words): how much the extra words of a longer title weigh depends
    on how common they are in the index ("Head of" is in many entries), and with the index
    cut to what only each page says, 1 + 2/words let "Human Resources" outrank "Head of Human
    Resources" for the longer title's own query."""
    words = len([word for word in re.split(r"[\s\-]+", title) if word])
    return round(1 + 1 / max(words, 1), 3)


class PlaybookConfig(base.Config):
    """The plugin's options under `plugins: - playbook:` in mkdocs.yml."""

    language = c.Optional(c.Type(str))
    """Language of the page labels, `en` or `id`; by default the theme's `language`."""
    engine = c.Choice(ENGINES, default="auto")
    """Graphviz to draw with: `system` (the dot program), `pure` (the graphviz-pure wheel) or `auto`."""
    cache_dir = c.Optional(c.Type(str))
    """Folder to keep rendered diagrams and pages in between runs, relative to mkdocs.yml (the
    shipped configuration says `.cache/playbook`); none by default. Safe to delete."""
    cache_size = c.Type(int, default=pagecache.DEFAULT_SIZE_MB)
    """The cache folder's size limit in megabytes: past it, the least recently used files go."""
    diagrams = c.Type(bool, default=True)
    """Draw the diagrams; `false` builds the pages without them (a faster preview)."""
    review = c.Type(bool, default=True)
    """Show each page's review date and owner, and the "may be out of date" note; `false` leaves them out."""
    today = c.Optional(c.Type(str))
    """The day reviews are measured against (YYYY-MM-DD); by default `PLAYBOOK_TODAY`, else the clock."""
    site_engine = c.Choice(("mkdocs", "properdocs"), default="mkdocs")
    """The site engine `playbook build` and `serve` run: `mkdocs` or `properdocs` (the maintained
    MkDocs 1.x fork); their `--engine` option overrides it. Read by `playbook`, not during a build."""


class PlaybookPlugin(BasePlugin[PlaybookConfig]):
    """Adds the playbook's generated pages to an MkDocs site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.cache = Cache()
        self._auto_nav: list[Any] | None = None
        self.root = Path(".")
        self.language = "en"
        self.output: Output | None = None
        self.files: Files | None = None
        self.serving = False
        self.good_pages: tuple[str, ...] = ()
        """Paths of the generated pages of the last build without errors (while serving)."""
        self.pages = pagecache.PageCache(None, decoded_limit=0)
        self.render = _Rendering()
        self.figure_digests: _Recent[str, str] = _Recent()
        """Figure text -> its digest, for page keys."""
        self.retargeted: _Recent[tuple[str, bool, str], str] = _Recent()
        """(path, directory URLs, SVG) -> the SVG with this site's links."""
        self.last_prune = -PRUNE_EVERY
        self.heap = Heap()
        """What the collector leaves alone during a build (heap.py)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this hook makes mkdocs keep this one instance across `serve` rebuilds,
        # so the session's one cache survives them.
        self.cache = Cache()
        # While serving, YAML errors give pages that list them instead of a failed build:
        # mkdocs' server holds every request until a build succeeds ("stuck").
        self.serving = command == "serve"
        self.pages = self._new_page_cache(None)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """A saved file starts the rebuild at once, not at the next half-second poll (livewatch.py)."""
        if use_native_observer(server):
            log.debug("watching for changes with the system's file notifier")
        return server

    @event_priority(100)  # before the search plugin's, which compiles a template of the theme
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.heap.hold()  # what the session kept: released when the build ends (heap.py)
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.language = self.config.language or config.theme.get("language") or "en"
        _check_site_dir(config, self.root)
        self._keep_compiled_templates(config.theme)
        for top in ("org", "playbook"):
            folder = self.root / top
            if folder.is_dir() and str(folder) not in config.watch:
                config.watch.append(str(folder))
        moved = self.root / redirects.FILE  # written by playbook rename while serve runs
        if moved.is_file() and str(moved) not in config.watch:
            config.watch.append(str(moved))
        # a nav this plugin made in an earlier build of the same config is not the user's
        if config.nav is not None and config.nav is self._auto_nav:
            config.nav = None
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        # Validate here, before mkdocs empties the site folder: a YAML error then leaves
        # the last good site in place.
        with self.heap.holding():  # the playbook and what was generated from it live to the build's end
            self.output = self._generate()
        self._report(self.output)
        self._start_page_cache()
        if not self.output.result.errors:
            self.good_pages = tuple(self.output.pages)
        docs_dir = Path(config.docs_dir)
        for path in _present(docs_dir, self.output.files):
            raise PluginError(
                f"{_shown(docs_dir / path, self.root)} is a hand-written page at a path the playbook "
                f"generates; rename or remove it (generated pages are never overwritten)"
            )

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        output = self.output
        assert output is not None, "on_pre_build runs before on_files"
        self.retargeted.next_build()
        if output.result.errors:  # only while serving: a build with errors stopped in on_pre_build
            return self._problem_pages(files, config, output)
        docs_dir = Path(config.docs_dir)
        # each page's YAML file, as a path from docs/ (`os.path.relpath` is lexical: once for the project)
        to_root = Path(os.path.relpath(self.root, docs_dir)).as_posix()
        by_dest = {f.dest_uri: f for f in files}
        self.files = files
        # pages first: the diagrams' links are rewritten to the pages' URLs
        for path, content in sorted(output.files.items(), key=lambda item: item[0] in output.svgs):
            page = output.pages.get(path)
            if page is None:
                content = self._retargeted(content, path, config.use_directory_urls)
            # a docs/ file at a generated path was refused in on_pre_build; here only files
            # at another path that mkdocs would write to the same place are left to catch
            listed = page is None or path == REFERENCE_PATH  # the reference sits in the guide's navigation
            file = File.generated(
                config,
                path,
                content=content,
                inclusion=InclusionLevel.UNDEFINED if listed else InclusionLevel.NOT_IN_NAV,
            )
            other = by_dest.get(file.dest_uri)
            if other is not None and not other.generated_by:
                raise PluginError(
                    f"{_shown(docs_dir / other.src_uri, self.root)} would be written to the same place as "
                    f"the generated page {path}; rename or remove it"
                )
            if page is not None and page.source:
                file.edit_uri = url_path(posixpath.normpath(posixpath.join(to_root, page.source)))
            files.append(file)
        for moved in _redirect_files(config, files, self.root, self.language):
            files.append(moved)
        for published in (DIAGRAM_SCRIPT, PAGES_SCRIPT):
            script = (Path(__file__).parent / "assets" / Path(published).name).read_text(encoding="utf-8")
            files.append(File.generated(config, published, content=script))
        if config.nav is None:
            config.nav = self._auto_nav = self._navigation(files, output)
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Give each entity page left out of the navigation its index page as parent.

        `roles/x.md` gets `roles/index.md`: while mkdocs renders the role, the Roles entry, its
        section and its tab are active (mkdocs marks a page's ancestors active), and Material's
        breadcrumb (`navigation.path`) leads through them. One attribute per page, so the
        navigation rendered into every page stays the same size however many entities there are.
        An index page that a hand-written `nav` leaves out gives no place."""
        output = self.output
        assert output is not None, "on_pre_build runs before on_nav"
        in_nav = {page.file.src_uri: page for page in nav.pages}
        uris = files.src_uris  # our paths are normalised already (`get_file_from_path` makes a PurePath of each)
        for path, generated in output.pages.items():
            if generated.index or path in in_nav:
                continue
            parent = in_nav.get(posixpath.join(posixpath.dirname(path), "index.md"))
            file = uris.get(path)
            if parent is not None and file is not None and isinstance(file.page, Page):
                # mkdocs types `parent` as a Section; a Page has everything mkdocs and Material
                # ask of a parent (`active`, `ancestors`, `title`, `url`, `children`)
                file.page.parent = parent  # type: ignore[assignment]
        self.render.site_key = self._site_key(nav, config, files)
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Add the trivial template that pages from the cache are "rendered" with, and keep
        the theme's compiled templates in the cache folder: every build compiled Material's
        templates again (0.35 s, a third of a no-change build of a small site). Jinja reuses
        a compiled template only when the template's source has the same checksum."""
        loaders = env.loader.loaders if isinstance(env.loader, jinja2.ChoiceLoader) else []
        if not any(isinstance(loader, jinja2.DictLoader) and CACHED_TEMPLATE in loader.mapping for loader in loaders):
            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({CACHED_TEMPLATE: ""}), env.loader])
        _keep_compiled(env, self._cache_folder())
        return env

    def _keep_compiled_templates(self, theme: Any) -> None:
        """Every Jinja environment this build's theme makes keeps its compiled templates in
        the cache folder: the build's own, and the one Material's search plugin makes in its
        `on_config` to read its translations (0.1 s of every build). One attribute of this
        build's theme object; `Theme.get_env` is otherwise what it was."""
        folder = self._cache_folder()
        make = theme.get_env
        if folder is None or getattr(make, "keeps_compiled", False):
            return

        def get_env() -> Any:
            env = make()
            _keep_compiled(env, folder)
            return env

        get_env.keeps_compiled = True  # type: ignore[attr-defined]
        theme.get_env = get_env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        key = self._page_key(markdown, page)
        markdown = self._page_markdown(markdown, page)
        if key is None:
            return markdown
        entry = self.pages.get(key)
        if entry is None:
            self.render.missed[page.file.src_uri] = key
            self.render.current = page.file.src_uri
            return markdown
        # from the cache: nothing to convert, nothing to lay out (see pagecache.py)
        self.render.hits[page.file.src_uri] = entry
        page.meta["template"] = CACHED_TEMPLATE
        # the search plugin would parse the empty page only for `_after_search` to put the
        # kept entries in place of none (0.1 ms a page, 0.4 s of a rebuild at 3,000 roles)
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        # MkDocs' `Page.render` builds a `markdown.Markdown` with every extension even for
        # empty Markdown (half the time of a warm build): this page's own attribute (never
        # the class) makes it a no-op; `on_page_content` restores what rendering would tell.
        page.render = _kept_render(page)  # type: ignore[method-assign, assignment]
        return ""

    def _page_markdown(self, markdown: str, page: Page) -> str:
        if self.output is not None and self.output.result.errors and not page.file.generated_by:
            # serving a playbook with errors: a hand-written page says so and where to look
            link = posixpath.relpath(PROBLEMS_PATH, posixpath.dirname(page.file.src_uri) or ".")
            labels = get_labels(self.language)
            title = labels("problems_title", count=len(self.output.result.errors))
            markdown = f"> **{md_text(title)}**: [{md_text(labels('problems_see'))}]({link})\n\n" + markdown
        if HOME_MARKER in markdown and not page.file.generated_by and HOME_LINE.search(markdown):
            markdown = self._fill_home(markdown, page)
        generated = self.output.pages.get(page.file.src_uri) if self.output else None
        if generated is not None and page.file.generated_by:
            # Material prints `page.meta.title` into <title> unescaped, and mkdocs' own title
            # from the first heading goes through `striptags`, which unescapes: give it a safe one.
            page.meta["title"] = str(html_text(generated.title))
            if not generated.index:
                # an entity's page comes first when its title is searched, ahead of the
                # index pages and overviews that name it too
                page.meta.setdefault("search", {"boost": search_boost(generated.title)})
            if page.edit_url:
                page.edit_url = _normalized(page.edit_url)
        if page.edit_url:
            # a hand-written page's file name goes into the URL as it is, too
            page.edit_url = url_text(page.edit_url)
        return markdown

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        self.render.current = None
        entry = self.render.hits.get(page.file.src_uri)
        if entry is not None:  # what the page's rendering told MkDocs' anchor check
            page.present_anchor_ids = set(entry.anchors)
            if entry.links:
                page.links_to_anchors = {files.src_uris[path]: dict(links) for path, links in entry.links.items()}
            return ""
        generated = self.output.pages.get(page.file.src_uri) if self.output else None
        if HOME_START in html_text and not page.file.generated_by:
            # the role list repeats every role's title: search leads to the role's own page
            return _unindexed(_sanitized_home(html_text), page, home_unindexed(get_labels(self.language)))
        if generated is None or not page.file.generated_by:
            return html_text
        # the diagram placeholders pass; their figures come later
        cleaned = _unindexed(sanitize_html(html_text), page, generated.unindexed)
        if page.file.src_uri in (CALENDAR_PATH, RACI_PATH):  # HTML views with links to the .md pages
            urls = self._urls_from(page.file.src_uri, page.file.url)
            folder = posixpath.dirname(page.file.src_uri)
            cleaned = MD_HREF.sub(
                lambda m: f'href="{html_escape(urls(posixpath.normpath(posixpath.join(folder, m.group(1)))))}"', cleaned
            )
        return cleaned

    @event_priority(100)
    def _before_search(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        """Note where the search plugin's entries for this page will start."""
        entries = self.render.search_entries
        if entries is not None:
            self.render.search_start = len(entries)
        if page.file.src_uri in self.render.missed:
            self.render.current = page.file.src_uri
        return context

    @event_priority(-100)
    def _after_search(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Navigation) -> Any:
        """A page from the cache gets its kept search entries in place of the empty page's."""
        entries, start = self.render.search_entries, self.render.search_start
        entry = self.render.hits.get(page.file.src_uri)
        if entries is not None and entry is not None:
            del entries[start:]
            entries.extend(dict(item) for item in entry.search)  # the entry is kept for the next build
        elif entries is not None and page.file.src_uri in self.render.missed:
            self.render.search[page.file.src_uri] = [dict(e) for e in entries[start:]]
        return context

    on_page_context = CombinedEvent(_before_search, _after_search)

    @event_priority(-100)
    def _keep_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Last of all `on_post_page` handlers: hand back a kept page, or keep a rendered one."""
        src = page.file.src_uri
        self.render.current = None
        entry = self.render.hits.get(src)
        if entry is not None:
            return entry.html
        key = self.render.missed.get(src)
        if key is not None and src not in self.render.tainted:
            links = {f.src_uri: dict(anchors) for f, anchors in (page.links_to_anchors or {}).items()}
            anchors = sorted(page.present_anchor_ids or ())
            self.pages.put(key, pagecache.Entry(output, self.render.search.pop(src, []), anchors, links))
        return output

    def _fill_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if page.file.src_uri in self.render.hits:
            return output
        generated = self.output.pages.get(page.file.src_uri) if self.output else None
        if generated is not None and generated.diagrams and page.file.generated_by:
            figures, here = self.output.figures, page.file.src_uri  # type: ignore[union-attr]
            urls = self._urls_from(here, page.file.url)
            output = fill_slots(output, generated.diagrams, lambda key: retarget(figures[key], here, urls))
            script = html_text(get_relative_url(DIAGRAM_SCRIPT, page.file.url))
            output = output.replace("</body>", f'<script src="{script}"></script>\n</body>', 1)
        # every page has the search box, whose number queries the script makes exact
        script = html_text(get_relative_url(PAGES_SCRIPT, page.file.url))
        output = output.replace("</body>", f'<script src="{script}"></script>\n</body>', 1)
        # Material's search dialog has role="dialog" but no accessible name (axe-core:
        # aria-dialog-name, serious); name it in the site's language.
        marker = '<div class="md-search" data-md-component="search" role="dialog">'
        label = html_text(get_labels(self.language)("search_dialog"))
        return output.replace(marker, marker[:-1] + f' aria-label="{label}">', 1)

    on_post_page = CombinedEvent(_fill_page, _keep_page)

    # -- the parts

    def _fill_home(self, markdown: str, page: Page) -> str:
        """Replace `HOME_MARKER` on a hand-written page with the first-day block (`pages.home_section`):
        its Markdown links are checked by mkdocs like any other; its HTML links (the role list)
        point at `.md` files and are turned into this site's URLs here."""
        output = self.output
        if output is None or output.result.errors or output.result.playbook is None:
            return HOME_LINE.sub("", markdown, 1)  # while serving with errors: the notice says why
        here = page.file.src_uri
        block = home_section(output.result.playbook, get_labels(self.language), here, cache=self.cache)
        files, folder = self.files, posixpath.dirname(here)
        assert files is not None, "on_files runs first"

        def url(match: re.Match[str]) -> str:
            # mkdocs' own relative URL: the home page's URL is "./", which _urls_from would read as a folder
            target = files.get_file_from_path(posixpath.normpath(posixpath.join(folder, match.group(1))))
            if target is None:  # pragma: no cover - the block links to generated pages only
                raise PluginError(f"the first-day block on {here} links to {match.group(1)}, which is not part of the site")
            return f'href="{html_escape(get_relative_url(target.url, page.file.url))}"'

        block = MD_HREF.sub(url, block)
        return HOME_LINE.sub(lambda _m: f"{HOME_START}\n\n{block}\n{HOME_END}", markdown, 1)

    def _post_build(self, *, config: MkDocsConfig) -> None:
        # the marker lets the next build replace this folder; see targets.py
        site_dir = Path(config.site_dir)
        if not targets.made_here(site_dir):
            targets.mark(site_dir, "mkdocs build with the playbook plugin")
        self._finish_page_cache()

    @event_priority(-100)
    def _site_written(self, *, config: MkDocsConfig) -> None:
        """After every plugin's `on_post_build`: while `playbook serve` runs, the files this
        rebuild did not write (a removed role's page) leave the served folder."""
        sitewrite.built(config.site_dir)
        self.heap.release(collect_later=self.serving)

    on_post_build = CombinedEvent(_post_build, _site_written)

    def on_build_error(self, *, error: Exception) -> None:
        self.render.stop()
        self.heap.release(collect_later=self.serving)

    # -- the page cache (pagecache.py)

    def _cache_folder(self) -> Path | None:
        return (self.root / self.config.cache_dir) if self.config.cache_dir else None

    def _start_page_cache(self) -> None:
        self.figure_digests.next_build()
        folder = self._cache_folder()
        pages = folder / "pages" if folder is not None else None
        if self.pages.folder != pages:
            self.pages = self._new_page_cache(pages)
        self.pages.hits = self.pages.misses = 0
        self.render.stop()
        self.render = _Rendering()
        self.render.start()

    def _new_page_cache(self, folder: Path | None) -> pagecache.PageCache:
        # decoded entries pay off from the second build of a `serve` session only; a
        # single build would just hold every page's HTML until it ends
        return pagecache.PageCache(folder, decoded_limit=pagecache.DECODED_LIMIT if self.serving else 0)

    def _finish_page_cache(self) -> None:
        self.render.stop()
        if self.render.site_key is None:
            return
        log.info(f"{self.pages.hits} pages from the page cache, {self.pages.misses} rendered")
        self.pages.flush()
        folder = self._cache_folder()
        # while serving, at most once a minute: a save adds a few entries, and walking the
        # folder (4,000 diagrams at 3,000 roles) on every save cost the preview time
        due = not self.serving or time.monotonic() - self.last_prune >= PRUNE_EVERY
        if folder is not None and folder.is_dir() and due:
            size = pagecache.prune(folder, self.config.cache_size * 1_000_000, self.pages.store)
            self.last_prune = time.monotonic()
            log.debug(f"cache folder {_shown(folder, self.root)}: {size / 1e6:.1f} MB")

    def _site_key(self, nav: Navigation, config: MkDocsConfig, files: Files) -> str | None:
        """What every page's key shares (see pagecache.py), or None when pages are not cached:
        a playbook with errors, or a plugin whose page hooks we do not know."""
        output = self.output
        if output is None or output.result.errors or not set(config.plugins) <= pagecache.ALLOWED_PLUGINS:
            return None
        searches = [p for name, p in config.plugins.items() if name.endswith("search")]
        entries = getattr(getattr(searches[0], "search_index", None), "entries", None) if searches else None
        if searches and not isinstance(entries, list):
            return None
        self.render.search_entries = entries
        titles = []
        for page in nav.pages:  # their titles are in every page's navigation
            generated = output.pages.get(page.file.src_uri)
            source = page.file.abs_src_path  # a hand-written page's title is in its text
            if generated is not None:
                titles.append(generated.title)
            elif source:
                titles.append(pagecache.digest(Path(source).read_bytes().hex()))
            else:  # a page made by another plugin: only its title is known here
                titles.append(str(page.title))
        return pagecache.digest(
            pagecache.code_fingerprint(),
            pagecache.config_digest(config),
            pagecache.theme_stamps(config.theme.dirs),
            _nav_items(nav.items),
            titles,
            [(f.src_uri, f.dest_uri, f.url) for f in files],
            get_build_date(),
        )

    def _page_key(self, markdown: str, page: Page) -> str | None:
        """The page's own part of its key (see pagecache.py); None for a page not cached."""
        generated = self.output.pages.get(page.file.src_uri) if self.output else None
        if self.render.site_key is None or generated is None or not page.file.generated_by:
            return None
        figures = self.output.figures  # type: ignore[union-attr]
        place = [(item.title, getattr(item, "url", None)) for item in page.ancestors]
        around = [(p.title, p.url) if p else None for p in (page.previous_page, page.next_page)]
        small = pagecache.digest(
            page.edit_url, generated.unindexed, place, around,
            [self._figure_digest(figures.get(key)) for key in generated.diagrams],
        )
        # the long texts are hashed as they are: their canonical JSON cost 0.1 ms a page
        hasher = hashlib.sha256()
        for part in (self.render.site_key, page.file.src_uri, markdown, small):
            data = part.encode("utf-8")
            hasher.update(len(data).to_bytes(8, "big") + data)
        return hasher.hexdigest()

    def _figure_digest(self, figure: str | None) -> str | None:
        """A figure's SHA-256, made once per figure text for the session: a page's key holds
        its figures' digests, not the figures (a role's diagram is tens of kilobytes, and its
        canonical JSON took a third of the page keys' time)."""
        if figure is None:
            return None
        return self.figure_digests.get(figure, lambda: hashlib.sha256(figure.encode("utf-8")).hexdigest())

    def _generate(self) -> Output:
        cache_dir = self.config.cache_dir
        self.cache.folder = self._cache_folder()
        self.cache.write_output = not self.serving
        try:
            return generate(
                self.root,
                language=self.language,
                engine=self.config.engine,
                cache_dir=(self.root / cache_dir) if cache_dir else None,
                diagrams=self.config.diagrams,
                cache=self.cache,
                **self._dates(),
            )
        except PlaybookError as exc:
            raise PluginError(str(exc)) from None

    def _dates(self) -> dict[str, Any]:
        """`today` (for the calendar) and, when the site shows reviews, the files' git days."""
        if not self.config.review:
            return {"today": review.today(self.config.today)}
        return {"today": review.today(self.config.today), "changed": review.history(self.root)}

    def _retargeted(self, content: str, path: str, directory_urls: bool) -> str:
        """A standalone diagram with its links made this site's URLs (a file's URL is its
        path), made again only when its text, path or URL style changed: while serving, the
        last build's are kept (a pass over 3,000 SVGs on every save otherwise)."""
        return self.retargeted.get((path, directory_urls, content),
                                   lambda: retarget(content, path, self._urls_from(path, path)))

    def _urls_from(self, here: str, here_url: str) -> Callable[[str], str]:
        """Generated file (`roles/x.md`) -> its URL in this site (`roles/x/` or `roles/x.html`),
        relative to `here_url`, the URL of the generated file `here`: up to the site's root,
        then down, as the diagrams always linked."""
        assert self.files is not None, "on_files runs first"
        uris = self.files.src_uris  # our targets are normalised posix paths already
        folder = here_url if here_url.endswith("/") or not here_url else posixpath.dirname(here_url) + "/"
        folder = folder.lstrip("/")

        def url(target: str) -> str:
            found = uris.get(target)
            if found is None:  # pragma: no cover - every diagram links to generated files
                raise PluginError(f"a diagram in {here} links to {target}, which is not part of the site")
            return relative(found.url, folder)

        return url

    def _report(self, output: Output) -> None:
        for note in output.notes:
            log.info(note)
        errors = len(output.result.errors)
        # while serving with errors, they go to a logger --strict does not count: the preview
        # shows them on its pages and must keep building until they are fixed
        report = serve_log if self.serving and errors else log
        for problem in output.result.problems:
            text = f"{problem.location}: {problem.message} [{problem.rule}]"
            if problem.severity == "error":
                report.error(text)
            else:
                report.warning(text)
        if errors and not self.serving:
            raise PluginError(
                f"the playbook has {errors} error{'s' if errors != 1 else ''} in its YAML files "
                "(listed above); fix them and build again"
            )

    def _problem_pages(self, files: Files, config: MkDocsConfig, output: Output) -> Files:
        """While serving a playbook with errors: every page the last good build generated
        lists the problems, and so does a page of its own; the browser reloads to the real
        page when a save fixes them."""
        text = problems_page(output.result.errors, get_labels(self.language))
        for path in sorted({*self.good_pages, PROBLEMS_PATH}):
            files.append(File.generated(config, path, content=text, inclusion=InclusionLevel.NOT_IN_NAV))
        if config.nav is None:
            config.nav = self._auto_nav = self._navigation(files, output)
        return files

    def _navigation(self, files: Files, output: Output) -> list[Any]:
        """Hand-written pages as mkdocs would list them, with the generated index pages after the home page."""
        hand_written = sorted(
            (
                f for f in files.documentation_pages()
                if (not f.generated_by or f.src_uri == REFERENCE_PATH) and f.inclusion.is_in_nav()
            ),
            key=_file_sort_key,
        )
        nav: list[Any] = list(nest_paths(f.src_uri for f in hand_written))
        home = 1 if nav and nav[0] == "index.md" else 0
        labels = get_labels(self.language)
        nav[home:] = _maintainers(nav[home:], labels("nav_maintainers"))
        nav[home:home] = output.navigation(labels)
        return nav


def _maintainers(pages: list[Any], title: str) -> list[Any]:
    """The hand-written pages other than the home page (how to change the playbook, the guide,
    the format reference) under one tab: they are for the people who keep the YAML, and a new
    hire's tabs are the home page, the organization and the playbook. A folder of them keeps
    its pages, one level down, in the same tab."""
    if len(pages) < 2:
        return pages
    flat: list[Any] = []
    for entry in pages:
        if isinstance(entry, dict):
            for children in entry.values():
                flat.extend(children)
        else:
            flat.append(entry)
    return [{title: flat}]


CACHED_TEMPLATE = "playbook/cached-page.html"
"""The empty template a page from the cache is rendered with: its HTML is the kept one."""


class _Rendering:
    """One build's use of the page cache: which pages came from it, which were rendered (with
    their keys), and the search plugin's entries; warnings logged while a page renders keep
    it out of the cache, so that the next build shows them again."""

    def __init__(self) -> None:
        self.site_key: str | None = None
        self.hits: dict[str, pagecache.Entry] = {}
        self.missed: dict[str, str] = {}
        self.search: dict[str, list[dict[str, Any]]] = {}
        self.search_entries: list[dict[str, Any]] | None = None
        self.search_start = 0
        self.current: str | None = None
        self.tainted: set[str] = set()
        self._handler: logging.Handler | None = None

    def start(self) -> None:
        rendering = self

        class Warnings(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if rendering.current is not None:
                    rendering.tainted.add(rendering.current)

        self._handler = Warnings(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(self._handler)

    def stop(self) -> None:
        if self._handler is not None:
            logging.getLogger("mkdocs").removeHandler(self._handler)
            self._handler = None


class _Recent(Generic[K, V]):
    """Values made in this build or the last one, by key: while serving, what a save did not
    change is not made again, and only two builds' values are held."""

    def __init__(self) -> None:
        self.now: dict[K, V] = {}
        self.last: dict[K, V] = {}

    def next_build(self) -> None:
        self.last, self.now = self.now, {}

    def get(self, key: K, make: Callable[[], V]) -> V:
        found = self.now.get(key)
        if found is None:
            found = self.last.get(key)
        if found is None:
            found = make()
        self.now[key] = found
        return found


def _keep_compiled(env: Any, folder: Path | None) -> None:
    """Give a theme's Jinja environment the cache folder's compiled templates (`cache.template_bytecode`)."""
    if folder is not None and env.bytecode_cache is None:
        env.bytecode_cache = template_bytecode(folder)


def _kept_render(page: Page) -> Callable[[MkDocsConfig, Files], None]:
    """What `Page.render` becomes on a page served from the page cache: it converts nothing,
    so MkDocs creates no `markdown.Markdown` for it. The page's title is in `meta` already
    (`on_page_markdown`); its anchors and links come from the cache in `on_page_content`."""

    def render(config: MkDocsConfig, files: Files) -> None:
        page.content = ""
        page.toc = get_toc([])  # what an empty page's rendering gives

    return render


def _nav_items(items: Any) -> list[Any]:
    """The navigation as plain data: each item's kind, title, URL and children."""
    return [
        (type(item).__name__, item.title, getattr(item, "url", None), _nav_items(getattr(item, "children", None) or []))
        for item in items
    ]


def _redirect_files(config: MkDocsConfig, files: Files, root: Path, language: str) -> list[File]:
    """A page at each old address in redirects.yml that sends the reader on to the new page
    (validation has reported redirects to no page, and old addresses that are pages again)."""
    found, _problems = redirects.read(root)
    moved = get_labels(language)("page_moved")
    made = []
    for old, new in sorted(found.pages.items()):
        target = files.get_file_from_path(new)
        if target is None or files.get_file_from_path(old) is not None:
            continue
        old_page = File(old, None, config.site_dir, config.use_directory_urls)
        if files.get_file_from_path(old_page.dest_uri) is not None:
            continue
        content = redirects.page_html(get_relative_url(target.url, old_page.url), moved, language)
        made.append(File.generated(config, old_page.dest_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV))
    return made


def _present(docs_dir: Path, paths: Iterable[str]) -> Iterator[str]:
    """The `paths` (relative, posix) that exist under `docs_dir`: only those in a folder that
    exists there are looked up (a handful of folders, rather than a lookup per generated file)."""
    folders: dict[str, bool] = {}
    for path in paths:
        folder = posixpath.dirname(path)
        if folder not in folders:
            folders[folder] = (docs_dir / folder).is_dir()
        if folders[folder] and (docs_dir / path).exists():
            yield path


def _sanitized_home(content: str) -> str:
    """A hand-written page with the first-day block: the block, made from the YAML, goes
    through the same allowlist as every generated page; the hand-written rest stays as written."""
    start = content.index(HOME_START)
    end = content.find(HOME_END, start)
    end = len(content) if end < 0 else end
    inner = content[start + len(HOME_START) : end]
    return content[: start + len(HOME_START)] + sanitize_html(inner) + content[end:]


_EXCLUDED_BLOCK = re.compile(r"<(p|li)>(<span data-search-exclude>)")
"""A block that opens with a span search skips: the templates write it as the block's only content."""


def _unindexed(content: str, page: Page, headings: tuple[str, ...]) -> str:
    """Mark the sections under `headings` (plain text), and the sections under those, with
    `data-search-exclude`, which Material's search reads on a heading as "leave this section
    out" (each heading starts a section of its own, so a sub-heading needs it too).

    The page's own title (its one `h1`) among `headings` marks its tables instead, which
    Material's search then skips: the title and the introduction stay findable.

    A paragraph or list item that is one excluded span (the templates' review line and role
    facts, `data-search-exclude` on a `span`) is excluded whole, so that no empty `<p></p>` or
    `<li></li>` is left in the index for every page."""
    content = _EXCLUDED_BLOCK.sub(r"<\1 data-search-exclude>\2", content)
    if not headings:
        return content
    wanted = set(headings)
    top = [item for item in page.toc if item.level == 1]
    if len(top) == 1 and html.unescape(top[0].title) in wanted:
        content = content.replace("<table>", "<table data-search-exclude>")
        wanted.discard(html.unescape(top[0].title))
    stack = [(item, False) for item in page.toc]
    while stack:
        item, inside = stack.pop()
        excluded = inside or html.unescape(item.title) in wanted
        stack.extend((child, excluded) for child in item.children)
        if excluded:
            content = re.sub(
                rf'<(h[1-6]) id="{re.escape(item.id)}">', rf'<\1 id="{item.id}" data-search-exclude>', content, count=1
            )
    return content


def _check_site_dir(config: MkDocsConfig, root: Path) -> None:
    """Refuse a site folder that mkdocs would empty although playbook did not make it.

    mkdocs empties `site_dir` after `on_config`; `site_dir: org` would delete the YAML."""
    custom_dir = config.theme.custom_dir
    extra = [Path(custom_dir)] if custom_dir else []
    project_sources = targets.sources(root, Path(config.docs_dir), extra)
    try:
        targets.check_target(Path(config.site_dir), project_sources, command="mkdocs build")
    except targets.UnsafeTarget as exc:
        raise PluginError(str(exc)) from None


def _file_sort_key(file: File) -> tuple[Any, ...]:
    from mkdocs.structure.files import file_sort_key

    return file_sort_key(file)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _normalized(url: str) -> str:
    """`…/docs/../org/roles/x.yml` -> `…/org/roles/x.yml`."""
    parts = urlsplit(url)
    path = posixpath.normpath(parts.path) if parts.path else parts.path
    if parts.path.endswith("/") and not path.endswith("/"):
        path += "/"
    return urlunsplit(parts._replace(path=path))
